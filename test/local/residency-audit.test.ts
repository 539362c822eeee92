// The audit's rules on hand-made store dumps: each kind of leak is found, coincidences are not.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { auditResidency } from '../../local/residency-audit.ts';
import type { StoreDump } from '../../local/stores.ts';

const ana = { pk: 'USER#ana', sk: 'ACCOUNT', id: 'ana', email: 'ana@example.com', name: 'Ana Canary', profile: { phone: '+353 1 555 0101', address: { line1: '1 Quay Street', line2: '' } } };
const bob = { pk: 'USER#bob', sk: 'ACCOUNT', id: 'bob', email: 'bob@example.com', name: 'Bob Builder', profile: { phone: null, address: null } };

const clean = (): StoreDump[] => [
  {
    store: 'eu-west-1',
    items: [
      ana,
      { pk: 'EMAIL#ana@example.com', sk: 'EMAIL', userId: 'ana' },
      { pk: 'USER#ana', sk: 'FILE#f1', id: 'f1', name: 'Oncology invoice.pdf', type: 'application/pdf', size: 10 },
      { pk: 'USER#ana', sk: 'FILE#f2', id: 'f2', name: 'scan.pdf', type: 'application/pdf', size: 10 },
    ],
    objects: { 'files/ana/f1': '%PDF-1.7' },
  },
  { store: 'us-east-2', items: [bob], objects: {} },
  { store: 'global:directory', items: [{ bidx: 'a'.repeat(64), region: 'eu-west-1' }, { bidx: 'b'.repeat(64), region: 'us-east-2' }], objects: {} },
  { store: 'global:static', items: [], objects: { 'index.html': '<html>HelloHealth</html>' } },
];

describe('residency audit', () => {
  test('a clean layout has no findings, and lists every user with their home', () => {
    const r = auditResidency(clean(), [{ store: 'log:eu-west-1-api', text: '{"event":"signup","user":"ana"}' }]);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.directory.problems, []);
    assert.deepEqual(r.users.map((u) => [u.id, u.home]), [['ana', 'eu-west-1'], ['bob', 'us-east-2']]);
  });

  const leaks: { name: string; plant: (d: StoreDump[]) => void; texts?: { store: string; text: string }[]; expect: [string, string] }[] = [
    { name: 'e-mail in another silo', plant: (d) => d[1]!.items.push({ pk: 'X', sk: 'Y', note: 'ANA@example.com' }), expect: ['email', 'us-east-2'] },
    { name: 'phone in another silo bucket', plant: (d) => (d[1]!.objects['u/bob/r'] = 'call +353 1 555 0101'), expect: ['phone', 'us-east-2'] },
    { name: 'name in the static bucket', plant: (d) => (d[3]!.objects['app.js'] = 'const who = "Ana Canary"'), expect: ['name', 'global:static'] },
    { name: 'address in the directory', plant: (d) => d[2]!.items.push({ bidx: 'c'.repeat(64), region: 'eu-west-1', line: '1 Quay Street' }), expect: ['address.line1', 'global:directory'] },
    { name: 'a receipt name in another silo', plant: (d) => d[1]!.items.push({ pk: 'X', sk: 'Y', note: 'oncology INVOICE.pdf' }), expect: ['receipt name', 'us-east-2'] },
    { name: 'a receipt name in a log', plant: () => {}, texts: [{ store: 'log:edge', text: 'GET Oncology invoice.pdf' }], expect: ['receipt name', 'log:edge'] },
    { name: 'e-mail in a log', plant: () => {}, texts: [{ store: 'log:us-east-2-api', text: 'login ana@example.com' }], expect: ['email', 'log:us-east-2-api'] },
  ];
  for (const l of leaks) {
    test(`finds: ${l.name}`, () => {
      const d = clean();
      l.plant(d);
      const r = auditResidency(d, l.texts ?? []);
      assert.ok(r.findings.some((f) => f.user === 'ana' && f.field === l.expect[0] && f.foundIn === l.expect[1]), JSON.stringify(r.findings));
      assert.ok(!JSON.stringify(r.findings).includes('ana@example.com'), 'the report names fields, not values');
    });
  }

  test('two people who share a name in two regions are not a leak', () => {
    const d = clean();
    d[1]!.items.push({ ...bob, pk: 'USER#ana2', id: 'ana2', email: 'other@example.com', name: 'Ana Canary' });
    assert.deepEqual(auditResidency(d, []).findings, []);
  });

  test('objects of a user the silo has no account for are a finding (what an erasure left behind)', () => {
    const d = clean();
    d[0]!.objects['files/gone-user/f7'] = '%PDF-1.7';
    const r = auditResidency(d, []);
    assert.deepEqual(r.findings, [{ user: 'gone-user', home: 'eu-west-1', field: 'objects of a user without an account', foundIn: 'eu-west-1' }]);
  });

  test('an account whose erasure stopped half-way is a finding', () => {
    const d = clean();
    d[1]!.items[0] = { ...bob, erasing: true };
    assert.deepEqual(auditResidency(d, []).findings, [{ user: 'bob', home: 'us-east-2', field: 'erasure not finished', foundIn: 'us-east-2' }]);
  });

  test('a receipt name kept as another silo\'s object metadata is found', () => {
    const d = clean();
    d[1]!.objects['files/bob/f8'] = '%PDF-1.7';
    d[1]!.meta = { 'files/bob/f8': JSON.stringify({ contentDisposition: 'attachment; filename="Oncology invoice.pdf"' }) };
    assert.ok(auditResidency(d, []).findings.some((f) => f.user === 'ana' && f.field === 'receipt name' && f.foundIn === 'us-east-2'));
  });

  test('two people who name a receipt alike in two regions are not a leak', () => {
    const d = clean();
    d[1]!.items.push({ pk: 'USER#bob', sk: 'FILE#f9', id: 'f9', name: 'scan.pdf', type: 'application/pdf', size: 3 });
    d[1]!.objects['files/bob/f9'] = '%PDF-1.7';
    d[1]!.meta = { 'files/bob/f9': JSON.stringify({ contentDisposition: 'attachment; filename="scan.pdf"' }) };
    assert.deepEqual(auditResidency(d, []).findings, []);
    assert.deepEqual(auditResidency(d, []).users.find((u) => u.id === 'ana')!.fields.includes('receipt name'), true);
  });

  test('a directory with an e-mail, an extra attribute or a bare hash is a problem', () => {
    const d = clean();
    d[2]!.items.push({ bidx: createHash('sha256').update('ana@example.com').digest('hex'), region: 'eu-west-1' });
    d[2]!.items.push({ bidx: 'd'.repeat(64), region: 'eu-west-1', email: 'x@y.z' });
    const problems = auditResidency(d, []).directory.problems;
    assert.ok(problems.some((p) => p.includes('unkeyed hash')));
    assert.ok(problems.some((p) => p.includes('only bidx, region')));
    assert.ok(problems.some((p) => p.includes('"@"')));
  });
});
