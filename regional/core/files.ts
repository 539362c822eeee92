// Receipts. Bytes travel between the browser and the home bucket through the edge, never through
// this API (Lambda's 6 MB payload limit is below the 10 MB a receipt may have). The API decides:
// it signs a short-lived URL for one object of the caller's own prefix, then checks what arrived
// by its bytes before it becomes a file.
import { z } from 'zod';
import { objectKey } from '../../files/object-keys.ts';
import { activityEntry } from './activity.ts';
import { readJson } from './body.ts';
import { nowSeconds, type SiloContext } from './context.ts';
import { ApiError } from './errors.ts';
import { FILE_TYPES, MAX_FILE_BYTES, SNIFF_BYTES, sniffType, typeLabel } from './file-types.ts';
import { json, noContent, type ApiRequest, type ApiResponse } from './http.ts';
import { randomId, timeOrderedId } from './ids.ts';
import { readFilePart } from './multipart.ts';
import { pageRequest } from './paging.ts';
import type { FileType, PendingUpload, StoredFile } from './ports.ts';
import { requireAccount } from './session.ts';

/**
 * Lifetimes of signed URLs. The edge checks the session's signature, not its record in the silo,
 * so a URL outlives a sign-out by at most this much: a download is followed at once, an upload
 * gets time to start on a slow link (S3 checks expiry when the request begins).
 */
export const UPLOAD_URL_SECONDS = 300;
export const DOWNLOAD_URL_SECONDS = 60;
/** How long an upload may wait for its completion call. */
const PENDING_UPLOAD_SECONDS = 24 * 3600;

/**
 * Receipts small enough to travel through the API in one `POST /api/files` (Lambda's 6 MB
 * payload, base64-encoded for binary bodies, leaves about 4.4 MB); larger ones use the signed upload.
 */
export const MAX_DIRECT_UPLOAD_BYTES = 4 * 1024 * 1024;

const fileName = z
  .string()
  .transform((n) => n.normalize('NFC'))
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(255)
      // \p{Cs}: a lone surrogate is not text (and no header can carry it).
      .regex(/^[^\p{Cc}\p{Cf}\p{Cs}]*$/u, 'must not contain control or format characters or broken Unicode')
      .refine((n) => n.trim().length > 0, 'must not be only spaces'),
  );

const uploadBody = z.strictObject({
  name: fileName,
  type: z.string().max(100),
  size: z.int('must be a whole number of bytes').min(1, 'must be at least 1 byte'),
});

/** How long a completion may hold its upload before another call may take over (it takes seconds). */
const CLAIM_SECONDS = 60;
const noSuchUpload = () => new ApiError(404, 'not_found', 'There is no such upload (it may have expired).');
const fileTooLarge = () => new ApiError(413, 'file_too_large', `A receipt may be at most ${MAX_FILE_BYTES / (1024 * 1024)} MB.`, 'size');
const notAccepted = (what: string) => new ApiError(415, 'unsupported_media_type', `${what} Receipts may be PDF, PNG or JPEG.`, 'type');
const noSuchFile = () => new ApiError(404, 'not_found', 'There is no such file.');
const contentPath = (id: string, query: string) => `/files/${id}/content?${query}`;

export async function startUpload(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const body = readJson(req, uploadBody);
  if (!(FILE_TYPES as readonly string[]).includes(body.type)) throw notAccepted(`"${body.type.slice(0, 40)}" is not accepted.`);
  if (body.size > MAX_FILE_BYTES) throw fileTooLarge();
  const type = body.type as FileType;
  const nowMs = ctx.nowMs();
  const id = timeOrderedId(nowMs);
  await ctx.silo.createUpload(account.id, { id, name: body.name, type, size: body.size, expiresAt: Math.floor(nowMs / 1000) + PENDING_UPLOAD_SECONDS });
  const query = await ctx.files.signUpload(objectKey('incoming', account.id, id), { type, size: body.size, expiresIn: UPLOAD_URL_SECONDS });
  return json(201, {
    upload: {
      id,
      url: contentPath(id, query),
      method: 'PUT',
      headers: { 'content-type': type },
      expiresAt: new Date(nowMs + UPLOAD_URL_SECONDS * 1000).toISOString(),
    },
  });
}

/**
 * Checks the uploaded bytes and makes them a file. The bytes are first copied out of `incoming/`
 * (which the browser can still write to while its URL lives) into `files/` (which only the silo
 * writes), and the copy is what is checked and kept: a re-upload racing this call cannot swap
 * unchecked bytes in. Resumable: calling again finishes a call that stopped half-way.
 */
export async function completeUpload(ctx: SiloContext, req: ApiRequest, id: string): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const upload = await ctx.silo.getUpload(account.id, id);
  if (!upload) throw noSuchUpload();
  // One completion at a time: two racing calls would copy and clean up under each other.
  const token = randomId();
  const now = nowSeconds(ctx);
  if (!(await ctx.silo.claimUpload(account.id, id, { token, now, staleBefore: now - CLAIM_SECONDS }))) {
    throw new ApiError(409, 'upload_in_progress', 'This upload is being completed by another request. Try again in a moment.');
  }
  try {
    const file = await checkAndRecord(ctx, account.id, upload, token);
    return json(201, { file });
  } catch (err) {
    // Whatever stopped this call, the upload may be completed again (after a re-upload, say).
    await ctx.silo.releaseUpload(account.id, id, token).catch(() => undefined);
    throw err;
  }
}

/** Copies the bytes out of reach of the browser, checks the copy, records the file. */
async function checkAndRecord(ctx: SiloContext, userId: string, upload: PendingUpload, token: string): Promise<StoredFile> {
  const { id } = upload;
  const incoming = objectKey('incoming', userId, id);
  const final = objectKey('files', userId, id);
  await ctx.files.copy(incoming, final, { type: upload.type, name: upload.name });
  const size = await ctx.files.size(final);
  if (size === undefined) throw new ApiError(409, 'upload_incomplete', 'No bytes have arrived for this upload yet: send the file to the upload URL first.');
  // Whatever goes wrong from here, no unchecked or unrecorded bytes stay behind.
  const discard = () => Promise.all([ctx.files.remove(final), ctx.files.remove(incoming)]);
  if (size > MAX_FILE_BYTES) {
    await discard();
    throw fileTooLarge();
  }
  const start = await ctx.files.head(final, SNIFF_BYTES);
  if (!start) throw noSuchUpload(); // removed meanwhile: the account is being erased
  const sniffed = sniffType(start);
  if (sniffed !== upload.type) {
    await discard();
    throw notAccepted(sniffed ? `The file's contents are ${typeLabel(sniffed).toUpperCase()}, not the ${typeLabel(upload.type).toUpperCase()} it was declared as.` : 'The file\'s contents are not a PDF, PNG or JPEG.');
  }
  const file: StoredFile = { id, name: upload.name, type: upload.type, size, uploadedAt: new Date(ctx.nowMs()).toISOString() };
  if (!(await ctx.silo.completeUpload(userId, file, activityEntry(ctx, 'file_upload', typeLabel(file.type)), token))) {
    // Expired, or the account is being erased: the copy must not outlive it.
    if (!(await ctx.silo.getFile(userId, id))) await discard();
    throw noSuchUpload();
  }
  // The file is recorded: a leftover in incoming/ is only untidy (its lifecycle rule removes it).
  await ctx.files.remove(incoming).catch(() => undefined);
  return file;
}

/** `POST /api/files` (multipart, field `file`): the whole receipt in one request, for small files. */
export async function uploadFile(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const direct = () =>
    new ApiError(413, 'file_too_large', `A receipt sent in one request may be at most ${MAX_DIRECT_UPLOAD_BYTES / (1024 * 1024)} MB; POST /api/uploads takes up to ${MAX_FILE_BYTES / (1024 * 1024)} MB.`, 'file');
  const part = await readFilePart(req, MAX_DIRECT_UPLOAD_BYTES, direct);
  const name = fileName.safeParse(part.name);
  if (!name.success) throw new ApiError(400, 'invalid_request', `file name: ${name.error.issues[0]!.message}`, 'file');
  if (part.bytes.length === 0) throw new ApiError(400, 'invalid_request', 'file: the file is empty.', 'file');
  const sniffed = sniffType(part.bytes.subarray(0, SNIFF_BYTES));
  if (!sniffed) throw notAccepted("The file's contents are not a PDF, PNG or JPEG.");
  const declared = part.declaredType.toLowerCase();
  if (declared !== 'application/octet-stream' && declared !== sniffed) {
    throw notAccepted(`The file's contents are ${typeLabel(sniffed).toUpperCase()}, not the "${declared.slice(0, 40)}" it was declared as.`);
  }
  const nowMs = ctx.nowMs();
  const file: StoredFile = { id: timeOrderedId(nowMs), name: name.data, type: sniffed, size: part.bytes.length, uploadedAt: new Date(nowMs).toISOString() };
  const key = objectKey('files', account.id, file.id);
  await ctx.files.put(key, part.bytes, { type: sniffed, name: name.data });
  try {
    await ctx.silo.addFile(account.id, file, activityEntry(ctx, 'file_upload', typeLabel(sniffed)));
  } catch (err) {
    // No record, no bytes: a failed write leaves nothing behind.
    await ctx.files.remove(key).catch(() => undefined);
    throw err;
  }
  return json(201, { file });
}

export async function listFiles(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const page = await ctx.silo.listFiles(account.id, pageRequest(req));
  return json(200, { files: page.items, nextCursor: page.next });
}

/** `GET /files/:id`: a redirect to the bytes, signed for the caller's own object only. */
export async function downloadFile(ctx: SiloContext, req: ApiRequest, id: string): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const file = await ctx.silo.getFile(account.id, id);
  if (!file) throw noSuchFile();
  const query = await ctx.files.signDownload(objectKey('files', account.id, id), { expiresIn: DOWNLOAD_URL_SECONDS });
  return { status: 302, headers: { location: contentPath(id, query), 'cache-control': 'no-store' }, cookies: [], body: '' };
}

export async function deleteFile(ctx: SiloContext, req: ApiRequest, id: string): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  // Another user's id answers exactly like a missing one: the lookup is inside the caller's partition.
  const file = await ctx.silo.getFile(account.id, id);
  if (!file) throw noSuchFile();
  // Bytes first: if the record delete then fails, calling again finishes (removing is idempotent).
  await ctx.files.remove(objectKey('files', account.id, id));
  if (!(await ctx.silo.deleteFile(account.id, id, activityEntry(ctx, 'file_delete', typeLabel(file.type))))) throw noSuchFile();
  return noContent();
}
