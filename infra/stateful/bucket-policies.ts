import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { RECIPIENTS } from '../../shared/domain/recipients';
import type { StageConfig } from '../config';
import { INBOUND_PREFIX, inboundBucketName, reportsBucketName } from '../naming';
import { partyPrincipal } from '../party-access';

/** What a bucket policy's deny says of the rules of a bucket, which only the deployment may change. */
export const ARCHIVE_RULE_ACTIONS = [
  's3:PutLifecycleConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutEncryptionConfiguration',
  's3:PutBucketVersioning',
  's3:PutBucketObjectLockConfiguration',
];

/**
 * The archive is written once and destroyed only by its lifecycle rules (return-flows §5); S3
 * Object Lock in compliance mode (infra/stateful/buckets.ts) holds each message for the replay
 * window whatever a policy says, and these denies hold the rest.
 */
export function lockDownArchive(archive: s3.Bucket, deploymentRoleArn: string): void {
  archive.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyArchiveDeletion',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [archive.arnForObjects('*')],
    }),
  );
  archive.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyArchiveOverwrite',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [archive.arnForObjects('*')],
      // Every object-creating request must carry If-None-Match, so that no object is ever replaced.
      conditions: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } },
    }),
  );
  // Every message gets the bucket's default lock, the replay window, and no other: a longer
  // retention or a legal hold would keep it past the window, and compliance mode lets nobody
  // shorten it again. S3 refuses an upload that names a lock its writer may not set ("Default
  // retention settings" in S3's Object Lock guide). Versioning needs no deny: S3 lets nobody
  // suspend it on a bucket with Object Lock.
  archive.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyArchiveLockChanges',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObjectRetention', 's3:PutObjectLegalHold'],
      resources: [archive.arnForObjects('*')],
    }),
  );

  denyRuleChangesButByDeployment(archive, deploymentRoleArn, 'DenyArchiveRuleChangesButByDeployment');
  // Every key is a recipient's, as the re-delivery reads them (the lifecycle covers the whole bucket).
  archive.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyArchiveKeysOutsideRecipients',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      notResources: RECIPIENTS.map((r) => archive.arnForObjects(`${r}/*`)),
    }),
  );
}

/**
 * Only the deployment may change a bucket's rules: a shorter lifecycle destroys early, none keeps
 * forever, another policy or encryption undoes the rest. Everyone else, administrators included, is
 * denied (the account's root user alone may still replace a bucket policy, S3's lockout guard; the
 * tamper alarm mails it).
 */
export function denyRuleChangesButByDeployment(bucket: s3.Bucket, deploymentRoleArn: string, sid = 'DenyRuleChangesButByDeployment'): void {
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ARCHIVE_RULE_ACTIONS,
      resources: [bucket.bucketArn],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': deploymentRoleArn } },
    }),
  );
}

/**
 * The inbound bucket holds what the PPS wrote, and only that: nobody else may write in it (not an
 * operator, not a function, not an administrator: return-flows §1, the sender is who the channel
 * says), a raw file is never replaced, and none is deleted before the bucket's lifecycle expires it.
 * - Only the PPS's role may `s3:PutObject` (an upload, a multipart step, a copy into the bucket);
 * - every object-creating request (`s3:ObjectCreationOperation`: PutObject, CompleteMultipartUpload,
 *   copies) must carry `If-None-Match` (S3's conditional writes; CreateMultipartUpload, UploadPart and
 *   UploadPartCopy cannot, and are exempt: "Enforce conditional writes on Amazon S3 buckets"), so that
 *   S3 answers 412 to a second upload under the same key;
 * - `s3:DeleteObject` is denied to everyone (the lifecycle rule is not a principal).
 * The encryption rules are every KMS bucket's (infra/constructs/secure-bucket.ts).
 */
export function lockDownInboundUploads(inbound: s3.Bucket, ppsRoleArn: string): void {
  const deny = (sid: string, actions: string[], conditions?: Record<string, Record<string, unknown>>) =>
    inbound.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions,
        resources: [inbound.arnForObjects('*')],
        conditions,
      }),
    );
  deny('DenyWritesButByThePps', ['s3:PutObject'], { ArnNotEquals: { 'aws:PrincipalArn': ppsRoleArn } });
  deny('DenyOverwriteOfRawFiles', ['s3:PutObject'], {
    Null: { 's3:if-none-match': 'true' },
    Bool: { 's3:ObjectCreationOperation': 'true' },
  });
  deny('DenyDeletionOfRawFiles', ['s3:DeleteObject', 's3:DeleteObjectVersion']);
}

/**
 * A bucket whose objects only its lifecycle rules delete (reports, access logs), or, for staging,
 * only the function that sweeps a batch's staged parts and its lifecycle rule: an administrator
 * deletes nothing early.
 */
export function denyDeletionButBy(bucket: s3.Bucket, principalArnPatterns: readonly string[] = []): void {
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyDeletion',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [bucket.arnForObjects('*')],
      ...(principalArnPatterns.length > 0
        ? {
            conditions: {
              ArnNotLike: { 'aws:PrincipalArn': principalArnPatterns.length === 1 ? principalArnPatterns[0] : [...principalArnPatterns] },
            },
          }
        : {}),
    }),
  );
}

/**
 * The access logs are written by S3's logging service alone (`aws:PrincipalServiceName` is present in
 * a service principal's requests only), never by a person, and deleted by their lifecycle rule only.
 */
export function lockDownAccessLogs(accessLogs: s3.Bucket): void {
  accessLogs.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyWritesButByS3Logging',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [accessLogs.arnForObjects('*')],
      conditions: { Null: { 'aws:PrincipalServiceName': 'true' } },
    }),
  );
  denyDeletionButBy(accessLogs);
}

/**
 * The PPS reads its reports (monthly-batch §8) and nothing else there: `s3:GetObject` in the reports
 * bucket, and the storage key's Decrypt through S3 for that bucket only (the encryption context is the
 * bucket's ARN with an S3 Bucket Key, the object's without one), by the bucket's stable name (a
 * reference would be a cycle: the bucket names the key). The staging bucket shares the key; its
 * context is another bucket's, so the PPS decrypts nothing of it.
 */
export function allowPpsToReadReports(stack: Stack, config: StageConfig, reports: s3.Bucket, storageKey: kms.Key): void {
  const pps = partyPrincipal(config.pps.roleArn);
  reports.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'PpsReadsReports',
      principals: [pps],
      actions: ['s3:GetObject'],
      resources: [reports.arnForObjects('*')],
    }),
  );
  const reportsArn = `arn:${stack.partition}:s3:::${reportsBucketName(config.stageName, stack.account, stack.region)}`;
  storageKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'PpsDecryptsReportsThroughS3',
      principals: [pps],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
        ArnLike: { 'kms:EncryptionContext:aws:s3:arn': [reportsArn, `${reportsArn}/*`] },
      },
    }),
  );
}

/** The PPS writes its monthly files under {@link INBOUND_PREFIX}, encrypted by S3 with the inbound key. */
export function allowPpsUploads(stack: Stack, config: StageConfig, inbound: s3.Bucket, inboundKey: kms.Key): void {
  const pps = partyPrincipal(config.pps.roleArn);
  inbound.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'PpsWritesMonthlyFiles',
      principals: [pps],
      actions: ['s3:PutObject'],
      resources: [inbound.arnForObjects(`${INBOUND_PREFIX}*`)],
    }),
  );
  // S3 encrypts the PPS's upload with the inbound key: a data key to write, Decrypt for multipart parts.
  // For the inbound bucket only, by its stable name (a reference would be a cycle: the bucket names
  // the key): the context is the bucket's ARN with an S3 Bucket Key, the object's without one.
  const inboundArn = `arn:${stack.partition}:s3:::${inboundBucketName(config.stageName, stack.account, stack.region)}`;
  inboundKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'PpsEncryptsUploadsThroughS3',
      principals: [pps],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
        ArnLike: { 'kms:EncryptionContext:aws:s3:arn': [inboundArn, `${inboundArn}/${INBOUND_PREFIX}*`] },
      },
    }),
  );
}
