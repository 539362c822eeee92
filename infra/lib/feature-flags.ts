// The CDK feature flags this app is written against: all of aws-cdk-lib's currently recommended
// flags (what `cdk init` would write into cdk.json), pinned here because this app has no cdk.json.
// Among them: S3 access-log delivery by bucket policy instead of ACLs, weak cross-stack
// references by default (@aws-cdk/core:defaultCrossStackReferences), CDK-managed log groups.
import { App, type AppProps } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = { ...CURRENTLY_RECOMMENDED_FLAGS };

/** An App with the pinned feature flags; context given here (or by the CLI) wins over them. */
export function newResidencyApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...FEATURE_FLAGS, ...props.context } });
}
