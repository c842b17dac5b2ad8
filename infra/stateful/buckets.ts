import { Duration, type Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RECIPIENTS } from '../../shared/domain/recipients';
import { RECIPIENT_ARCHIVE_DAYS, REPORT_RETENTION_DAYS, STAGING_RETENTION_DAYS } from '../../shared/domain/retention';
import { BUCKETS, type BucketKey } from '../../shared/topology';
import type { StageConfig } from '../config';
import { ACCESS_LOG_RETENTION_DAYS, ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS } from '../constants';
import { SecureBucket } from '../constructs/secure-bucket';
import { inboundBucketName, reportsBucketName } from '../naming';
import type { HubKeys } from './keys';

/** The hub's buckets and the bucket that receives their access logs. */
export interface HubBuckets {
  readonly accessLogs: s3.Bucket;
  readonly buckets: Readonly<Record<BucketKey, s3.Bucket>>;
}

/** Creates the buckets in the stateful stack, each with its key, its access logs and its retention. */
export function createBuckets(stack: Stack, config: StageConfig, keys: HubKeys): HubBuckets {
  const accessLogs = new SecureBucket(stack, 'AccessLogs', {
    lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(ACCESS_LOG_RETENTION_DAYS) }],
  }).bucket;
  const logs = (prefix: string) => ({ bucket: accessLogs, prefix: `${prefix}/` });

  const inbound = new SecureBucket(stack, 'Inbound', {
    bucketName: inboundBucketName(config.stageName, stack.account, stack.region),
    encryptionKey: keys.inbound,
    accessLogs: logs(BUCKETS.inbound.name),
    // The whole bucket, not only monthly/: nothing the PPS drops may outlive the raw-file retention.
    lifecycleRules: [{ id: 'expire-raw-files', expiration: Duration.days(config.rawFileRetentionDays) }],
  }).bucket;
  const staging = new SecureBucket(stack, 'Staging', {
    encryptionKey: keys.storage,
    accessLogs: logs(BUCKETS.staging.name),
    lifecycleRules: [{ id: 'sweep-staged-records', expiration: Duration.days(STAGING_RETENTION_DAYS) }],
  }).bucket;
  const archive = new SecureBucket(stack, 'Archive', {
    encryptionKey: keys.archive,
    accessLogs: logs(BUCKETS.archive.name),
    lifecycleRules: RECIPIENTS.map((r) => ({
      id: `expire-${r.toLowerCase()}`,
      prefix: `${r}/`,
      expiration: Duration.days(RECIPIENT_ARCHIVE_DAYS[r]),
      transitions: [
        {
          storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
          transitionAfter: Duration.days(ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS),
        },
      ],
    })),
  }).bucket;
  const reports = new SecureBucket(stack, 'Reports', {
    // A stable name: the PPS names it in its own policy to read its reports (naming.ts).
    bucketName: reportsBucketName(config.stageName, stack.account, stack.region),
    encryptionKey: keys.storage,
    accessLogs: logs(BUCKETS.reports.name),
    lifecycleRules: [{ id: 'expire-reports', expiration: Duration.days(REPORT_RETENTION_DAYS) }],
  }).bucket;
  return { accessLogs, buckets: { inbound, staging, archive, reports } };
}
