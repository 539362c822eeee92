// Receipts end to end through the global URL: upload (sign, PUT through the edge to the home
// bucket, complete), list, download, delete, export and erasure; two users of one region who
// cannot reach each other's files; bad input; and every bucket and table read directly.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse as parseDisposition } from 'content-disposition';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { localS3 } from '../../local/aws-clients.ts';
import { dumpEverything, storesContaining } from '../../local/stores.ts';
import { Browser, type Reply } from '../support/client.ts';
import { startStack, type RunningStack } from '../support/stack.ts';

const RUN = Date.now().toString(36);
const MB = 1024 * 1024;
const pdf = (text: string, size = 0) => {
  const head = Buffer.from(`%PDF-1.7\n% ${text}\n`);
  return size > head.length ? Buffer.concat([head, Buffer.alloc(size - head.length, 0x20)]) : head;
};
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`png-${RUN}`)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`jpeg-${RUN}`)]);

let stack: RunningStack;
const users: Record<'ana' | 'bea' | 'cal', { b: Browser; region: string }> = {} as never;

before(async () => {
  stack = await startStack();
  for (const [name, country, region] of [
    ['ana', 'IE', 'eu-west-1'],
    ['bea', 'FR', 'eu-west-1'],
    ['cal', 'US', 'us-east-2'],
  ] as const) {
    const b = new Browser(stack.url);
    const res = await b.post('/api/auth/signup', { email: `${name}.${RUN}@example.com`, password: `pw-${RUN}-long-enough`, name: `${name} ${RUN}`, country });
    assert.equal(res.status, 201, res.text);
    users[name] = { b, region };
  }
});
after(async () => {
  await stack?.stop();
});

interface Upload {
  id: string;
  url: string;
  method: string;
  headers: Record<string, string>;
}

async function start(b: Browser, name: string, type: string, size: number): Promise<Upload> {
  const res = await b.post('/api/uploads', { name, type, size });
  assert.equal(res.status, 201, res.text);
  assert.ok(!decodeURIComponent(res.body.upload.url).includes(RUN), 'the upload link carries no file name');
  return res.body.upload;
}
const put = (b: Browser, up: Upload, bytes: Buffer, headers = up.headers) => b.send(up.method, up.url, new Uint8Array(bytes), headers);
const complete = (b: Browser, id: string) => b.post(`/api/uploads/${id}/complete`, {});

async function upload(b: Browser, name: string, type: string, bytes: Buffer) {
  const up = await start(b, name, type, bytes.length);
  const sent = await put(b, up, bytes);
  assert.equal(sent.status, 200, sent.text);
  const done = await complete(b, up.id);
  assert.equal(done.status, 201, done.text);
  return done.body.file as { id: string; name: string; type: string; size: number; uploadedAt: string };
}

async function download(b: Browser, id: string): Promise<Reply> {
  const res = await b.get(`/files/${id}`);
  assert.equal(res.status, 302, res.text);
  const location = res.headers.get('location')!;
  assert.match(location, new RegExp(`^/files/${id}/content\\?`), 'the signed link stays on the global URL');
  // Access logs (CloudFront's, S3's) record query strings: no file name may be in one.
  assert.ok(!decodeURIComponent(location).includes(RUN), 'the signed link carries no file name');
  return b.get(location);
}

/** Every object key in a region's files bucket, read directly. */
async function bucketKeys(region: string): Promise<string[]> {
  const r = stack.manifest.regions[region]!;
  const s3 = localS3(r.s3.endpoint, region);
  const list = await s3.send(new ListObjectsV2Command({ Bucket: r.s3.buckets[0]! }));
  s3.destroy();
  return (list.Contents ?? []).map((o) => o.Key!);
}

const NAMES = [`receipt ${RUN} + tax @ 100% – café 東京.pdf`, `a%2Fb ${RUN}.pdf`, `..%2F..%2Fescape ${RUN}.pdf`, `space  and +plus ${RUN}.pdf`];

describe('receipts', () => {
  const ids: Record<string, string> = {};

  test('upload, list and download round-trip bytes and names with spaces, +, @, % and non-ASCII', async () => {
    const { b } = users.ana;
    for (const [i, name] of NAMES.entries()) {
      const bytes = pdf(`ana-${RUN}-${i}`);
      const file = await upload(b, name, 'application/pdf', bytes);
      assert.deepEqual([file.name, file.type, file.size], [name, 'application/pdf', bytes.length]);
      ids[name] = file.id;
      const got = await download(b, file.id);
      assert.equal(got.status, 200);
      assert.ok(got.bytes.equals(bytes), 'the same bytes come back');
      assert.equal(got.headers.get('content-type'), 'application/pdf');
      const disposition = parseDisposition(got.headers.get('content-disposition')!);
      assert.deepEqual([disposition.type, disposition.parameters.filename], ['attachment', name]);
    }
    const png = await upload(b, `photo ${RUN}.png`, 'image/png', PNG);
    assert.equal(png.type, 'image/png');
    const list = await b.get('/api/files');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.files.map((f: { id: string }) => f.id),
      [png.id, ...NAMES.map((n) => ids[n]).reverse()],
      'newest first',
    );
  });

  test('a 10 MB receipt goes through the edge to the bucket, never through the API', async () => {
    const big = pdf(`big-${RUN}`, 10 * MB);
    const file = await upload(users.cal.b, `big ${RUN}.pdf`, 'application/pdf', big);
    assert.equal(file.size, 10 * MB);
    const got = await download(users.cal.b, file.id);
    assert.ok(got.bytes.equals(big));
    ids.big = file.id;
  });

  test('listing pages with an opaque cursor', async () => {
    const { b } = users.ana;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Reply = await b.get(`/api/files?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200, page.text);
      assert.ok(page.body.files.length <= 2);
      seen.push(...page.body.files.map((f: { id: string }) => f.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(seen.length, NAMES.length + 1);
    assert.equal(new Set(seen).size, seen.length);
    assert.equal((await b.get('/api/files?cursor=not-ours')).body.error, 'invalid_cursor');
  });

  test("another user's id answers exactly like a missing one, and their signed links are useless", async () => {
    const victim = ids[NAMES[0]!]!;
    const { b: thief } = users.bea;
    const missing = await thief.get('/files/0zzzzzzzzzzzzzzzzz');
    const stolen = await thief.get(`/files/${victim}`);
    assert.deepEqual([stolen.status, stolen.text], [missing.status, missing.text]);
    assert.equal(stolen.status, 404);
    const del = await thief.del(`/api/files/${victim}`);
    assert.deepEqual([del.status, del.text], [(await thief.del('/api/files/0zzzzzzzzzzzzzzzzz')).status, (await thief.del('/api/files/0zzzzzzzzzzzzzzzzz')).text]);

    // Ana's own signed link, replayed with Bea's session: the edge builds the key from Bea's
    // subject, so the signature no longer matches and the bucket refuses.
    const link = (await users.ana.b.get(`/files/${victim}`)).headers.get('location')!;
    assert.equal((await thief.get(link)).status, 403);
    // And an upload link of Ana's cannot write into Ana's prefix for Bea.
    const anaUpload = await start(users.ana.b, `x ${RUN}.pdf`, 'application/pdf', 9);
    assert.equal((await put(thief, anaUpload, pdf('x').subarray(0, 9))).status, 403);
    assert.equal((await complete(thief, anaUpload.id)).status, 404);
    // Ana's file is untouched.
    assert.ok((await download(users.ana.b, victim)).bytes.equals(pdf(`ana-${RUN}-0`)));
    const bea = await thief.get('/api/files');
    assert.deepEqual(bea.body.files, [], 'Bea sees none of Ana\'s files');
  });

  test('bad input: 4xx with a stable code, nothing written', async () => {
    const { b } = users.bea;
    const before = await bucketKeys('eu-west-1');
    const cases: [unknown, number, string][] = [
      [{ name: 'a.pdf', type: 'application/pdf', size: 10 * MB + 1 }, 413, 'file_too_large'],
      [{ name: 'a.txt', type: 'text/plain', size: 10 }, 415, 'unsupported_media_type'],
      [{ name: 'a.svg', type: 'image/svg+xml', size: 10 }, 415, 'unsupported_media_type'],
      [{ name: '', type: 'application/pdf', size: 10 }, 400, 'invalid_request'],
      [{ name: 'a\u202Efdp.exe', type: 'application/pdf', size: 10 }, 400, 'invalid_request'],
      [{ name: 'lone \ud800 surrogate.pdf', type: 'application/pdf', size: 10 }, 400, 'invalid_request'],
      [{ name: 'a.pdf', type: 'application/pdf', size: 0 }, 400, 'invalid_request'],
      [{ name: 'a.pdf', type: 'application/pdf', size: 1.5 }, 400, 'invalid_request'],
      [{ name: 'a.pdf', type: 'application/pdf', size: 10, extra: 1 }, 400, 'invalid_request'],
    ];
    for (const [body, status, error] of cases) {
      const res = await b.post('/api/uploads', body);
      assert.deepEqual([res.status, res.body?.error], [status, error], JSON.stringify(body));
      assert.ok(res.body.message);
    }
    const malformed = await b.post('/api/uploads', '{"name": "a.pdf",');
    assert.deepEqual([malformed.status, malformed.body.error], [400, 'invalid_json']);
    for (const path of ['/files/..%2F..%2Fsecret', '/files/a%2Fb', '/files/a%2F..%2Fb/content', '/files/a/content/b', '/api/files/a%2Fb', '/api/uploads/..%2Fx/complete']) {
      const res = await b.get(path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error, 'not_found');
    }
    assert.deepEqual(await bucketKeys('eu-west-1'), before, 'nothing reached the bucket');
    assert.deepEqual((await b.get('/api/files')).body.files, []);
  });

  test('the bytes decide the type: a mislabelled or foreign file is refused (415) and removed', async () => {
    const { b } = users.bea;
    for (const [declared, bytes] of [
      ['application/pdf', Buffer.from(`plain text ${RUN}`)],
      ['application/pdf', PNG],
      ['image/png', JPEG],
      ['image/jpeg', Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"/>`)],
    ] as const) {
      const up = await start(b, `mislabelled ${RUN}`, declared, bytes.length);
      assert.equal((await put(b, up, bytes)).status, 200);
      const res = await complete(b, up.id);
      assert.deepEqual([res.status, res.body.error], [415, 'unsupported_media_type'], declared);
    }
    assert.deepEqual((await bucketKeys('eu-west-1')).filter((k) => k.includes(`/${stackUserId(users.bea.b)}/`)), []);
    assert.deepEqual((await b.get('/api/files')).body.files, []);
  });

  test('the signed upload holds the declared size; completing before the bytes arrive is 409', async () => {
    const { b } = users.bea;
    const bytes = pdf(`sized-${RUN}`);
    const up = await start(b, `sized ${RUN}.pdf`, 'application/pdf', bytes.length);
    assert.equal((await complete(b, up.id)).body.error, 'upload_incomplete');
    assert.equal((await put(b, up, Buffer.concat([bytes, Buffer.from('more')]))).status, 403, 'more bytes than signed');
    assert.equal((await put(b, up, bytes, { 'content-type': 'image/png' })).status, 403, 'another type than signed');
    assert.equal((await b.send('PUT', up.url.replace('X-Amz-Signature=', 'X-Amz-Signature=0'), new Uint8Array(bytes), up.headers)).status, 403, 'a tampered signature');
    assert.equal((await b.send('PUT', up.url.split('?')[0]!, new Uint8Array(bytes), up.headers)).status, 403, 'no signature at all');
    assert.equal((await put(b, up, bytes)).status, 200);
    assert.equal((await complete(b, up.id)).status, 201);
    assert.equal((await complete(b, up.id)).status, 404, 'an upload completes once');
    const anon = new Browser(stack.url);
    assert.equal((await anon.get(`/files/${up.id}`)).status, 401);
    assert.equal((await anon.send('PUT', up.url, new Uint8Array(bytes), up.headers)).status, 401);
  });

  test('a signed upload URL cannot change a file once it is checked', async () => {
    const { b } = users.bea;
    const bytes = pdf(`checked-${RUN}`);
    const up = await start(b, `checked ${RUN}.pdf`, 'application/pdf', bytes.length);
    assert.equal((await put(b, up, bytes)).status, 200);
    const done = await complete(b, up.id);
    assert.equal(done.status, 201, done.text);
    const fake = Buffer.concat([Buffer.from('<html>'), Buffer.alloc(bytes.length - 6, 0x20)]);
    assert.equal((await put(b, up, fake)).status, 200, 'the URL still writes (to incoming/) while it lives');
    assert.equal((await complete(b, up.id)).status, 404);
    assert.ok((await download(b, up.id)).bytes.equals(bytes), 'the checked bytes are what is served');
  });

  test('two completions of one upload, racing a re-upload: one wins, and its checked bytes are served', async () => {
    const { b } = users.bea;
    for (let trial = 0; trial < 4; trial++) {
      const bytes = pdf(`twice-${RUN}-${trial}`);
      const up = await start(b, `twice ${RUN}.pdf`, 'application/pdf', bytes.length);
      assert.equal((await put(b, up, bytes)).status, 200);
      const fake = Buffer.concat([Buffer.from('<html>'), Buffer.alloc(bytes.length - 6, 0x20)]);
      const [first, second] = await Promise.all([complete(b, up.id), complete(b, up.id), put(b, up, fake)]);
      const statuses = [first.status, second.status];
      // 409: the other call holds the upload; 415: the fake arrived before the copy; 404: the other call finished it.
      assert.ok(statuses.every((st) => [201, 404, 409, 415].includes(st)), `no 5xx: ${statuses} ${first.text} ${second.text}`);
      assert.ok(statuses.filter((st) => st === 201).length <= 1, 'at most one completes');
      if (statuses.includes(201)) {
        const got = await download(b, up.id);
        assert.equal(got.status, 200, 'a completed file has its bytes');
        assert.ok(got.bytes.subarray(0, 5).equals(Buffer.from('%PDF-')), 'and they are the checked ones');
      }
    }
  });

  test('erasure racing an upload completion leaves no object behind', async () => {
    for (let trial = 0; trial < 4; trial++) {
      const b = new Browser(stack.url);
      assert.equal((await b.post('/api/auth/signup', { email: `race${trial}.${RUN}@example.com`, password: `pw-${RUN}-long-enough`, name: `race ${RUN}`, country: 'IE' })).status, 201);
      const userId = stackUserId(b);
      const bytes = pdf(`race-${RUN}-${trial}`);
      const up = await start(b, `race ${RUN}.pdf`, 'application/pdf', bytes.length);
      assert.equal((await put(b, up, bytes)).status, 200);
      const [, erased] = await Promise.all([complete(b, up.id), b.del('/api/me')]);
      assert.equal(erased.status, 204, erased.text);
      assert.deepEqual((await bucketKeys('eu-west-1')).filter((k) => k.includes(`/${userId}/`)), [], `trial ${trial}`);
    }
  });

  test('delete removes the record and the object', async () => {
    const { b } = users.ana;
    const id = ids[NAMES[1]!]!;
    const userId = stackUserId(b);
    assert.ok((await bucketKeys('eu-west-1')).includes(`files/${userId}/${id}`));
    assert.equal((await b.del(`/api/files/${id}`)).status, 204);
    assert.equal((await b.del(`/api/files/${id}`)).status, 404);
    assert.equal((await b.get(`/files/${id}`)).status, 404);
    assert.ok(!(await bucketKeys('eu-west-1')).includes(`files/${userId}/${id}`));
    const activity = (await b.get('/api/activity?limit=100')).body.activity as { action: string; detail: string | null }[];
    assert.ok(activity.some((a) => a.action === 'file_delete' && a.detail === 'pdf'));
    assert.ok(activity.some((a) => a.action === 'file_upload' && a.detail === 'png'));
    assert.ok(!JSON.stringify(activity).includes(RUN), 'activity names the kind of file, never the file');
  });

  test('stats and export describe the files, with download links', async () => {
    const { b } = users.ana;
    const stats = (await b.get('/api/stats')).body;
    const list = (await b.get('/api/files')).body.files as { id: string; size: number }[];
    assert.deepEqual(stats.files, { total: list.length, bytes: list.reduce((n, f) => n + f.size, 0) });
    const exported = (await b.get('/api/export')).body;
    assert.deepEqual(
      exported.files.map((f: { id: string; download: string }) => [f.id, f.download]),
      list.map((f) => [f.id, `/files/${f.id}`]),
    );
    assert.equal((await download(b, exported.files[0].id)).status, 200, 'an export link downloads');
  });

  test("file names and bytes are stored only in the owner's home silo", async () => {
    const dumps = await dumpEverything(stack.manifest);
    for (const name of NAMES.filter((n) => n !== NAMES[1])) assert.deepEqual(storesContaining(dumps, name), ['eu-west-1'], name);
    assert.deepEqual(storesContaining(dumps, `ana-${RUN}-0`), ['eu-west-1'], 'bytes of an EU receipt');
    assert.deepEqual(storesContaining(dumps, `big-${RUN}`), ['us-east-2'], 'bytes of a US receipt');
    assert.deepEqual(storesContaining(dumps, `big ${RUN}.pdf`), ['us-east-2'], 'name of a US receipt');
    const keys = await bucketKeys('eu-west-1');
    for (const k of keys) assert.match(k, /^(files|incoming)\/[A-Za-z0-9_-]{16,64}\/[A-Za-z0-9_-]{1,64}$/, 'keys are ids under a user prefix, never names');
  });

  test('erasure removes every object of the user, and nothing of anyone else', async () => {
    const { b } = users.ana;
    const userId = stackUserId(b);
    const others = (await bucketKeys('eu-west-1')).filter((k) => !k.includes(`/${userId}/`));
    assert.ok((await bucketKeys('eu-west-1')).some((k) => k.includes(`/${userId}/`)));
    assert.equal((await b.del('/api/me')).status, 204);
    assert.deepEqual(await bucketKeys('eu-west-1'), others);
    const dumps = await dumpEverything(stack.manifest);
    assert.deepEqual(storesContaining(dumps, userId), [], 'no item or object names the erased user');
    for (const name of NAMES) assert.deepEqual(storesContaining(dumps, name), [], name);
  });
});

/** The user id is the session's subject (a JWS payload claim, not a secret). */
function stackUserId(b: Browser): string {
  const token = b.jar.get('__Host-session')!;
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sub;
}

describe('one-request upload: POST /api/files (multipart, field "file")', () => {
  let b: Browser;
  before(async () => {
    b = new Browser(stack.url);
    const res = await b.post('/api/auth/signup', { email: `dee.${RUN}@example.com`, password: `pw-${RUN}-long-enough`, name: `dee ${RUN}`, country: 'AU' });
    assert.equal(res.status, 201, res.text);
  });
  const form = (bytes: Buffer, name: string, type: string, field = 'file') => {
    const f = new FormData();
    f.append(field, new Blob([new Uint8Array(bytes)], { type }), name);
    return f;
  };
  const post = async (body: FormData | string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${stack.url}/api/files`, { method: 'POST', body, headers: { cookie: b.cookieHeader()!, ...headers } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  test('stores the file in the home bucket and answers 201 {file}, names round-trip', async () => {
    const name = `direct ${RUN} + @ % ü.png`;
    const res = await post(form(PNG, name, 'image/png'));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.file.name, res.body.file.type, res.body.file.size], [name, 'image/png', PNG.length]);
    const got = await download(b, res.body.file.id);
    assert.ok(got.bytes.equals(PNG));
    assert.equal(parseDisposition(got.headers.get('content-disposition')!).parameters.filename, name);
    assert.ok((await bucketKeys('ap-southeast-2')).includes(`files/${stackUserId(b)}/${res.body.file.id}`));
    const exact = await post(form(pdf(`max-${RUN}`, 4 * MB), `max ${RUN}.pdf`, 'application/pdf'));
    assert.deepEqual([exact.status, exact.body.file?.size], [201, 4 * MB], 'exactly the maximum is accepted');
    const octet = await post(form(JPEG, `j ${RUN}.jpg`, 'application/octet-stream'));
    assert.deepEqual([octet.status, octet.body.file?.type], [201, 'image/jpeg'], 'an undeclared type is taken from the bytes');
  });

  test('refuses what is not a receipt, too large, or not a form, and writes nothing', async () => {
    const before = await bucketKeys('ap-southeast-2');
    const files = (await b.get('/api/files')).body.files.length;
    const cases: [FormData | string, Record<string, string>, number, string][] = [
      [form(Buffer.from(`text ${RUN}`), 'a.pdf', 'application/pdf'), {}, 415, 'unsupported_media_type'],
      [form(PNG, 'a.pdf', 'application/pdf'), {}, 415, 'unsupported_media_type'],
      [form(pdf(`x${RUN}`, 4 * MB + 1), 'big.pdf', 'application/pdf'), {}, 413, 'file_too_large'],
      [form(PNG, 'a.png', 'image/png', 'other'), {}, 400, 'invalid_request'],
      [form(Buffer.alloc(0), 'empty.pdf', 'application/pdf'), {}, 400, 'invalid_request'],
      [form(PNG, 'a\u0007.png', 'image/png'), {}, 400, 'invalid_request'],
      ['{"name":"a.pdf"}', { 'content-type': 'application/json' }, 415, 'unsupported_media_type'],
      ['--x\r\nbroken', { 'content-type': 'multipart/form-data; boundary=x' }, 400, 'invalid_request'],
    ];
    for (const [body, headers, status, error] of cases) {
      const res = await post(body, headers);
      assert.deepEqual([res.status, res.body?.error], [status, error], `${status} ${error}`);
    }
    // Past Lambda's payload limit the Function URL itself answers 413.
    assert.equal((await post(form(pdf('y', 7 * MB), 'huge.pdf', 'application/pdf'))).status, 413);
    assert.deepEqual(await bucketKeys('ap-southeast-2'), before);
    assert.equal((await b.get('/api/files')).body.files.length, files);
  });
});
