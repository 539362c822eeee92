// Request bodies of the silo API.
import { z } from 'zod';
import { normaliseEmail } from './blind-index.ts';

// Deliberately simple: one '@', a dot in the domain, no spaces; the real check is the user
// receiving mail. 254 is the SMTP path limit.
// Checked after normalisation (NFKC can expand one character into many), so what is stored and
// keyed is what was validated.
const email = z
  .string()
  .trim()
  .refine((e) => new TextEncoder().encode(normaliseEmail(e)).length <= 254, 'must be at most 254 bytes')
  .refine((e) => /^[^\s@\p{Cc}\p{Cf}\p{Cs}]+@[^\s@\p{Cc}\p{Cf}\p{Cs}]+\.[^\s@\p{Cc}\p{Cf}\p{Cs}]+$/u.test(normaliseEmail(e)), 'must be an e-mail address such as name@example.com');

export const MIN_PASSWORD = 12;
const password = z.string().min(MIN_PASSWORD, `must be at least ${MIN_PASSWORD} characters`).max(256);
const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  .regex(/^[^\p{Cc}\p{Cf}\p{Cs}]*$/u, 'must not contain control or format characters or broken Unicode');

export const signupBody = z.strictObject({
  email,
  password,
  name,
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO country code such as "IE"'),
});

export const locateBody = z.strictObject({ email });
export const loginBody = z.strictObject({ email, password: z.string().min(1).max(256) });

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\p{Cc}\p{Cf}\p{Cs}]*$/u, 'must not contain control or format characters or broken Unicode');

export const profileBody = z.strictObject({
  name,
  dateOfBirth: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
    .refine((d) => {
      const t = Date.parse(`${d}T00:00:00Z`);
      return Number.isFinite(t) && new Date(t).toISOString().startsWith(d) && t <= Date.now() && d >= '1900-01-01';
    }, 'must be a real date between 1900 and today')
    .nullable(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number such as +353 1 234 5678')
    .nullable(),
  address: z
    .strictObject({
      line1: optionalText(120),
      line2: optionalText(120),
      city: optionalText(80),
      postalCode: optionalText(20),
      country: z.union([z.literal(''), z.string().regex(/^[A-Z]{2}$/, 'must be an ISO country code')]),
    })
    .nullable(),
});

export const SIGNUP_FIELD_CODES = { email: 'invalid_email', password: 'password_too_short', country: 'unknown_country' } as const;
export const EMAIL_FIELD_CODES = { email: 'invalid_email' } as const;
