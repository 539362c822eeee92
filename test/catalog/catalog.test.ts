// The catalog's schema, the residency policy and the plan, as data in, problems and impact out.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DEFAULT_CATALOG_FILE, DEFAULT_POLICY_FILE } from '../../catalog/default-file.ts';
import { checkCatalog, loadCheckedCatalog } from '../../catalog/load.ts';
import { planChanges } from '../../catalog/plan.ts';
import { CatalogError, parseCatalog, signupCountries, type Catalog } from '../../catalog/schema.ts';

const repo = () => JSON.parse(readFileSync(DEFAULT_CATALOG_FILE, 'utf8')) as Catalog;
const problemsOf = (raw: unknown): string[] => {
  try {
    checkCatalog(raw, 'test.json', DEFAULT_POLICY_FILE);
    return [];
  } catch (err) {
    assert.ok(err instanceof CatalogError);
    return err.problems;
  }
};

describe('the repository catalog', () => {
  test('is valid against its schema and the residency policy', () => {
    const c = loadCheckedCatalog(DEFAULT_CATALOG_FILE, DEFAULT_POLICY_FILE);
    assert.deepEqual(c.regions.map((r) => r.code), ['eu-west-1', 'us-east-2', 'ap-southeast-2']);
  });
  test('offers every EU/EEA country, the US, AU and NZ at sign-up', () => {
    const codes = signupCountries(repo()).map((c) => c.code);
    for (const c of ['IE', 'DE', 'FR', 'NO', 'IS', 'LI', 'US', 'AU', 'NZ']) assert.ok(codes.includes(c), c);
    assert.equal(codes.length, 33);
  });
});

describe('validation lists every problem with its path', () => {
  const cases: { name: string; change: (c: Catalog) => unknown; expect: RegExp[] }[] = [
    { name: 'unknown field', change: (c) => ({ ...c, extra: 1 }), expect: [/\(root\): Unrecognized key: "extra"/] },
    { name: 'bad status', change: (c) => ({ ...c, regions: c.regions.map((r, i) => (i === 1 ? { ...r, status: 'paused' } : r)) }), expect: [/regions\.1\.status: Invalid option/] },
    { name: 'duplicate region', change: (c) => ({ ...c, regions: [...c.regions, c.regions[0]] }), expect: [/regions\.3\.code: region "eu-west-1" is listed twice/] },
    { name: 'default not a region', change: (c) => ({ ...c, defaultRegion: 'eu-north-1' }), expect: [/defaultRegion: "eu-north-1" is not one of the catalog's regions/] },
    { name: 'default not active', change: (c) => ({ ...c, regions: c.regions.map((r) => (r.code === 'eu-west-1' ? { ...r, status: 'draining' } : r)) }), expect: [/defaultRegion: the default region must be active/] },
    { name: 'unknown region in mapping', change: (c) => ({ ...c, countries: { ...c.countries, IE: 'eu-central-1' } }), expect: [/countries\.IE: maps to "eu-central-1"/] },
    { name: 'not a country', change: (c) => ({ ...c, countries: { ...c.countries, ZZ: 'eu-west-1' } }), expect: [/countries\.ZZ: "ZZ" is not an assigned ISO 3166-1 country code/] },
    { name: 'terminal escape codes in a label', change: (c) => ({ ...c, regions: c.regions.map((r, i) => (i === 0 ? { ...r, label: 'Ohio\u001b[1A\u001b[2K' } : r)) }), expect: [/regions\.0\.label: must not contain control or format characters/] },
    { name: 'lower-case country', change: (c) => ({ ...c, countries: { ...c.countries, ie: 'eu-west-1' } }), expect: [/countries\.ie/] },
    { name: 'policy: EU country in the US', change: (c) => ({ ...c, countries: { ...c.countries, DE: 'us-east-2' } }), expect: [/countries\.DE: maps to us-east-2 \(US\), but the policy allows DE only in EU/] },
    { name: 'policy: country the policy does not list', change: (c) => ({ ...c, countries: { ...c.countries, BR: 'us-east-2' } }), expect: [/countries\.BR: the residency policy does not allow serving BR/] },
    {
      name: 'several problems at once',
      change: (c) => ({ ...c, retryAfterSeconds: 0, defaultRegion: 'nowhere-1', countries: { ...c.countries, ZZ: 'eu-west-1' } }),
      expect: [/retryAfterSeconds/, /defaultRegion/, /countries\.ZZ/],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const problems = problemsOf(c.change(repo()));
      for (const e of c.expect) assert.ok(problems.some((p) => e.test(p)), `${e} in:\n${problems.join('\n')}`);
      for (const p of problems) assert.match(p, /^test\.json: /);
    });
  }
});

describe('plan', () => {
  const running = parseCatalog(repo());
  const plan = (change: (c: Catalog) => Catalog, users: Record<string, number> = {}) => planChanges(running, parseCatalog(change(structuredClone(running))), users);

  test('no difference, no changes', () => assert.deepEqual(plan((c) => c), { changes: [], warnings: [], refusals: [], needsForce: [] }));

  test('a moved country names both regions and keeps existing users', () => {
    const p = plan((c) => ({ ...c, countries: { ...c.countries, IE: 'us-east-2' } }));
    assert.deepEqual(p.changes, [{ subject: 'IE (Ireland)', change: 'eu-west-1 → us-east-2', impact: 'new sign-ups from Ireland go to United States (Ohio); existing users stay in eu-west-1, where their data is' }]);
  });

  test('draining and offline say what happens to how many users; offline needs --force', () => {
    const p = plan((c) => ({ ...c, regions: c.regions.map((r) => (r.code === 'us-east-2' ? { ...r, status: 'offline' } : r.code === 'ap-southeast-2' ? { ...r, status: 'draining' } : r)) }), { 'us-east-2': 7, 'ap-southeast-2': 1 });
    assert.ok(p.changes.some((c) => c.subject === 'us-east-2' && c.impact.startsWith('its 7 users get 503')));
    assert.ok(p.changes.some((c) => c.subject === 'ap-southeast-2' && c.impact === 'no new sign-ups; its 1 user is still served'));
    assert.deepEqual(p.needsForce, ['us-east-2 would go offline (7 users affected)']);
  });

  test('removing a region with users is refused; without users it is a change', () => {
    const remove = (c: Catalog) => ({ ...c, regions: c.regions.filter((r) => r.code !== 'ap-southeast-2'), countries: Object.fromEntries(Object.entries(c.countries).filter(([, r]) => r !== 'ap-southeast-2')) });
    assert.deepEqual(plan(remove, { 'ap-southeast-2': 2 }).refusals, ['ap-southeast-2 still holds 2 users; it cannot be removed (move or erase them first)']);
    assert.deepEqual(plan(remove).refusals, []);
  });

  test('a region losing all its countries is a warning', () => {
    const p = plan((c) => ({ ...c, countries: { ...c.countries, AU: 'us-east-2' } }));
    // AU is only allowed in AU by the policy, but plan is pure: it only compares.
    assert.ok(!p.warnings.length, 'NZ still maps to ap-southeast-2');
    const q = plan((c) => ({ ...c, countries: Object.fromEntries(Object.entries(c.countries).filter(([, r]) => r !== 'ap-southeast-2')) }));
    assert.deepEqual(q.warnings, ['ap-southeast-2 would lose all its countries: nobody new can sign up there']);
  });
});
