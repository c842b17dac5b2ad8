import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { required } from './required';

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
