// The region catalog: which regions exist, their status, and which country's people live where.
// Pure: no I/O. `catalog/load.ts` reads the file; everything else receives a validated Catalog.
import { z } from 'zod';

export const REGION_STATUSES = ['active', 'draining', 'offline'] as const;
export type RegionStatus = (typeof REGION_STATUSES)[number];

const regionCode = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code such as "eu-west-1"');
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code such as "IE"');

const regionSchema = z.strictObject({
  code: regionCode,
  label: z.string().min(1).max(80),
  jurisdiction: z.string().regex(/^[A-Z]{2,8}$/, 'expected a jurisdiction code such as "EU"'),
  status: z.enum(REGION_STATUSES),
});

const catalogSchema = z
  .strictObject({
    $schema: z.string().optional(),
    product: z.string().min(1).max(60),
    defaultRegion: regionCode,
    retryAfterSeconds: z.int().min(1).max(3600),
    regions: z.array(regionSchema).min(1),
    countries: z.record(countryCode, regionCode),
  })
  .superRefine((c, ctx) => {
    const codes = new Set<string>();
    c.regions.forEach((r, i) => {
      if (codes.has(r.code)) ctx.addIssue({ code: 'custom', path: ['regions', i, 'code'], message: `region "${r.code}" is listed twice` });
      codes.add(r.code);
    });
    const def = c.regions.find((r) => r.code === c.defaultRegion);
    if (!def) ctx.addIssue({ code: 'custom', path: ['defaultRegion'], message: `"${c.defaultRegion}" is not one of the catalog's regions` });
    else if (def.status !== 'active') ctx.addIssue({ code: 'custom', path: ['defaultRegion'], message: `the default region must be active, "${def.code}" is ${def.status}` });
    for (const [country, region] of Object.entries(c.countries)) {
      if (!codes.has(region)) ctx.addIssue({ code: 'custom', path: ['countries', country], message: `maps to "${region}", which is not one of the catalog's regions` });
      if (!countryName(country)) ctx.addIssue({ code: 'custom', path: ['countries', country], message: `"${country}" is not an assigned ISO 3166-1 country code` });
    }
  });

export type Region = z.infer<typeof regionSchema>;
export type Catalog = Omit<z.infer<typeof catalogSchema>, '$schema'>;

export class CatalogError extends Error {
  readonly code = 'catalog_invalid';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: the region catalog is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

/** Validates raw JSON as a catalog; throws CatalogError listing every problem with its path. */
export function parseCatalog(raw: unknown, source = 'catalog'): Catalog {
  const result = catalogSchema.safeParse(raw);
  if (!result.success) {
    throw new CatalogError(
      source,
      result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
  }
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
