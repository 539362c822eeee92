// Receipts. Bytes travel between the browser and the home bucket through the edge, never through
// this API (Lambda's 6 MB payload limit is below the 10 MB a receipt may have). The API decides:
// it signs a short-lived URL for one object of the caller's own prefix, then checks what arrived
// by its bytes before it becomes a file.
import { z } from 'zod';
import { objectKey } from '../../files/object-keys.ts';
import { activityEntry } from './activity.ts';
import { readJson } from './body.ts';
import type { SiloContext } from './context.ts';
import { ApiError } from './errors.ts';
import { FILE_TYPES, MAX_FILE_BYTES, SNIFF_BYTES, sniffType, typeLabel } from './file-types.ts';
import { json, noContent, type ApiRequest, type ApiResponse } from './http.ts';
import { timeOrderedId } from './ids.ts';
import { pageRequest } from './paging.ts';
import type { FileType, StoredFile } from './ports.ts';
import { requireAccount } from './session.ts';

/** Lifetime of a signed upload or download URL. */
export const SIGNED_URL_SECONDS = 300;
/** How long an upload may wait for its completion call. */
const PENDING_UPLOAD_SECONDS = 24 * 3600;

const uploadBody = z.strictObject({
  name: z
    .string()
    .transform((n) => n.normalize('NFC'))
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(255)
        .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'must not contain control or format characters')
        .refine((n) => n.trim().length > 0, 'must not be only spaces'),
    ),
  type: z.string().max(100),
  size: z.int('must be a whole number of bytes').min(1, 'must be at least 1 byte'),
});

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
  const query = await ctx.files.signUpload(objectKey('incoming', account.id, id), { type, size: body.size, expiresIn: SIGNED_URL_SECONDS });
  return json(201, {
    upload: {
      id,
      url: contentPath(id, query),
      method: 'PUT',
      headers: { 'content-type': type },
      expiresAt: new Date(nowMs + SIGNED_URL_SECONDS * 1000).toISOString(),
    },
  });
}

/**
 * Checks the uploaded bytes and makes them a file. Resumable: if an earlier call moved the bytes
 * but could not record the file, calling again finishes the job.
 */
export async function completeUpload(ctx: SiloContext, req: ApiRequest, id: string): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const upload = await ctx.silo.getUpload(account.id, id);
  if (!upload) throw new ApiError(404, 'not_found', 'There is no such upload (it may have expired).');
  const incoming = objectKey('incoming', account.id, id);
  const final = objectKey('files', account.id, id);
  const arrived = await ctx.files.size(incoming);
  const source = arrived !== undefined ? incoming : final;
  const size = arrived ?? (await ctx.files.size(final));
  if (size === undefined) throw new ApiError(409, 'upload_incomplete', 'No bytes have arrived for this upload yet: send the file to the upload URL first.');
  const discard = () => ctx.files.remove(source);
  if (size > MAX_FILE_BYTES) {
    await discard();
    throw fileTooLarge();
  }
  const sniffed = sniffType(await ctx.files.head(source, SNIFF_BYTES));
  if (sniffed !== upload.type) {
    await discard();
    throw notAccepted(sniffed ? `The file's contents are ${typeLabel(sniffed).toUpperCase()}, not the ${typeLabel(upload.type).toUpperCase()} it was declared as.` : 'The file\'s contents are not a PDF, PNG or JPEG.');
  }
  if (source === incoming) {
    await ctx.files.copy(incoming, final, upload.type);
    await ctx.files.remove(incoming);
  }
  const file: StoredFile = { id, name: upload.name, type: upload.type, size, uploadedAt: new Date(ctx.nowMs()).toISOString() };
  if (!(await ctx.silo.completeUpload(account.id, file, activityEntry(ctx, 'file_upload', typeLabel(file.type))))) {
    throw new ApiError(404, 'not_found', 'There is no such upload (it may have expired).');
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
  const query = await ctx.files.signDownload(objectKey('files', account.id, id), { name: file.name, type: file.type, expiresIn: SIGNED_URL_SECONDS });
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
