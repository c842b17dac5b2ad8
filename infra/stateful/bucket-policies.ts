import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { RECIPIENTS } from '../../shared/domain/recipients';
import type { StageConfig } from '../config';
import { operatorRolePath } from '../constructs/operator-role';
import { INBOUND_PREFIX, inboundBucketName } from '../naming';
import { partyPrincipal } from '../party-access';

/** What a bucket policy's deny says of the rules of the archive, which only the deployment may change. */
export const ARCHIVE_RULE_ACTIONS = [
  's3:PutLifecycleConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutEncryptionConfiguration',
  's3:PutBucketVersioning',
];

/** The archive is written once and destroyed only by its lifecycle rules (return-flows §5). */
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
  archive.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyArchiveVersioning',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutBucketVersioning'],
      resources: [archive.bucketArn],
    }),
  );

  // Only the deployment may change the archive's rules: a shorter lifecycle destroys early, none
  // keeps forever, another policy or encryption undoes the rest. Everyone else, administrators
  // included, is denied; the organisation's SCP and the tamper alarm close the rest (README, Lock-down).
  archive.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyArchiveRuleChangesButByDeployment',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ARCHIVE_RULE_ACTIONS,
      resources: [archive.bucketArn],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': deploymentRoleArn } },
    }),
  );
  // A key outside a recipient's prefix would match no lifecycle rule and never expire.
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
 * The inbound bucket takes an upload only under the inbound key and only as a new object:
 * - another algorithm (SSE-S3, DSSE) or another key named in the request is denied, and `aws:kms`
 *   without a key id too (S3 would use the AWS managed key); a request that names none gets the
 *   bucket's default, the inbound key. The headers are not required outright because the parts of
 *   a multipart upload (UploadPart, CompleteMultipartUpload) carry none and are authorized as
 *   s3:PutObject: requiring them would forbid multipart uploads of a monthly file (README, Lock-down);
 * - SSE-C is denied (and blocked by the bucket's encryption configuration);
 * - every object-creating request must carry `If-None-Match` (S3's conditional writes; the
 *   multipart steps that cannot carry it are exempted by `s3:ObjectCreationOperation`), so that a
 *   raw file is never replaced. The operator role alone is exempt: the runbook re-emits a file's
 *   event by copying it onto itself, and S3 refuses every copy under this rule.
 */
export function lockDownInboundUploads(stack: Stack, stageName: string, inbound: s3.Bucket, inboundKey: kms.Key): void {
  const deny = (sid: string, conditions: Record<string, Record<string, unknown>>) =>
    inbound.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [inbound.arnForObjects('*')],
        conditions,
      }),
    );
  deny('DenyUploadsNotSseKms', { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } });
  deny('DenyUploadsWithAnotherKey', {
    StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': inboundKey.keyArn },
  });
  deny('DenyUploadsSseKmsWithoutKeyId', {
    StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
    Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' },
  });
  deny('DenyUploadsSseC', { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } });
  deny('DenyOverwriteOfRawFiles', {
    Null: { 's3:if-none-match': 'true' },
    Bool: { 's3:ObjectCreationOperation': 'true' },
    ArnNotLike: { 'aws:PrincipalArn': operatorPrincipalArn(stack, stageName) },
  });
}

/** The operator role's ARN pattern (its path), known before the role is made. */
function operatorPrincipalArn(stack: Stack, stageName: string): string {
  return stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: `${operatorRolePath(stageName).slice(1)}*`,
  });
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
