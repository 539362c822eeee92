// Reading cookies, one way for the edge and the silos alike. Parsed as browsers send them (RFC 6265 §5.4 shape), hand-written because the edge core
// must stay dependency-free and needs exact rules: every header entry, split on the first '=',
// names trimmed and matched exactly, one pair of surrounding quotes removed, no '=' -> skipped.

/** All cookie headers together may not exceed this; past it, no cookie is read at all. */
export const MAX_COOKIE_HEADER_BYTES = 8192;

/** Every value sent for `name`, in order, or `null` when the cookie headers are over the cap. */
export function cookieValues(cookieHeaders: readonly string[] | undefined, name: string): string[] | null {
  if (!cookieHeaders) return [];
  let total = 0;
  for (const h of cookieHeaders) total += h.length;
  if (total > MAX_COOKIE_HEADER_BYTES) return null;
  const values: string[] = [];
  for (const header of cookieHeaders) {
    for (const segment of header.split(';')) {
      const eq = segment.indexOf('=');
      if (eq < 0) continue;
      if (segment.slice(0, eq).trim() !== name) continue;
      let value = segment.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      values.push(value);
    }
  }
  return values;
}

export type OneCookie = { kind: 'none' } | { kind: 'one'; value: string } | { kind: 'ambiguous' };

/**
 * The duplicate rule, in one place: identical copies count as one and empty values as none; two
 * different values (or cookie headers over the cap) are ambiguous — never resolved by position,
 * so a planted cookie cannot steer a request.
 */
export function oneCookie(cookieHeaders: readonly string[] | undefined, name: string): OneCookie {
  const values = cookieValues(cookieHeaders, name);
  if (values === null) return { kind: 'ambiguous' };
  const distinct = new Set(values.filter((v) => v !== ''));
  if (distinct.size === 0) return { kind: 'none' };
  if (distinct.size > 1) return { kind: 'ambiguous' };
  return { kind: 'one', value: [...distinct][0]! };
}
