// Reading JSON bodies strictly: size first, then media type, then syntax, then the schema.
import type { z } from 'zod';
import { ApiError, badRequest, type ApiErrorCode } from './errors.ts';
import type { ApiRequest } from './http.ts';

export const MAX_JSON_BODY_BYTES = 64 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates a JSON body. `fieldCodes` gives the stable error code for a problem in a
 * top-level field (e.g. `email` -> `invalid_email`); any other problem is `invalid_request`.
 */
export function readJson<T extends z.ZodType>(
  req: ApiRequest,
  schema: T,
  fieldCodes: Partial<Record<string, ApiErrorCode>> = {},
): z.infer<T> {
  if (req.body.length > MAX_JSON_BODY_BYTES) {
    throw new ApiError(413, 'payload_too_large', `The request body may be at most ${MAX_JSON_BODY_BYTES / 1024} KB.`);
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError(415, 'unsupported_media_type', 'Send the request body as application/json.');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(req.body));
  } catch {
    throw badRequest('invalid_json', 'The request body is not valid JSON.');
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.');
    // A field's own code names a bad value; a missing field, a wrong type or a size limit is
    // generic (a missing password is not `password_too_short`).
    const generic = issue.code === 'invalid_type' || issue.code === 'too_big' || issue.code === 'unrecognized_keys';
    const code = (!generic && fieldCodes[String(issue.path[0])]) || 'invalid_request';
    throw badRequest(code, field ? `${field}: ${issue.message}` : issue.message, field || undefined);
  }
  return result.data;
}
