import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeServerless, SERVERLESS_REASONS } from '../nag';
import { hubStackPrefix, nameAfterStack, RUNBOOK_PAGE } from '../naming';

/** The detail type of a management call recorded by CloudTrail, as EventBridge receives it. */
export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';

/** The runbook sections that the tamper rules' mails and alarms name: anchors of their headings in {@link RUNBOOK_PAGE}. */
export const TAMPER_RUNBOOK = {
  tampered: 'a-tamper-alarm-fires',
  operatorAssumed: 'the-operator-role-was-assumed',
  deliveryFailed: 'a-tamper-rule-fails-to-deliver',
} as const;

/** The suffix of every tamper dead-letter queue's name (`<stack>-tamper-dead-letters`), which the operations key names. */
export const TAMPER_DEAD_LETTERS_SUFFIX = 'tamper-dead-letters';

/** How long EventBridge retries a failed delivery before it dead-letters the event: its maximum, 24 hours. */
export const TAMPER_MAX_EVENT_AGE = Duration.hours(24);

/** One rule: what it watches, and the mail it sends. */
export interface TamperRuleSpec {
  /** The construct id, e.g. `BucketRulesChanged`. */
  readonly id: string;
  /** The rule's name after its stack's, `<stack>-<name>`. */
  readonly name: string;
  readonly description: string;
  readonly eventPattern: events.EventPattern;
  /** The mail: an input transformer over the CloudTrail event (who, what, when). */
  readonly message: events.RuleTargetInput;
}

export interface TamperAlarmProps {
  readonly rules: readonly TamperRuleSpec[];
  readonly topic: sns.ITopic;
  /** The key of the topic, which encrypts the rules' dead-letter queue too (operational data, no personal data). */
  readonly deadLetterKey: kms.IKey;
}

/**
 * EventBridge rules on CloudTrail's management events that mail the alarm topic when anyone, the
 * deployment included, changes what guards the hub's data. Each target has a dead-letter queue
 * (encrypted, writable by EventBridge for these rules only) and retries for 24 hours; an alarm
 * fires when a rule fails to deliver (`AWS/Events` `FailedInvocations` of the rule) or when the
 * dead-letter queue holds an event. Needs a CloudTrail trail that logs management events in this
 * region (docs/deployers.md, the trail requirement).
 */
export class TamperAlarm extends Construct {
  readonly rules: events.Rule[];
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: TamperAlarmProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: nameAfterStack(TAMPER_DEAD_LETTERS_SUFFIX),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.deadLetterKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeServerless(this.deadLetterQueue, 'SQSRedrivePolicy', SERVERLESS_REASONS.dlqHasNoDlq);
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        "It is a dead-letter queue: EventBridge's, for the tamper rules' targets (a rule target's DeadLetterConfig), which cdk-nag does not see.",
    });
    const deadLetterConfig = { arn: this.deadLetterQueue.queueArn };
    const retryPolicy = { maximumEventAgeInSeconds: TAMPER_MAX_EVENT_AGE.toSeconds(), maximumRetryAttempts: 185 };
    this.rules = props.rules.map(
      (spec) =>
        new events.Rule(this, spec.id, {
          ruleName: nameAfterStack(spec.name),
          description: spec.description,
          eventPattern: spec.eventPattern,
          targets: [{ bind: () => ({ arn: props.topic.topicArn, input: spec.message, deadLetterConfig, retryPolicy }) }],
        }),
    );
    // EventBridge writes an undelivered event to the DLQ as its service principal, for these rules only.
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'TamperRulesDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': this.rules.map((r) => r.ruleArn) },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
    this.alarms = this.deliveryAlarms(props.topic);
  }

  /** One alarm per rule whose target failed, and one on the dead-letter queue: both to the topic (and the console). */
  private deliveryAlarms(topic: sns.ITopic): cloudwatch.Alarm[] {
    const action = new actions.SnsAction(topic);
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmName: nameAfterStack(id),
        alarmDescription: `${description}. Runbook: ${RUNBOOK_PAGE}#${TAMPER_RUNBOOK.deliveryFailed}`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      return a;
    };
    const period = Duration.minutes(5);
    const failed = this.rules.map((rule, i) =>
      alarm(
        `TamperRuleFailed-${rule.node.id}`,
        `The tamper rule ${rule.node.id} failed to deliver an event to the alarm topic (${i + 1} of ${this.rules.length} rules of this stack)`,
        new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: { RuleName: rule.ruleName },
          statistic: cloudwatch.Stats.SUM,
          period,
        }),
      ),
    );
    const deadLetters = alarm(
      'TamperDeadLetters',
      'A tamper event could not be mailed for 24 hours and waits in the tamper dead-letter queue',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
    );
    return [...failed, deadLetters];
  }
}

/**
 * What EventBridge needs to mail the encrypted alarm topic and to write the tamper dead-letter
 * queues, for this stage's rules only:
 * - the topic's policy lets `events.amazonaws.com` publish for the rules named `Art60Hub-<stage>-*`
 *   of this account and region (`aws:SourceArn`, `aws:SourceAccount`: EventBridge sends both to SNS);
 * - the topic's key lets it `kms:Decrypt` and `kms:GenerateDataKey*`, as AWS documents for an encrypted
 *   topic that EventBridge targets (SNS guide, "Enable compatibility between event sources from AWS
 *   services and encrypted topics"; EventBridge guide, "Amazon SNS permissions"): a statement with
 *   no `aws:SourceArn`, which EventBridge does not send to KMS, bound instead by the encryption
 *   context SNS itself adds, `kms:EncryptionContext:aws:sns:topicArn`, to this stage's topics, and,
 *   for the dead-letter queues, by SQS's `kms:EncryptionContext:aws:sqs:arn` to the tamper DLQs.
 * The topic is not named by reference: it names its key, so its key's policy naming it would be a cycle.
 */
export function allowTamperRulesToPublish(stack: Stack, stageName: string, topic: sns.ITopic, topicKey: kms.IKey): void {
  const prefix = hubStackPrefix(stageName);
  const eventBridge = new iam.ServicePrincipal('events.amazonaws.com');
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'TamperAlarmsPublish',
      principals: [eventBridge],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${prefix}-*` }) },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }),
  );
  topicKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'TamperAlarmsPublishToTopic',
      principals: [eventBridge],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:sns:topicArn': stageTopicsPattern(stack, stageName) } },
    }),
  );
  topicKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'TamperRulesWriteDeadLetters',
      principals: [eventBridge],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:sqs:arn': tamperDeadLettersPattern(stack, stageName) } },
    }),
  );
}

/** The ARNs of this stage's topics, `arn:aws:sns:<region>:<account>:Art60Hub-<stage>-*` (CloudFormation names them after the stack). */
export function stageTopicsPattern(stack: Stack, stageName: string): string {
  return stack.formatArn({
    service: 'sns',
    resource: `${hubStackPrefix(stageName)}-*`,
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}

/** The ARNs of this stage's tamper dead-letter queues, `arn:aws:sqs:<region>:<account>:Art60Hub-<stage>-*-tamper-dead-letters`. */
export function tamperDeadLettersPattern(stack: Stack, stageName: string): string {
  return stack.formatArn({
    service: 'sqs',
    resource: `${hubStackPrefix(stageName)}-*-${TAMPER_DEAD_LETTERS_SUFFIX}`,
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}
