// Where a user's receipts live in the home bucket. The edge and the silo both build keys from
// here, always from the *verified* subject: no id or path a client sends can name another
// user's prefix. Two prefixes per user: `incoming/` receives browser uploads (a bucket lifecycle
// rule expires leftovers), `files/` holds only what the silo has checked.

/** The id alphabet of every path segment the edge routes; it needs no URL or key escaping. */
export const OBJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export type ObjectArea = 'incoming' | 'files';

export const objectKey = (area: ObjectArea, userId: string, id: string): string => `${area}/${userId}/${id}`;

/**
 * Every prefix that can hold objects of this user (erasure empties all of them). `incoming/` comes
 * last: it is the one a browser can still write to while an upload URL lives.
 */
export const userPrefixes = (userId: string): string[] => [`files/${userId}/`, `incoming/${userId}/`];
