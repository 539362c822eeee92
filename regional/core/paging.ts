// `?limit=&cursor=` for every listing.
import { badRequest } from './errors.ts';
import type { ApiRequest } from './http.ts';
import type { PageRequest } from './ports.ts';

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

export function pageRequest(req: ApiRequest): PageRequest {
  const { limit, cursor } = req.query;
  let n = DEFAULT_PAGE;
  if (limit !== undefined) {
    n = Number(limit);
    if (!/^\d{1,3}$/.test(limit) || n < 1 || n > MAX_PAGE) throw badRequest('invalid_request', `limit: must be a whole number from 1 to ${MAX_PAGE}`, 'limit');
  }
  return cursor === undefined ? { limit: n } : { limit: n, cursor };
}

/** Every item of a listing, page by page (for export and stats). */
export async function everything<T>(list: (cursor?: string) => Promise<{ items: T[]; next: string | null }>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    all.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return all;
}
