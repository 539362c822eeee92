// The directory key for an e-mail: HMAC-SHA-256 with a secret pepper over the normalised
// address. Keyed, so the directory cannot be reversed by hashing a list of known e-mails.
import { createHmac } from 'node:crypto';

export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export function blindIndex(pepper: Uint8Array, email: string): string {
  return createHmac('sha256', pepper).update(normaliseEmail(email), 'utf8').digest('hex');
}
