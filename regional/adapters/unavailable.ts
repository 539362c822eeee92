// Telling "the silo's store is down or overloaded" apart from every other failure, so that the
// API answers 503 with Retry-After (the region is unavailable; nothing is sent elsewhere)
// instead of a 500.
import { StoreUnavailableError } from '../core/ports.ts';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const THROTTLING = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TimeoutError']);

export function isUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    (e.code !== undefined && NETWORK_CODES.has(e.code)) ||
    (e.name !== undefined && THROTTLING.has(e.name)) ||
    (e.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

/** `send` of an SDK client, with outages turned into StoreUnavailableError. */
export function guarded<C extends { send(command: never): Promise<unknown> }>(client: C): C['send'] {
  return (async (command: never) => {
    try {
      return await client.send(command);
    } catch (err) {
      if (isUnavailable(err)) throw new StoreUnavailableError((err as Error).name);
      throw err;
    }
  }) as C['send'];
}
