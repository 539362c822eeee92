// The region catalog: which regions exist, their status, and which country's people live where.
// Pure: no I/O. `catalog/load.ts` reads the file; everything else receives a validated Catalog.
import { z } from 'zod';

export const REGION_STATUSES = ['active', 'draining', 'offline'] as const;
export type RegionStatus = (typeof REGION_STATUSES)[number];

const regionCode = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code such as "eu-west-1"');
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code such as "IE"');

// Shown to operators in a terminal and to users in the app: no control or format characters.
const displayText = (max: number) =>
  z.string().min(1).max(max).regex(/^[^\p{Cc}\p{Cf}]+$/u, 'must not contain control or format characters');

const regionSchema = z.strictObject({
  code: regionCode,
  label: displayText(80),
  jurisdiction: z.string().regex(/^[A-Z]{2,8}$/, 'expected a jurisdiction code such as "EU"'),
  status: z.enum(REGION_STATUSES),
});

const catalogSchema = z.strictObject({
  $schema: z.string().optional(),
  product: displayText(60),
  defaultRegion: regionCode,
  retryAfterSeconds: z.int().min(1).max(3600),
  regions: z.array(regionSchema).min(1),
  countries: z.record(countryCode, regionCode),
});

/**
 * Checks across fields. Run on the raw value even when the schema failed, so that `validate`
 * lists every problem at once; it reads only the parts that have the right shape.
 */
function crossFieldProblems(raw: unknown): string[] {
  if (!raw || typeof raw !== 'object') return [];
  const c = raw as { regions?: unknown; defaultRegion?: unknown; countries?: unknown };
  const problems: string[] = [];
  const regions = Array.isArray(c.regions) ? (c.regions as { code?: unknown; status?: unknown }[]) : [];
  const codes = new Map<string, unknown>();
  regions.forEach((r, i) => {
    if (typeof r?.code !== 'string') return;
    if (codes.has(r.code)) problems.push(`regions.${i}.code: region "${r.code}" is listed twice`);
    codes.set(r.code, r.status);
  });
  if (typeof c.defaultRegion === 'string') {
    if (!codes.has(c.defaultRegion)) problems.push(`defaultRegion: "${c.defaultRegion}" is not one of the catalog's regions`);
    else if (codes.get(c.defaultRegion) !== 'active') problems.push(`defaultRegion: the default region must be active, "${c.defaultRegion}" is ${String(codes.get(c.defaultRegion))}`);
  }
  if (c.countries && typeof c.countries === 'object') {
    for (const [country, region] of Object.entries(c.countries)) {
      if (typeof region === 'string' && !codes.has(region)) problems.push(`countries.${country}: maps to "${region}", which is not one of the catalog's regions`);
      if (/^[A-Z]{2}$/.test(country) && !countryName(country)) problems.push(`countries.${country}: "${country}" is not an assigned ISO 3166-1 country code`);
    }
  }
  return problems;
}

export type Region = z.infer<typeof regionSchema>;
export type Catalog = Omit<z.infer<typeof catalogSchema>, '$schema'>;

export class CatalogError extends Error {
  readonly code = 'catalog_invalid';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`the region catalog is invalid (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

/** Validates raw JSON as a catalog; throws CatalogError listing every problem with its path. */
export function parseCatalog(raw: unknown, source = 'catalog'): Catalog {
  const result = catalogSchema.safeParse(raw);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)),
    ...crossFieldProblems(raw),
  ];
  if (!result.success || problems.length) throw new CatalogError(source, problems);
  const { $schema: _ignored, ...catalog } = result.data;
  return catalog;
}

// ICU knows these codes, but they name groups of countries, not one country.
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ']);
const displayNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** English name of an ISO country code, or undefined when the code is not an assigned country. */
export function countryName(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return undefined;
  try {
    const name = displayNames.of(code);
    return name === 'Unknown Region' ? undefined : name;
  } catch {
    return undefined;
  }
}

export function regionOf(catalog: Catalog, code: string): Region | undefined {
  return catalog.regions.find((r) => r.code === code);
}

/** The countries offered at sign-up: those mapped to a region that accepts new users. */
export function signupCountries(catalog: Catalog): { code: string; name: string }[] {
  return Object.entries(catalog.countries)
    .filter(([, region]) => regionOf(catalog, region)?.status === 'active')
    .map(([code]) => ({ code, name: countryName(code) ?? code }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
}
