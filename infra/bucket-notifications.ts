import { type CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { required } from './required';

/** CDK's S3 notifications custom resource handler, a singleton of the stack that holds the bucket. */
export const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/**
 * S3 notifications of `bucket` to an encrypted `queue`. Like CDK's SqsDestination, but every grant
 * to the S3 service is bound to this bucket and this account (CDK's also adds an unconditioned
 * key statement for s3.amazonaws.com, which any bucket could use as a confused deputy).
 */
export function notificationsTo(queue: sqs.Queue, bucket: s3.Bucket): s3.IBucketNotificationDestination {
  return {
    bind: () => {
      const stack = Stack.of(queue);
      const fromThisBucket = { ArnEquals: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': stack.account } };
      const s3Service = new iam.ServicePrincipal('s3.amazonaws.com');
      const policy = queue.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'InboundBucketNotifies',
          principals: [s3Service],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: fromThisBucket,
        }),
      );
      required(queue.encryptionMasterKey, 'the notification queue key').addToResourcePolicy(
        new iam.PolicyStatement({
          // The key policy AWS documents for notifications to an encrypted queue ("AWS KMS key policy" in
          // https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html):
          // s3.amazonaws.com may kms:GenerateDataKey and kms:Decrypt; bound here to this bucket and account.
          sid: 'InboundBucketNotifiesEncrypted',
          principals: [s3Service],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'],
          conditions: fromThisBucket,
        }),
      );
      return {
        arn: queue.queueArn,
        type: s3.BucketNotificationDestinationType.QUEUE,
        dependencies: policy.policyDependable ? [policy.policyDependable] : [],
      };
    },
  };
}

/**
 * Gives CDK's bucket-notifications handler (a Lambda function that runs during deployments) a log
 * group of ours, with a retention and the logs key, instead of the never-expiring
 * `/aws/lambda/<name>` group Lambda would create on its first run. The function is told to log there
 * (`LoggingConfig`) and waits for the group.
 */
export function notificationsHandlerLogs(
  stack: Stack,
  props: { readonly logGroupName: string; readonly encryptionKey: kms.IKey; readonly retention: logs.RetentionDays },
): logs.LogGroup {
  const handler = stack.node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  const fn = handler?.node.tryFindChild('Resource') as CfnResource | undefined;
  if (handler === undefined || fn === undefined) throw new Error('The S3 notifications handler moved: review its log group');
  const logGroup = new logs.LogGroup(stack, 'BucketNotificationsHandlerLogs', {
    logGroupName: props.logGroupName,
    encryptionKey: props.encryptionKey,
    retention: props.retention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  fn.addPropertyOverride('LoggingConfig', { LogGroup: logGroup.logGroupName });
  fn.node.addDependency(logGroup);
  return logGroup;
}
