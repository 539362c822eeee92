// What changing the running catalog into a proposed one would do, in words and numbers. Pure:
// the caller supplies how many users each region holds (from the directory, counts only).
import { countryName, regionOf, type Catalog, type Region } from './schema.ts';

export interface PlanChange {
  subject: string;
  change: string;
  impact: string;
}

export interface Plan {
  changes: PlanChange[];
  warnings: string[];
  /** Changes no flag can make (e.g. removing a region that still holds users). */
  refusals: string[];
  /** Changes that need --force (taking a region offline). */
  needsForce: string[];
}

const users = (n: number) => `${n} user${n === 1 ? '' : 's'}`;
const named = (c: string) => `${c} (${countryName(c) ?? c})`;
const where = (catalog: Catalog, code: string) => regionOf(catalog, code)?.label ?? code;

export function planChanges(running: Catalog, proposed: Catalog, usersByRegion: Record<string, number>): Plan {
  const plan: Plan = { changes: [], warnings: [], refusals: [], needsForce: [] };
  const count = (code: string) => usersByRegion[code] ?? 0;
  const add = (subject: string, change: string, impact: string) => plan.changes.push({ subject, change, impact });

  const countries = new Set([...Object.keys(running.countries), ...Object.keys(proposed.countries)]);
  for (const c of [...countries].sort()) {
    const from = running.countries[c];
    const to = proposed.countries[c];
    if (from === to) continue;
    if (from && to) {
      add(named(c), `${from} → ${to}`, `new sign-ups from ${countryName(c) ?? c} go to ${where(proposed, to)}; existing users stay in ${from}, where their data is`);
    } else if (to) {
      add(named(c), `offered, in ${to}`, `people in ${countryName(c) ?? c} can sign up; their data will live in ${where(proposed, to)}`);
    } else if (from) {
      add(named(c), `no longer offered (was ${from})`, `no new sign-ups from ${countryName(c) ?? c}; existing users stay in ${from}`);
    }
  }

  const codes = new Set([...running.regions.map((r) => r.code), ...proposed.regions.map((r) => r.code)]);
  for (const code of codes) {
    const before = regionOf(running, code);
    const after = regionOf(proposed, code);
    if (!before && after) {
      add(code, `new region (${after.label}, ${after.jurisdiction}, ${after.status})`, 'needs its silo: a restart of the local stack, or a synth and deploy on AWS');
      continue;
    }
    if (before && !after) {
      if (count(code) > 0) plan.refusals.push(`${code} still holds ${users(count(code))}; it cannot be removed (move or erase them first)`);
      add(code, 'removed', `its silo is no longer routed to (${users(count(code))})`);
      continue;
    }
    regionChanges(before!, after!, count(code), add, plan);
  }

  for (const r of proposed.regions) {
    const mapped = Object.values(proposed.countries).includes(r.code);
    const wasMapped = Object.values(running.countries).includes(r.code);
    if (!mapped && wasMapped) plan.warnings.push(`${r.code} would lose all its countries: nobody new can sign up there`);
  }
  if (running.defaultRegion !== proposed.defaultRegion) {
    add('default region', `${running.defaultRegion} → ${proposed.defaultRegion}`, 'where sign-in traffic goes when neither a hint nor the viewer country names a region');
  }
  if (running.retryAfterSeconds !== proposed.retryAfterSeconds) {
    add('Retry-After', `${running.retryAfterSeconds} s → ${proposed.retryAfterSeconds} s`, 'what users of an unavailable region are told to wait');
  }
  if (running.product !== proposed.product) add('product name', `"${running.product}" → "${proposed.product}"`, 'shown in the app');
  return plan;
}

function regionChanges(
  before: Region,
  after: Region,
  n: number,
  add: (subject: string, change: string, impact: string) => void,
  plan: Plan,
) {
  if (before.status !== after.status) {
    const impact = {
      active: `accepts sign-ups again and serves its ${users(n)}`,
      draining: `no new sign-ups; its ${users(n)} ${n === 1 ? 'is' : 'are'} still served`,
      offline: `its ${users(n)} get 503 with Retry-After until it is active again; nobody is sent to another region`,
    }[after.status];
    add(after.code, `${before.status} → ${after.status}`, impact);
    if (after.status === 'offline') plan.needsForce.push(`${after.code} would go offline (${users(n)} affected)`);
  }
  if (before.jurisdiction !== after.jurisdiction) {
    if (n > 0) plan.refusals.push(`${after.code} holds ${users(n)}; its jurisdiction cannot change under them`);
    add(after.code, `jurisdiction ${before.jurisdiction} → ${after.jurisdiction}`, 'changes which countries the policy lets it serve');
  }
  if (before.label !== after.label) add(after.code, `label "${before.label}" → "${after.label}"`, 'shown to users in the data panel');
}
