import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS } from '../constants';

export interface SecureBucketProps {
  /** Customer-managed key for SSE-KMS. Omitted only for the access-log bucket (S3 logging supports SSE-S3 only). */
  readonly encryptionKey?: kms.IKey;
  /** Where S3 writes this bucket's server access logs. */
  readonly accessLogs?: { readonly bucket: s3.IBucket; readonly prefix: string };
  /** The bucket's expiry and transition rules; an abort rule for multipart uploads is always added. */
  readonly lifecycleRules: s3.LifecycleRule[];
  /** A physical name, only for a bucket a party names in its own policies (infra/naming.ts). */
  readonly bucketName?: string;
  /**
   * Days each object is locked from its write by S3 Object Lock in compliance mode: nobody, the
   * account's root user included, deletes or overwrites it before (the archive's replay window).
   * The bucket is then versioned, as Object Lock requires, and its lifecycle rules must expire the
   * noncurrent versions and the delete markers that expiration leaves.
   */
  readonly complianceLockDays?: number;
}

/**
 * An S3 bucket with the hub's defaults: no public access, TLS 1.2+ only, ACLs disabled, retained
 * when the stack goes, and incomplete multipart uploads aborted. Unversioned (on a versioned bucket
 * expiration only adds a delete marker and the data outlives its limit, return-flows §5), unless
 * it is locked ({@link SecureBucketProps.complianceLockDays}). A bucket with a key takes objects
 * under that key only ({@link denyOtherEncryption}).
 */
export class SecureBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: props.complianceLockDays !== undefined,
      ...(props.complianceLockDays !== undefined
        ? {
            objectLockEnabled: true,
            objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.complianceLockDays)),
          }
        : {}),
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.encryptionKey
        ? {
            encryption: s3.BucketEncryption.KMS,
            encryptionKey: props.encryptionKey,
            bucketKeyEnabled: true,
            // No object under a key the bucket's owner never sees (SSE-C), whatever the bucket policy says.
            blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C],
          }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      ...(props.accessLogs ? { serverAccessLogsBucket: props.accessLogs.bucket, serverAccessLogsPrefix: props.accessLogs.prefix } : {}),
      lifecycleRules: [
        ...props.lifecycleRules,
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS),
        },
      ],
    });
    if (props.encryptionKey) denyOtherEncryption(this.bucket, props.encryptionKey);
  }
}

/**
 * A bucket with a customer-managed key takes an object under that key only, so that nobody who may
 * not use the key (an administrator, whose S3 permissions are broad) can write one anyway under
 * SSE-S3, DSSE, SSE-C or another key. A request that names no encryption gets the bucket's default,
 * its key: the headers are checked only when present (`Null` … `false`), because S3's multipart steps
 * after CreateMultipartUpload (UploadPart, CompleteMultipartUpload) carry none and are authorized as
 * `s3:PutObject`. (`StringNotEqualsIfExists` would match an absent header and refuse a plain upload.)
 * `aws:kms` without a key id is denied: S3 would use the AWS managed key.
 */
function denyOtherEncryption(bucket: s3.Bucket, key: kms.IKey): void {
  const deny = (sid: string, conditions: Record<string, Record<string, unknown>>) =>
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions,
      }),
    );
  const SSE = 's3:x-amz-server-side-encryption';
  const KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';
  deny('DenyUploadsNotSseKms', { StringNotEquals: { [SSE]: 'aws:kms' }, Null: { [SSE]: 'false' } });
  deny('DenyUploadsWithAnotherKey', { StringNotEquals: { [KEY_ID]: key.keyArn }, Null: { [KEY_ID]: 'false' } });
  deny('DenyUploadsSseKmsWithoutKeyId', { StringEquals: { [SSE]: 'aws:kms' }, Null: { [KEY_ID]: 'true' } });
  deny('DenyUploadsSseC', { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } });
}
