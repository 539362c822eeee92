import { ApiError } from './api.ts';

export const REGION_UNAVAILABLE_MESSAGE = 'Your region is temporarily unavailable, try again in a moment';

/** What to tell the person about a failed call. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'region_unavailable') return REGION_UNAVAILABLE_MESSAGE;
    return error.message;
  }
  return 'Something went wrong. Please try again.';
}

/** The stable error code, or undefined for failures that are not API errors. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof ApiError ? error.code : undefined;
}
