// The one file of a `multipart/form-data` body (field `file`), parsed with busboy from the
// bytes the Function URL delivered. Only for small files: the API's payload is bounded by
// Lambda's 6 MB limit (less after base64), so larger receipts use the signed upload instead.
import busboy from 'busboy';
import { ApiError, badRequest } from './errors.ts';
import type { ApiRequest } from './http.ts';

export interface FilePart {
  /** As the browser sent it (UTF-8). */
  name: string;
  /** What the browser declared; the bytes decide. */
  declaredType: string;
  bytes: Buffer;
}

export function readFilePart(req: ApiRequest, maxBytes: number, tooLarge: () => ApiError): Promise<FilePart> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    return Promise.reject(new ApiError(415, 'unsupported_media_type', 'Send the file as multipart/form-data, in a field named "file".'));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // Browsers send file names as raw UTF-8 in filename="…"; busboy's default reads latin1.
      parser = busboy({ headers: { 'content-type': type }, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes + 1, fields: 10, parts: 12 } });
    } catch {
      return reject(badRequest('invalid_request', 'The multipart body has no boundary.'));
    }
    let part: FilePart | undefined;
    let truncated = false;
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => field === 'file' && chunks.push(c));
      stream.on('limit', () => (truncated = true));
      stream.on('end', () => {
        if (field === 'file') part = { name: info.filename ?? '', declaredType: info.mimeType, bytes: Buffer.concat(chunks) };
      });
    });
    parser.on('error', () => reject(badRequest('invalid_request', 'The multipart body is malformed.')));
    parser.on('close', () => {
      // busboy stops at its limit (maxBytes + 1): one byte past the maximum is how it is told apart.
      if (truncated || (part && part.bytes.length > maxBytes)) return reject(tooLarge());
      if (!part) return reject(badRequest('invalid_request', 'file: the form has no file in a field named "file".', 'file'));
      resolve(part);
    });
    parser.end(Buffer.from(req.body));
  });
}
