import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { BucketKey } from '../shared/topology';
import type { StatefulStack } from './stateful-stack';

/**
 * cdk-nag (AwsSolutions) acknowledgements: one finding at a time, each with its reason. Every other
 * finding fails synthesis.
 */

/** Why a function's S3 statement ends in `*`: object keys are only known at run time. */
export const OBJECT_WILDCARD_REASONS: Readonly<Record<BucketKey, string>> = {
  inbound:
    'split-batch reads whichever monthly file the PPS dropped: keys (monthly/<YYYY-MM>/<name>) are chosen by the PPS at upload, so only the bucket and the monthly/ prefix are known; read only (s3:GetObject).',
  staging:
    "Staged parts are keyed by the batch's SHA-256 and an attempt id, both known only at run time (<sha256>/<attempt>/<RECIPIENT>/part-NNNNNN.ndjson); the bucket holds nothing but the staged records of files in progress (expired after 2 days), which split-batch deletes after a failure, a refusal or a delivery, listing one batch's folder at a time.",
  archive:
    'Archive keys (<RECIPIENT>/<period>/<batchId>/...) are made per batch at run time; the grant is s3:PutObject only, and the bucket policy denies every principal deletion and any write without If-None-Match.',
  reports:
    'One report per batch, its key made from the batch id at run time; the grant is s3:PutObject only, and reports hold no national number.',
};

/** Why the re-delivery's read of the archive ends in `*`: it reads back whichever batch an operator names. */
export const ARCHIVE_READ_REASON =
  "operator-redeliver reads back the archived messages of the one batch an operator names, to send them again (monthly-batch §8): keys (<RECIPIENT>/<period>/<batchId>/part-NNNNNN.ndjson, completed.json) are made per batch at run time; the grant is s3:GetObject only, and its listing is limited to one batch's folder (s3:prefix).";

/** Acknowledges the IAM5 finding of one S3 object-ARN wildcard on `scope` (a function's role). */
export function acknowledgeObjectWildcard(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${renderForNag(scope, resource)}]`, reason });
}

/**
 * The form in which cdk-nag names a resource string: an imported value by its export name. Our
 * object ARNs are `<Fn::ImportValue>/<suffix>`, built by {@link StatefulStack.exportedBucketArn}.
 */
function renderForNag(scope: IConstruct, resource: string): string {
  const resolved = Stack.of(scope).resolve(resource) as unknown;
  const parts = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
  if (!parts) throw new Error(`Cannot render ${JSON.stringify(resolved)} for cdk-nag`);
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const imported = (p as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
      if (typeof imported !== 'string') throw new Error(`Cannot render ${JSON.stringify(p)} for cdk-nag`);
      return imported;
    })
    .join('');
}

/** CDK's S3 notifications custom resource, a singleton of the stateful stack. */
const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/** Acknowledgements that concern CDK's own constructs in the stateful stack. */
export function acknowledgeFindings(stateful: StatefulStack): void {
  const handler = stateful.node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  if (handler === undefined) throw new Error('The S3 notifications handler moved: review its cdk-nag acknowledgement');
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "CDK's own custom-resource handler that sets the inbound bucket's notification configuration during deployments; the managed policy only lets it write its own logs. It never touches data and does not run outside a deployment.",
  });
}
