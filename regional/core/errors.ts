// Typed API errors with stable codes. `toErrorResponse` in http.ts is the one place they become
// HTTP responses.

export type ApiErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'invalid_email'
  | 'password_too_short'
  | 'unknown_country'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'file_too_large'
  | 'upload_incomplete'
  | 'upload_in_progress'
  | 'email_taken'
  | 'invalid_credentials'
  | 'unauthenticated'
  | 'session_invalid'
  | 'origin_forbidden'
  | 'wrong_region'
  | 'signup_unavailable'
  | 'not_found'
  | 'invalid_cursor'
  | 'erasure_incomplete'
  | 'region_unavailable'
  | 'method_not_allowed'
  | 'internal_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (code: ApiErrorCode, message: string, field?: string) => new ApiError(400, code, message, field);
