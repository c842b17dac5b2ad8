import { Duration, type Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ARCHIVE_NONCURRENT_VERSION_DAYS, REPORT_RETENTION_DAYS, STAGING_RETENTION_DAYS } from '../../shared/domain/retention';
import { BUCKETS, type BucketKey } from '../../shared/topology';
import type { StageConfig } from '../config';
import { ACCESS_LOG_RETENTION_DAYS, ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS, GLACIER_IR_MINIMUM_STORAGE_DAYS } from '../constants';
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
    complianceLockDays: config.replayWindowDays,
    lifecycleRules: archiveLifecycleRules(config.replayWindowDays),
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

/**
 * The archive's lifecycle, the only thing that destroys it (return-flows §5): each message is
 * locked for the replay window from its write, then
 * 1. expired at the window (S3 rounds up to the next midnight UTC): being versioned, S3 puts a delete
 *    marker in front of it and keeps it as a noncurrent version, by then no longer locked;
 * 2. the noncurrent version is deleted {@link ARCHIVE_NONCURRENT_VERSION_DAYS} day later (rounded the same way);
 * 3. the delete marker left alone ("expired object delete marker") is removed: a rule of its own,
 *    as S3 takes `ExpiredObjectDeleteMarker` only in a rule without days.
 * Whole bucket: every key is a recipient's (the bucket policy denies others). The messages move to
 * Glacier Instant Retrieval only when the window leaves them there its 90-day minimum.
 */
export function archiveLifecycleRules(replayWindowDays: number): s3.LifecycleRule[] {
  const glacier = replayWindowDays >= ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS + GLACIER_IR_MINIMUM_STORAGE_DAYS;
  return [
    {
      id: 'expire-after-replay-window',
      expiration: Duration.days(replayWindowDays),
      noncurrentVersionExpiration: Duration.days(ARCHIVE_NONCURRENT_VERSION_DAYS),
      ...(glacier
        ? {
            transitions: [
              {
                storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transitionAfter: Duration.days(ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS),
              },
            ],
          }
        : {}),
    },
    { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
  ];
}
