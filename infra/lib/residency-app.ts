// The whole deployment from the region catalog: one silo stack per catalog region, the
// directory stack in the default region, the edge stack in us-east-1. Adding a region to the
// catalog adds its silo stack, its directory replica and its origin; nothing else to edit.
import type { App } from 'aws-cdk-lib';
import type { Catalog } from '../../catalog/schema.ts';
import { DirectoryStack } from './directory-stack.ts';
import { EdgeStack, type EdgeStackProps } from './edge-stack.ts';
import { EDGE_REGION, stackNames } from './names.ts';
import { noPublications, ssmPublications, type PublicationSource } from './region-publications.ts';
import { addRulePacks } from './rule-packs.ts';
import { SiloStack, type SiloStackProps } from './silo-stack.ts';

/**
 * `silos`: first deploy phase; silo and directory stacks only, no lookups (the parameters they
 * would read do not exist yet). `all`: every stack, with lookups of the silos' published values.
 */
export type DeployPhase = 'silos' | 'all';

export interface ResidencyAppProps {
  readonly catalog: Catalog;
  /** The file `catalog` was loaded from (it travels beside the regional handler). */
  readonly catalogFile: string;
  /**
   * Where the catalog came from, for humans: an output of the edge stack (catalog-source.ts).
   * @default 'unspecified'
   */
  readonly catalogOrigin?: string;
  /** The AWS account of every stack. */
  readonly account: string;
  /** @default 'all' */
  readonly phase?: DeployPhase;
  /**
   * Where the silos' published values come from.
   * @default ssmPublications in phase `all`, noPublications in phase `silos`
   */
  readonly publications?: PublicationSource;
  /** @default true (cdk-nag AwsSolutions and HIPAA.Security run during synthesis) */
  readonly rulePacks?: boolean;
  /** @default dist/edge/index.js */
  readonly edgeBundle?: string;
  /** @default dist/regional/index.js */
  readonly regionalBundle?: string;
  /** Extra props of every silo stack. @default none */
  readonly silo?: Partial<Pick<SiloStackProps, 'logRetention' | 'reservedConcurrency' | 'noncurrentVersionDays' | 'apiMemoryMb'>>;
  /** Extra props of the edge stack. @default none */
  readonly edge?: Partial<Pick<EdgeStackProps, 'domainNames' | 'certificateArn' | 'webAclArn' | 'priceClass' | 'accessLogDays'>>;
}

export interface ResidencyStacks {
  readonly silos: Record<string, SiloStack>;
  readonly directory: DirectoryStack;
  /** Absent in phase `silos`. */
  readonly edge?: EdgeStack;
}

export function buildResidencyApp(app: App, props: ResidencyAppProps): ResidencyStacks {
  const phase = props.phase ?? 'all';
  if (phase !== 'all' && phase !== 'silos') throw new Error(`unknown deploy phase "${phase as string}" (expected "silos" or "all")`);
  if (!/^\d{12}$/.test(props.account)) throw new Error(`account must be a 12-digit AWS account id, got "${props.account}"`);
  const publications = props.publications ?? (phase === 'all' ? ssmPublications : noPublications);
  const { catalog } = props;

  const silos: Record<string, SiloStack> = {};
  for (const region of catalog.regions) {
    const name = stackNames.silo(region.code);
    silos[region.code] = new SiloStack(app, name, {
      stackName: name,
      env: { account: props.account, region: region.code },
      description: `Residency silo ${region.code} (${region.label}, ${region.jurisdiction}): personal and health data of its users`,
      terminationProtection: true,
      catalog,
      catalogFile: props.catalogFile,
      region: region.code,
      publications,
      regionalBundle: props.regionalBundle,
      ...props.silo,
    });
  }

  const directory = new DirectoryStack(app, stackNames.directory, {
    stackName: stackNames.directory,
    env: { account: props.account, region: catalog.defaultRegion },
    description: 'Residency directory: blind index -> region (no PII), a global table replicated to every silo',
    terminationProtection: true,
    catalog,
  });
  // Ordering only, no exports: replicas are encrypted with each silo's data key (by alias).
  for (const silo of Object.values(silos)) directory.addStackDependency(silo, 'directory replicas use the silo data keys');

  let edge: EdgeStack | undefined;
  if (phase === 'all') {
    edge = new EdgeStack(app, stackNames.edge, {
      stackName: stackNames.edge,
      env: { account: props.account, region: EDGE_REGION },
      description: 'Residency edge: CloudFront, static app, Lambda@Edge router (no PII)',
      catalog,
      catalogOrigin: props.catalogOrigin,
      publications,
      edgeBundle: props.edgeBundle,
      ...props.edge,
    });
    edge.addStackDependency(directory, 'users are routed only to silos whose directory replica exists');
  }

  if (props.rulePacks ?? true) addRulePacks(app);
  return { silos, directory, edge };
}
