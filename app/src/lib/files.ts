// Receipts: the client-side checks, the three-step upload and how files read on screen. The
// server checks type and size again (and sniffs the bytes); checking here first only saves a
// round trip and a wasted upload.
import { ApiError, completeUpload, startUpload, type NewUpload, type StoredFile, type UploadTarget } from './api.ts';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** For the file input: extensions for pickers that go by name, types for the rest. */
export const ACCEPT = '.pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg';

const TYPES: Record<string, { label: string; extensions: string[] }> = {
  'application/pdf': { label: 'PDF', extensions: ['pdf'] },
  'image/png': { label: 'PNG image', extensions: ['png'] },
  'image/jpeg': { label: 'JPEG image', extensions: ['jpg', 'jpeg'] },
};

export function isAcceptedType(type: string): boolean {
  return Object.hasOwn(TYPES, type);
}

/** "PDF" for application/pdf; a type this build does not know shows as sent. */
export function typeLabel(type: string): string {
  return knownTypeLabel(type) ?? type;
}

/**
 * "PDF" for application/pdf, and for an extension such as "pdf" (activity entries may name the
 * type either way); undefined for anything else.
 */
export function knownTypeLabel(typeOrExtension: string): string | undefined {
  const value = typeOrExtension.toLowerCase();
  if (isAcceptedType(value)) return TYPES[value]!.label;
  return Object.values(TYPES).find((rule) => rule.extensions.includes(value))?.label;
}

/** The file's type as the browser reports it, or from its extension when the browser reports none. */
export function fileType(file: { name: string; type: string }): string {
  if (file.type !== '') return file.type.toLowerCase();
  const extension = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase();
  if (!extension) return '';
  for (const [type, rule] of Object.entries(TYPES)) if (rule.extensions.includes(extension)) return type;
  return '';
}

/** The step-one body for a chosen file, or what is wrong with it. */
export function checkFile(file: { name: string; type: string; size: number }): NewUpload | { message: string } {
  const type = fileType(file);
  if (!isAcceptedType(type)) return { message: 'Choose a PDF, PNG or JPEG file.' };
  if (file.size === 0) return { message: 'This file is empty. Choose another one.' };
  if (file.size > MAX_FILE_BYTES) return { message: 'This file is larger than 10 MB. Choose a smaller one.' };
  return { name: file.name, type, size: file.size };
}

export function isUploadProblem(result: NewUpload | { message: string }): result is { message: string } {
  return 'message' in result;
}

export type UploadStep = 'preparing' | 'sending' | 'checking';

export interface UploadProgress {
  step: UploadStep;
  /** 0–100: how much of the bytes has been sent. */
  percent: number;
}

export const UPLOAD_REFUSED_MESSAGE = 'The upload was refused or expired; try again.';

/**
 * Step two: the bytes, straight to the home region's bucket through the edge. XMLHttpRequest
 * rather than fetch, because only it reports upload progress. The answer comes from storage, not
 * our API, so its body (XML on failure) is never shown.
 */
export function sendBytes(target: UploadTarget, body: Blob, onpercent: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.url);
    for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      const total = event.lengthComputable && event.total > 0 ? event.total : body.size;
      if (total > 0) onpercent(Math.min(100, Math.floor((event.loaded / total) * 100)));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new ApiError(xhr.status, 'upload_refused', UPLOAD_REFUSED_MESSAGE));
    };
    const interrupted = () =>
      reject(new ApiError(0, 'network_error', 'The upload was interrupted. Check your connection and try again.'));
    xhr.onerror = interrupted;
    xhr.onabort = interrupted;
    xhr.ontimeout = interrupted;
    xhr.send(body);
  });
}

/** All three steps for a file that passed checkFile; throws an ApiError from whichever step failed. */
export async function uploadReceipt(
  file: Blob,
  upload: NewUpload,
  onprogress: (progress: UploadProgress) => void,
): Promise<StoredFile> {
  onprogress({ step: 'preparing', percent: 0 });
  const target = await startUpload(upload);
  onprogress({ step: 'sending', percent: 0 });
  await sendBytes(target, file, (percent) => onprogress({ step: 'sending', percent }));
  onprogress({ step: 'checking', percent: 100 });
  return completeUpload(target.id);
}

/** The download: the server answers with a redirect to a short-lived link, saved under the original name. */
export function downloadPath(file: Pick<StoredFile, 'id'>): string {
  return `/files/${encodeURIComponent(file.id)}`;
}

/** Adds files to a list without duplicates (a later page may repeat one just uploaded), newest first. */
export function mergeFiles(list: StoredFile[], more: StoredFile[]): StoredFile[] {
  const byId = new Map(list.map((f) => [f.id, f]));
  for (const f of more) byId.set(f.id, f);
  return [...byId.values()].sort((a, b) => (Date.parse(b.uploadedAt) || 0) - (Date.parse(a.uploadedAt) || 0));
}
