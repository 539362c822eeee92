// The directory: blind index -> region (DIRECTORY_TABLE_KEYS), a DynamoDB global table whose
// replicas sit in the silos and nowhere else, plus the pepper of the blind index.
//
// Where it lives: its own stack in the catalog's default region (the primary replica), because
//  - it is global state with a data lifecycle (deletion protection, never replaced), unlike the
//    edge stack, which changes on every edge build and may be torn down and rebuilt freely;
//  - putting it in the us-east-1 edge stack would add a us-east-1 replica that no silo reads
//    (unless us-east-1 is itself a silo), one more copy of the index outside the silos;
//  - putting it inside one silo stack would make that silo special: every new region would
//    edit another region's silo stack.
// Adding a region adds a replica here; nothing references a silo stack: replica keys are named
// by alias (DATA_KEY_ALIAS), which resolves inside each replica's own region.
import { RemovalPolicy, Stack, Token, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { Catalog } from '../../catalog/schema.ts';
import { DIRECTORY_TABLE, DIRECTORY_TABLE_KEYS } from '../../regional/adapters/tables.ts';
import { DATA_KEY_ALIAS, DIRECTORY_PEPPER_SECRET_NAME } from './names.ts';
import { acknowledge } from './rule-packs.ts';

export interface DirectoryStackProps extends StackProps {
  /** The validated region catalog: the primary is `defaultRegion`, replicas are the other regions. */
  readonly catalog: Catalog;
}

export class DirectoryStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly pepper: secretsmanager.Secret;
  readonly replicaRegions: string[];

  constructor(scope: Construct, id: string, props: DirectoryStackProps) {
    super(scope, id, props);

    // ---- validate ----
    const primary = props.catalog.defaultRegion;
    if (this.region !== primary) throw new Error(`${id}: the directory's primary is the default region ${primary}, not ${this.region}`);
    if (Token.isUnresolved(this.account)) throw new Error(`${id}: give the stack a concrete account (env.account)`);
    this.replicaRegions = props.catalog.regions.map((r) => r.code).filter((r) => r !== primary);

    // ---- build ----
    const aliasArn = (region: string) => `arn:${this.partition}:kms:${region}:${this.account}:${DATA_KEY_ALIAS}`;
    const primaryKey = kms.Alias.fromAliasName(this, 'PrimaryDataKey', DATA_KEY_ALIAS);
    this.table = new dynamodb.TableV2(this, 'Directory', {
      tableName: DIRECTORY_TABLE,
      partitionKey: { name: DIRECTORY_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(
        primaryKey,
        Object.fromEntries(this.replicaRegions.map((r) => [r, aliasArn(r)])),
      ),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      replicas: this.replicaRegions.map((region) => ({
        region,
        deletionProtection: true,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      })),
    });

    // One pepper for the whole directory (the same email must give the same index in every
    // region), replicated to every silo and encrypted there with that silo's data key.
    this.pepper = new secretsmanager.Secret(this, 'DirectoryPepper', {
      secretName: DIRECTORY_PEPPER_SECRET_NAME,
      description: 'Residency: HMAC-SHA-256 key of the directory blind index (never changes: the index depends on it)',
      encryptionKey: primaryKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Replica keys by alias name: Secrets Manager resolves it in the replica's region. (The L2
    // would render the alias ARN of *this* region for an imported alias.)
    (this.pepper.node.defaultChild as secretsmanager.CfnSecret).replicaRegions = this.replicaRegions.map((region) => ({
      region,
      kmsKeyId: DATA_KEY_ALIAS,
    }));

    acknowledge(this.pepper, {
      'AwsSolutions-SMG4':
        'The pepper keys the blind index of every directory entry; rotating it would orphan all entries (sign-in and 409 email_taken stop working) unless the directory is re-indexed, which needs every email.',
      'HIPAA.Security-SecretsManagerRotationEnabled':
        'The pepper keys the blind index of every directory entry; rotating it would orphan all entries (sign-in and 409 email_taken stop working) unless the directory is re-indexed, which needs every email.',
    });
  }
}
