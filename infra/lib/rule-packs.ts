// cdk-nag 3.x: the packs are CDK validation plugins (`Validations.of(app).addPlugins(...)`;
// the 2.x `Aspects.of(app).add(...)` form throws on 3.x), and `app.synth()` fails while any
// finding is neither fixed nor acknowledged. Acknowledgements go through `acknowledge` below so
// that each one carries a reason specific to this system.
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export function addRulePacks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
}

/** Reasons shorter than this are boilerplate in practice ("not needed", "by design"). */
export const MIN_REASON_LENGTH = 60;

/**
 * Acknowledges rule findings on one construct (and its children). `id` may name a single
 * finding, e.g. `AwsSolutions-IAM5[Resource::*]`.
 */
export function acknowledge(scope: IConstruct, rules: Record<string, string>): void {
  for (const [id, reason] of Object.entries(rules)) {
    if (reason.trim().length < MIN_REASON_LENGTH) {
      throw new Error(`acknowledgement of ${id} on ${scope.node.path} needs a specific reason (${MIN_REASON_LENGTH}+ characters)`);
    }
    Validations.of(scope).acknowledge({ id, reason });
  }
}
