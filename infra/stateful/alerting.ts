import { ArnFormat, Duration, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StageConfig } from '../config';
import { acknowledgeServerless, SERVERLESS_REASONS } from '../nag';
import { hubStackPrefix } from '../naming';

/**
 * How SNS retries an alarm the HTTPS endpoint did not take: 3 immediate tries, then with backoff
 * from 20 s to 5 minutes, 23 tries in all over about 50 minutes (SNS allows an hour at most), before it counts a failed notification.
 */
export const HTTPS_ALARM_DELIVERY: sns.DeliveryPolicy = {
  healthyRetryPolicy: {
    numNoDelayRetries: 3,
    minDelayTarget: Duration.seconds(20),
    maxDelayTarget: Duration.minutes(5),
    numMinDelayRetries: 2,
    numMaxDelayRetries: 5,
    numRetries: 23,
    backoffFunction: sns.BackoffFunction.EXPONENTIAL,
  },
};

/**
 * The alarm topic, stateful: its e-mail subscription is confirmed once by a person. CloudWatch
 * alarms of this stage may publish to it ({@link allowAlarmsToPublish}).
 */
export function createAlarmTopic(stack: Stack, config: StageConfig, operationsKey: kms.Key): sns.Topic {
  const topic = new sns.Topic(stack, 'AlarmTopic', {
    displayName: `art60 hub ${config.stageName} alarms`,
    masterKey: operationsKey,
    enforceSSL: true,
  });
  const mail = topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
  acknowledgeServerless(mail, 'SNSRedrivePolicy', SERVERLESS_REASONS.emailHasNoDlq);
  // A second way in, of another kind (docs/deployers.md, "Alarm subscriptions"): a full mailbox
  // or a mail filter does not silence an on-call service, and AlarmTopicFailed reaches the one
  // that still works.
  if (config.alarmHttpsEndpoint !== undefined) {
    const https = topic.addSubscription(
      new subscriptions.UrlSubscription(config.alarmHttpsEndpoint, {
        protocol: sns.SubscriptionProtocol.HTTPS,
        deliveryPolicy: HTTPS_ALARM_DELIVERY,
      }),
    );
    acknowledgeServerless(https, 'SNSRedrivePolicy', SERVERLESS_REASONS.httpsAlarmHasNoDlq);
  }
  allowAlarmsToPublish(stack, config.stageName, topic, operationsKey);
  return topic;
}

/**
 * CloudWatch publishes an alarm as its service principal. enforceSSL gives the topic a policy of
 * its own, which replaces SNS's default one, so nothing could publish without this allow; and the
 * topic is encrypted, so CloudWatch also needs data keys of its key (SNS guide, "Enable
 * compatibility between event sources from AWS services and encrypted topics"). Both are limited
 * to the alarms of this stage's hub, in this account and region (the confused-deputy guard).
 */
function allowAlarmsToPublish(stack: Stack, stageName: string, topic: sns.Topic, operationsKey: kms.Key): void {
  const conditions = {
    ArnLike: {
      'aws:SourceArn': stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: `${hubStackPrefix(stageName)}-*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    },
    StringEquals: { 'aws:SourceAccount': stack.account },
  };
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions,
    }),
  );
  operationsKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToTopic',
      principals: [cloudWatch],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions,
    }),
  );
}
