import { type App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { BucketKey } from '../shared/topology';
import { BUCKET_NOTIFICATIONS_HANDLER_ID } from './bucket-notifications';

/** The cdk-nag packs the hub is checked with: synthesis fails on a finding of either that is not acknowledged. */
export function addNagPacks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/**
 * cdk-nag (AwsSolutions, Serverless) acknowledgements: one finding at a time, each with its reason. Every other
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

/** Why the operator role's S3 statements end in `*`: the runbooks name objects made at run time. */
export const OPERATOR_OBJECT_WILDCARD_REASONS = {
  archive:
    "A re-delivery reads the archived parts of the one batch the operator names (<RECIPIENT>/<period>/<batchId>/part-NNNNNN.ndjson); keys are made per batch at run time. Read only (s3:GetObject); the listing is limited to the recipients' prefixes.",
  reports:
    'The report of a refused file is read to see why it was refused; its key (<period>/<batchId>.json) is made per batch at run time. Read only (s3:GetObject); reports hold no national number.',
} as const;

/** Acknowledges the IAM5 finding of one S3 object-ARN wildcard on `scope` (a function's role). */
export function acknowledgeObjectWildcard(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${renderForNag(scope, resource)}]`, reason });
}

/**
 * The form in which cdk-nag names a resource string: an imported value by its export name, an
 * attribute as `<LogicalId.Attribute>`. Our object ARNs are `<Fn::ImportValue>/<suffix>` (built by
 * StatefulStack.exportedBucketArn) in the stateless stack, `<Bucket.Arn>/<suffix>` in the stateful one.
 */
function renderForNag(scope: IConstruct, resource: string): string {
  const resolved = Stack.of(scope).resolve(resource) as unknown;
  const parts = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
  if (!parts) throw new Error(`Cannot render ${JSON.stringify(resolved)} for cdk-nag`);
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const attribute = (p as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      if (attribute !== undefined) return `<${attribute[0]}.${attribute[1]}>`;
      const imported = (p as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
      if (typeof imported !== 'string') throw new Error(`Cannot render ${JSON.stringify(p)} for cdk-nag`);
      return imported;
    })
    .join('');
}

/** Acknowledgements that concern CDK's own constructs in the stateful stack. */
export function acknowledgeFindings(stateful: Stack): void {
  const handler = stateful.node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  if (handler === undefined) throw new Error('The S3 notifications handler moved: review its cdk-nag acknowledgement');
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "CDK's own custom-resource handler that sets the inbound bucket's notification configuration during deployments; the managed policy only lets it write its own logs. It never touches data and does not run outside a deployment.",
  });
}

/** The Serverless findings the hub's design answers otherwise, each with its reason. */
export const SERVERLESS_REASONS = {
  dlqHasNoDlq:
    'A dead-letter queue is the end of the line: its messages are the ones that failed five receives, kept 14 days under the "DLQ not empty" alarm and redriven by an operator (docs/operators.md#redrive-a-dlq). A DLQ of a DLQ would only move them out of that alarm\'s sight.',
  sqsTriggerHasNoDestination:
    "An SQS event source cannot have an on-failure destination (Lambda supports it for stream and Kafka sources only): a record that fails stays on its queue, is received again, and after five receives moves to the queue's own DLQ, which alarms.",
  functionHasNoDlq:
    "The function is only invoked synchronously, by its SQS event source mapping: a Lambda DLQ catches failed asynchronous invocations, which never happen here. Failed records go to the source queue's DLQ.",
  noTracing:
    'No X-Ray tracing, on purpose (docs/operators.md#readable-failures): without a tracer it shows only what the Duration metric and the REPORT lines show, it needs xray:PutTraceSegments on "*", and a tracer captures responses and errors that hold personal data.',
  httpsAlarmHasNoDlq:
    'The subscription is the on-call or chat endpoint that gets every alarm besides the e-mail: SNS retries an HTTPS delivery with backoff for about an hour (its delivery policy), and a delivery that still fails raises AlarmTopicFailed, which reaches the operators by the other subscription. A DLQ of undelivered alarms would be read by nobody.',
  emailHasNoDlq:
    "The subscription is the operators' e-mail address: SNS retries an e-mail delivery on its own schedule, and an alarm that was not mailed still shows on the dashboard's alarm panel. A DLQ of undelivered alarm mails would be read by nobody.",
} as const;

/** Acknowledges one Serverless finding on `scope`, with its reason. */
export function acknowledgeServerless(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `Serverless::Serverless-${rule}`, reason });
}
