// Shared by the infra tests: synthesizes the CDK app from a catalog (once per test file; each
// file runs in its own process) with fake-but-valid published silo values, so the assembly is
// what phase 2 of a real deploy produces.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { Catalog } from '../../catalog/schema.ts';
import { DEFAULT_EDGE_BUNDLE, DEFAULT_REGIONAL_BUNDLE } from '../../infra/lib/assets.ts';
import { newResidencyApp } from '../../infra/lib/feature-flags.ts';
import { bucketRegionalDomain, filesBucketName, kidPrefix } from '../../infra/lib/names.ts';
import type { PublicationSource, RegionPublication } from '../../infra/lib/region-publications.ts';
import { buildResidencyApp, type ResidencyAppProps, type ResidencyStacks } from '../../infra/lib/residency-app.ts';
import { siloBucketName } from '../../regional/adapters/tables.ts';

export const ACCOUNT = '111111111111';

/** Fails with the command to run, instead of a stack trace from deep inside a stack. */
export function requireBundles(): void {
  for (const [file, target] of [
    [DEFAULT_EDGE_BUNDLE, 'edge'],
    [DEFAULT_REGIONAL_BUNDLE, 'regional'],
  ] as const) {
    if (!existsSync(file)) {
      throw new Error(`infra tests need the built bundle ${file}: run \`npx tsx scripts/build.ts ${target}\` (npm test builds first)`);
    }
  }
}

/**
 * What a deployed silo would have published: a real P-256 key, a Function URL host, a secret,
 * and its files bucket's regional domain.
 */
export function fakePublication(region: string): RegionPublication {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    region,
    apiDomain: `${randomBytes(16).toString('hex')}.lambda-url.${region}.on.aws`,
    publicKey: { kid: `${kidPrefix(region)}${randomBytes(8).toString('hex')}`, region, jwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! } },
    originSecret: randomBytes(32).toString('base64url'),
    filesDomain: bucketRegionalDomain(filesBucketName(siloBucketName(region), ACCOUNT), region),
  };
}

export function fixedPublications(catalog: Catalog, only?: string[]): { source: PublicationSource; values: Record<string, RegionPublication> } {
  const values = Object.fromEntries(
    catalog.regions.filter((r) => !only || only.includes(r.code)).map((r) => [r.code, fakePublication(r.code)]),
  );
  return {
    values,
    source: { resolve: (_scope, c) => Object.fromEntries(c.regions.map((r) => [r.code, values[r.code]])) },
  };
}

export interface Synthesized {
  app: App;
  stacks: ResidencyStacks;
  assembly: CloudAssembly;
  silo: Record<string, Template>;
  directory: Template;
  edge: Template | undefined;
  /** Raw template JSON by stack name. */
  json: Record<string, any>;
}

/**
 * `cfnValidation: false` skips CDK's built-in CloudFormation template rules (about 3 s per
 * synth); only for comparative synths: stacks.test.ts keeps them on, like `npm run synth`.
 */
export function synthesize(props: Omit<ResidencyAppProps, 'account'>, options: { cfnValidation?: boolean } = {}): Synthesized {
  requireBundles();
  const outdir = mkdtempSync(join(tmpdir(), 'residency-cdk-out-'));
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  const app = newResidencyApp({
    outdir,
    builtinCloudFormationValidation: options.cfnValidation ?? true,
    // What the CDK CLI sets: lets a test find the staged folder of each function's code.
    context: { 'aws:cdk:enable-asset-metadata': true },
  });
  const stacks = buildResidencyApp(app, { account: ACCOUNT, ...props });
  // Runs the rule packs (when enabled): throws while any finding is unacknowledged.
  const assembly = app.synth();
  const json: Record<string, any> = {};
  for (const s of assembly.stacks) json[s.stackName] = s.template;
  return {
    app,
    stacks,
    assembly,
    silo: Object.fromEntries(Object.entries(stacks.silos).map(([r, s]) => [r, Template.fromStack(s)])),
    directory: Template.fromStack(stacks.directory),
    edge: stacks.edge ? Template.fromStack(stacks.edge) : undefined,
    json,
  };
}

/** The folder CDK staged for a Lambda function's code asset. */
export function functionAssetDir(assembly: CloudAssembly, template: any, logicalId: string): string {
  const path = template.Resources[logicalId]?.Metadata?.['aws:asset:path'];
  if (typeof path !== 'string') throw new Error(`${logicalId} has no asset path metadata`);
  return join(assembly.directory, path);
}

export const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

export function resourcesOfType(template: any, type: string): [string, any][] {
  return Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
}

export function onlyResource(template: any, type: string, where: (r: any) => boolean = () => true): [string, any] {
  const found = resourcesOfType(template, type).filter(([, r]) => where(r));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0]!;
}
