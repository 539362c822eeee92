// The deployment follows the catalog, and edge changes stay in the edge stack. Four synths
// without the rule packs and CloudFormation template rules (stacks.test.ts runs both): the
// repository catalog, the same with a changed edge bundle, a catalog with one more region, and
// phase 1. No published values: the path of a credential-less `npm run synth`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { DEFAULT_CATALOG_FILE } from '../../catalog/default-file.ts';
import { loadCatalog } from '../../catalog/load.ts';
import { DEFAULT_EDGE_BUNDLE } from '../../infra/lib/assets.ts';
import { PENDING_ORIGIN_DOMAIN } from '../../infra/lib/edge-config.ts';
import { stackNames } from '../../infra/lib/names.ts';
import { onlyResource, requireBundles, synthesize, type Synthesized } from './fixture.ts';

const base = loadCatalog(DEFAULT_CATALOG_FILE);
let plain: Synthesized;
let changedEdge: Synthesized;
let grown: Synthesized;
let grownCatalogFile: string;
let siloPhase: Synthesized;

before(() => {
  requireBundles();
  const dir = mkdtempSync(join(tmpdir(), 'residency-variant-'));
  const edgeBundle = join(dir, 'index.js');
  writeFileSync(edgeBundle, `${readFileSync(DEFAULT_EDGE_BUNDLE, 'utf8')}\n// a new edge build\n`);
  grownCatalogFile = join(dir, 'regions.json');
  const raw = JSON.parse(readFileSync(DEFAULT_CATALOG_FILE, 'utf8'));
  raw.regions.push({ code: 'ca-central-1', label: 'Canada (Central)', jurisdiction: 'CA', status: 'active' });
  raw.countries.CA = 'ca-central-1';
  writeFileSync(grownCatalogFile, JSON.stringify(raw));

  const common = { rulePacks: false } as const;
  const fast = { cfnValidation: false };
  plain = synthesize({ ...common, catalog: base, catalogFile: DEFAULT_CATALOG_FILE }, fast);
  changedEdge = synthesize({ ...common, catalog: base, catalogFile: DEFAULT_CATALOG_FILE, edgeBundle }, fast);
  grown = synthesize({ ...common, catalog: loadCatalog(grownCatalogFile), catalogFile: grownCatalogFile }, fast);
  siloPhase = synthesize({ ...common, catalog: base, catalogFile: DEFAULT_CATALOG_FILE, phase: 'silos' }, fast);
});

describe('changing the edge code', () => {
  it('changes only the edge stack: silo and directory templates are identical', () => {
    for (const name of [...base.regions.map((r) => stackNames.silo(r.code)), stackNames.directory]) {
      assert.deepEqual(changedEdge.json[name], plain.json[name], `${name} changed with the edge bundle`);
    }
    assert.notDeepEqual(changedEdge.json[stackNames.edge], plain.json[stackNames.edge]);
  });

  it('gives a new function version inside the edge stack, which no other stack references', () => {
    const version = (s: Synthesized) => onlyResource(s.json[stackNames.edge], 'AWS::Lambda::Version')[0];
    assert.notEqual(version(changedEdge), version(plain));
    for (const s of [plain, changedEdge]) {
      for (const [name, t] of Object.entries(s.json)) {
        assert.ok(!JSON.stringify(t).includes('Fn::ImportValue'), `${name} imports a value`);
        assert.ok(!Object.values((t.Outputs ?? {}) as Record<string, any>).some((o) => o.Export), `${name} exports a value`);
      }
    }
  });
});

describe('adding a region to the catalog', () => {
  it('adds its silo stack in its region, a directory replica and a pepper replica', () => {
    const stack = grown.assembly.getStackByName(stackNames.silo('ca-central-1'));
    assert.equal(stack.environment.region, 'ca-central-1');
    const [, table] = onlyResource(grown.json[stackNames.directory], 'AWS::DynamoDB::GlobalTable');
    assert.ok(table.Properties.Replicas.some((r: any) => r.Region === 'ca-central-1'));
    const [, pepper] = onlyResource(grown.json[stackNames.directory], 'AWS::SecretsManager::Secret');
    assert.ok(pepper.Properties.ReplicaRegions.some((r: any) => r.Region === 'ca-central-1'));
  });

  it('adds its route to the edge config, mapped from its countries', () => {
    const config = grown.stacks.edge!.edgeConfig;
    assert.ok(config.routing.regions['ca-central-1']);
    assert.equal(config.routing.countries.CA, 'ca-central-1');
  });

  it('leaves the templates of the existing silos unchanged (their asset carries the catalog)', () => {
    for (const r of base.regions) {
      const before = structuredClone(plain.json[stackNames.silo(r.code)]);
      const after = structuredClone(grown.json[stackNames.silo(r.code)]);
      // Only the code asset differs (the catalog file travels beside the handler).
      const strip = (t: any) => JSON.stringify(t).replace(/[0-9a-f]{64}/g, 'ASSET-HASH');
      assert.equal(strip(after), strip(before));
    }
  });
});

describe('without published values (credential-less synth, phase 1)', () => {
  it('every region is pending: offline at the edge, never routed to a guess', () => {
    const edge = plain.stacks.edge!;
    assert.deepEqual([...edge.pendingRegions].sort(), base.regions.map((r) => r.code).sort());
    for (const route of Object.values(edge.edgeConfig.routing.regions)) {
      assert.equal(route.status, 'offline');
      assert.equal(route.api.domainName, PENDING_ORIGIN_DOMAIN);
      assert.equal(route.files.domainName, PENDING_ORIGIN_DOMAIN);
    }
    assert.deepEqual(edge.edgeConfig.keys, []);
    assert.deepEqual(JSON.parse(edge.edgeConfig.routing.publicConfig).countries, [], 'no sign-up country while nothing is routable');
  });

  it('phase "silos" synthesizes the silos and the directory only, without lookups', () => {
    assert.equal(siloPhase.stacks.edge, undefined);
    assert.deepEqual(
      siloPhase.assembly.stacks.map((s) => s.stackName).sort(),
      [...base.regions.map((r) => stackNames.silo(r.code)), stackNames.directory].sort(),
    );
    assert.equal((siloPhase.assembly.manifest.missing ?? []).length, 0, 'no context lookups in phase 1');
    for (const silo of Object.values(siloPhase.stacks.silos)) assert.deepEqual(silo.sessionPublicKeys, []);
  });

  it('phase "all" asks for every published value through SSM lookups in the silo regions', () => {
    const missing = plain.assembly.manifest.missing ?? [];
    const asked = new Set(missing.map((m) => `${(m.props as any).region} ${(m.props as any).parameterName}`));
    for (const r of base.regions) {
      for (const kind of ['api-domain', 'session-public-key', 'origin-secret', 'files-domain']) {
        assert.ok(asked.has(`${r.code} /residency/silo/${r.code}/${kind}`), `${r.code} ${kind}`);
      }
    }
    for (const m of missing) assert.equal(m.provider, 'ssm');
  });
});
