import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeServerless, SERVERLESS_REASONS } from '../nag';
import { nameAfterStack } from '../naming';

/** CloudTrail's names of the calls that change a bucket's retention, policy, encryption or versioning. */
export const BUCKET_RULE_EVENTS = [
  'PutBucketLifecycle',
  'DeleteBucketLifecycle',
  'PutBucketPolicy',
  'DeleteBucketPolicy',
  'PutBucketEncryption',
  'DeleteBucketEncryption',
  'PutBucketVersioning',
];

/** The calls that take a key from its data (disable, delete) or change who may use it. */
export const KEY_TAMPER_EVENTS = ['ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy'];

/** The detail type of a management call recorded by CloudTrail, as EventBridge receives it. */
export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';

export interface TamperAlarmProps {
  readonly buckets: readonly s3.IBucket[];
  readonly keys: readonly kms.IKey[];
  readonly topic: sns.ITopic;
  /** The key of the encrypted topic: EventBridge needs a data key of it to publish. */
  readonly topicKey: kms.IKey;
}

/**
 * E-mails the alarm topic when anyone, the deployment included, changes a data bucket's rules
 * (lifecycle, policy, encryption, versioning) or disables, schedules for deletion or rewrites the
 * policy of a hub key: CloudTrail's management events, as EventBridge receives them in this region.
 * A deployment sends such mails too; any other is to be explained (docs/deployers.md, Lock-down).
 */
export class TamperAlarm extends Construct {
  readonly rules: events.Rule[];

  constructor(scope: Construct, id: string, props: TamperAlarmProps) {
    super(scope, id);
    const message = (what: string) =>
      events.RuleTargetInput.fromText(
        `art60 hub lock-down: ${events.EventField.fromPath('$.detail.eventName')} on ${what} by ` +
          `${events.EventField.fromPath('$.detail.userIdentity.arn')} at ${events.EventField.fromPath('$.detail.eventTime')}. ` +
          'Expected only during a deployment by the CloudFormation execution role; otherwise treat it as a security event ' +
          '(docs/deployers.md#lock-down-what-the-template-guarantees).',
      );
    const toTopic = (input: events.RuleTargetInput): events.IRuleTarget => ({
      bind: () => ({ arn: props.topic.topicArn, input }),
    });
    // Named after the stack (a reference, no literal name), so that the topic key's policy can name
    // the rules by ARN: the rules point at the topic, which points at the key.
    const stack = Stack.of(this);
    const ruleArn = (name: string) => stack.formatArn({ service: 'events', resource: 'rule', resourceName: name });
    const bucketRulesName = nameAfterStack('bucket-rules-changed');
    const keyRulesName = nameAfterStack('key-tampered');
    const bucketRules = new events.Rule(this, 'BucketRulesChanged', {
      ruleName: bucketRulesName,
      description: "A data bucket's lifecycle, policy, encryption or versioning was changed",
      eventPattern: {
        source: ['aws.s3'],
        detailType: [CLOUDTRAIL_API_CALL],
        detail: {
          eventSource: ['s3.amazonaws.com'],
          eventName: BUCKET_RULE_EVENTS,
          requestParameters: { bucketName: props.buckets.map((b) => b.bucketName) },
        },
      },
      targets: [toTopic(message(events.EventField.fromPath('$.detail.requestParameters.bucketName')))],
    });
    const keyRules = new events.Rule(this, 'KeyTampered', {
      ruleName: keyRulesName,
      description: 'A hub key was disabled, scheduled for deletion or given another key policy',
      eventPattern: {
        source: ['aws.kms'],
        detailType: [CLOUDTRAIL_API_CALL],
        detail: {
          eventSource: ['kms.amazonaws.com'],
          eventName: KEY_TAMPER_EVENTS,
          resources: { ARN: props.keys.map((k) => k.keyArn) },
        },
      },
      targets: [toTopic(message('a hub key'))],
    });
    this.rules = [bucketRules, keyRules];
    for (const rule of this.rules) acknowledgeServerless(rule, 'EventBusDLQ', SERVERLESS_REASONS.alarmRuleHasNoDlq);

    // EventBridge publishes as its service principal, for these two rules only (the confused-deputy guard).
    const conditions = {
      ArnEquals: { 'aws:SourceArn': [ruleArn(bucketRulesName), ruleArn(keyRulesName)] },
      StringEquals: { 'aws:SourceAccount': stack.account },
    };
    const eventBridge = new iam.ServicePrincipal('events.amazonaws.com');
    props.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'TamperAlarmsPublish',
        principals: [eventBridge],
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
        conditions,
      }),
    );
    props.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'TamperAlarmsPublishToTopic',
        principals: [eventBridge],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions,
      }),
    );
  }
}
