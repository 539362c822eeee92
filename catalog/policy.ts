// The residency policy: which jurisdictions may serve each country's residents. It is owned by
// compliance, changes rarely, and bounds what operators may do with the catalog's mapping.
import { z } from 'zod';
import type { Catalog } from './schema.ts';

const jurisdiction = z.string().regex(/^[A-Z]{2,8}$/, 'expected a jurisdiction code such as "EU"');

const policySchema = z
  .strictObject({
    description: z.string().optional(),
    jurisdictions: z.record(jurisdiction, z.string().min(1)),
    countries: z.record(z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code'), z.array(jurisdiction).min(1)),
  })
  .superRefine((p, ctx) => {
    for (const [country, allowed] of Object.entries(p.countries)) {
      allowed.forEach((j, i) => {
        if (!Object.hasOwn(p.jurisdictions, j)) {
          ctx.addIssue({ code: 'custom', path: ['countries', country, i], message: `"${j}" is not one of the policy's jurisdictions` });
        }
      });
    }
  });

export type ResidencyPolicy = z.infer<typeof policySchema>;

/** Problems as `path: message`, empty when the raw value is a valid policy. */
export function policyProblems(raw: unknown): { policy?: ResidencyPolicy; problems: string[] } {
  const r = policySchema.safeParse(raw);
  if (r.success) return { policy: r.data, problems: [] };
  return { problems: r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`) };
}

/** Every mapping of the catalog that the policy forbids, as `path: message`. */
export function policyViolations(catalog: Catalog, policy: ResidencyPolicy): string[] {
  const jurisdictionOf = new Map(catalog.regions.map((r) => [r.code, r.jurisdiction]));
  const problems: string[] = [];
  catalog.regions.forEach((r, i) => {
    if (!Object.hasOwn(policy.jurisdictions, r.jurisdiction)) {
      problems.push(`regions.${i}.jurisdiction: "${r.jurisdiction}" is not a jurisdiction of the residency policy`);
    }
  });
  for (const [country, region] of Object.entries(catalog.countries)) {
    const allowed = Object.hasOwn(policy.countries, country) ? policy.countries[country]! : [];
    const j = jurisdictionOf.get(region);
    if (allowed.length === 0) {
      problems.push(`countries.${country}: the residency policy does not allow serving ${country} from any jurisdiction`);
    } else if (j !== undefined && !allowed.includes(j)) {
      problems.push(`countries.${country}: maps to ${region} (${j}), but the policy allows ${country} only in ${allowed.join(', ')}`);
    }
  }
  return problems;
}
