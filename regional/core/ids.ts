// Ids that sort by time: 9 base-36 digits of milliseconds (good until the year 5188), 3 of a
// per-process sequence (ties within one millisecond keep their order), then 6 random url-safe
// characters. Random ids for users; time-ordered ids for records and activity.
import { randomBytes } from 'node:crypto';

let lastMs = -1;
let seq = 0;

export function timeOrderedId(ms: number): string {
  const t = Math.floor(ms);
  seq = t === lastMs ? seq + 1 : 0;
  lastMs = t;
  return `${t.toString(36).padStart(9, '0')}${seq.toString(36).padStart(3, '0')}${randomBytes(5).toString('base64url').slice(0, 6)}`;
}

export const randomId = () => randomBytes(16).toString('base64url');
