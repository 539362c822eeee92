// Conversions between the API's profile (nulls for "not given") and the form (plain strings),
// kept out of the component so the rules are easy to read and check.
import type { Profile } from './api.ts';

export interface ProfileFields {
  name: string;
  dateOfBirth: string;
  phone: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  country: string;
}

export type ProfileFieldName = keyof ProfileFields;

/** Element ids, also the stable hooks for tests. */
export const PROFILE_INPUT_IDS: Record<ProfileFieldName, string> = {
  name: 'profile-name',
  dateOfBirth: 'profile-date-of-birth',
  phone: 'profile-phone',
  line1: 'profile-address-line1',
  line2: 'profile-address-line2',
  city: 'profile-address-city',
  postalCode: 'profile-address-postal-code',
  country: 'profile-address-country',
};

export function toFields(profile: Profile): ProfileFields {
  return {
    name: profile.name,
    dateOfBirth: profile.dateOfBirth ?? '',
    phone: profile.phone ?? '',
    line1: profile.address?.line1 ?? '',
    line2: profile.address?.line2 ?? '',
    city: profile.address?.city ?? '',
    postalCode: profile.address?.postalCode ?? '',
    country: profile.address?.country ?? '',
  };
}

/** Empty optional inputs become null; an address with every part empty is no address. */
export function fromFields(fields: ProfileFields): Profile {
  const address = {
    line1: fields.line1.trim(),
    line2: fields.line2.trim(),
    city: fields.city.trim(),
    postalCode: fields.postalCode.trim(),
    country: fields.country,
  };
  const hasAddress = Object.values(address).some((part) => part !== '');
  return {
    name: fields.name.trim(),
    dateOfBirth: fields.dateOfBirth === '' ? null : fields.dateOfBirth,
    phone: fields.phone.trim() === '' ? null : fields.phone.trim(),
    address: hasAddress ? address : null,
  };
}

/** Which input a server `field` (e.g. "address.postalCode" or "phone") points at, if any. */
export function fieldFromServer(field: string | undefined): ProfileFieldName | undefined {
  if (!field) return undefined;
  const key = field.startsWith('address.') ? field.slice('address.'.length) : field;
  if (key === 'address') return 'line1';
  return Object.hasOwn(PROFILE_INPUT_IDS, key) ? (key as ProfileFieldName) : undefined;
}
