import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RECIPIENTS } from '../../shared/domain/recipients';
import { acknowledgeObjectWildcard, OPERATOR_OBJECT_WILDCARD_REASONS } from '../nag';
import { required } from '../required';
import { allowKeyUse, type KeyUse } from './hub-key';
import type { HubQueue } from './hub-queue';

/** The IAM path of the operator role: its key grants name it by `aws:PrincipalArn`, whatever its name. */
export function operatorRolePath(stageName: string): string {
  return `/art60-hub/${stageName}/operator/`;
}

/** What an operator needs for the SQS side of a DLQ redrive (SQS's message move task, StartMessageMoveTask). */
export const REDRIVE_DLQ_ACTIONS = [
  'sqs:CancelMessageMoveTask',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:ListMessageMoveTasks',
  'sqs:ReceiveMessage',
  'sqs:StartMessageMoveTask',
];

export interface OperatorRoleProps {
  readonly stageName: string;
  /** The roles that may assume it, by ARN (the stage's `operatorPrincipalArns`). */
  readonly trustedPrincipalArns: readonly string[];
  readonly buckets: { readonly archive: s3.Bucket; readonly reports: s3.Bucket };
  readonly tables: { readonly batches: dynamodb.Table; readonly disclosures: dynamodb.Table; readonly refusedMessages: dynamodb.Table };
  /** The recipients' outbound queues, which a re-delivery sends to. */
  readonly recipientOutbound: readonly HubQueue[];
  /**
   * The queues whose DLQ an operator may redrive to them: every queue of the hub but a party's
   * inbound channel, on which nobody of the hub's account may send (return-flows §1); its dead
   * letters are moved back by the hub's own tool.
   */
  readonly queues: readonly HubQueue[];
  readonly disclosureKeyParameterArn: string;
  readonly disclosureParameterKey: kms.IKey;
}

/**
 * The role operators assume to run the README's runbooks, with exactly what they need and nothing
 * that a runbook does not use:
 * - re-delivery (`npm run redeliver`): read the archive (list one recipient's prefix, get objects),
 *   read the batch's manifest, send to a recipient's outbound queue;
 * - DLQ redrive: a message move task from any DLQ back to its queue, and reading or deleting a dead
 *   letter in the DLQ;
 * - disclosures (`npm run disclosures`): query the disclosures table, read the HMAC key's parameter;
 * - refused messages (`npm run refused`): query the refused-messages table;
 * - a refused file: read its report.
 * It may neither send on a party's inbound queue nor write in the inbound bucket: an operator moves
 * what a party sent, through the hub's tools, and never authors it (return-flows §1). It trusts only
 * the roles the stage names, never the account. Each key it uses names this role in its key policy,
 * for these uses only and through the service only. No `logs:Unmask`: the logs an operator reads stay
 * masked.
 */
export class OperatorRole extends Construct {
  readonly role: iam.Role;
  /** ARN pattern of this role for `aws:PrincipalArn`. */
  readonly principalArn: string;

  constructor(scope: Construct, id: string, props: OperatorRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const path = operatorRolePath(props.stageName);
    this.role = new iam.Role(this, 'Role', {
      // Only the roles the stage names (an Identity Center permission set's), never the account.
      assumedBy: new iam.CompositePrincipal(...props.trustedPrincipalArns.map((arn) => new iam.ArnPrincipal(arn))),
      path,
      maxSessionDuration: Duration.hours(1),
      description: `Operators of the art. 60 hub (${props.stageName}): re-delivery, DLQ redrive, disclosures, refused messages`,
    });
    this.principalArn = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${path.slice(1)}*` });
    const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, Record<string, unknown>>) =>
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions, resources, conditions }));
    const { archive, reports } = props.buckets;

    const objects = (sid: string, actions: string[], resource: string, reason: string) => {
      allow(sid, actions, [resource]);
      acknowledgeObjectWildcard(this.role, resource, reason);
    };
    // Re-delivery.
    objects('ReadArchive', ['s3:GetObject'], archive.arnForObjects('*'), OPERATOR_OBJECT_WILDCARD_REASONS.archive);
    allow('ListArchiveOfOneRecipient', ['s3:ListBucket'], [archive.bucketArn], {
      StringLike: { 's3:prefix': RECIPIENTS.map((r) => `${r}/*`) },
    });
    allow('ReadBatchManifest', ['dynamodb:GetItem'], [props.tables.batches.tableArn]);
    allow(
      'RedeliverToRecipient',
      ['sqs:SendMessage'],
      props.recipientOutbound.map((q) => q.queue.queueArn),
    );
    // DLQ redrive (and reading or deleting a dead letter in place).
    allow(
      'RedriveDeadLetters',
      REDRIVE_DLQ_ACTIONS,
      props.queues.map((q) => q.deadLetterQueue.queueArn),
    );
    allow(
      'RedriveToSourceQueue',
      ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
      props.queues.map((q) => q.queue.queueArn),
    );
    // Disclosures and refused messages.
    allow('QueryDisclosures', ['dynamodb:Query'], [props.tables.disclosures.tableArn]);
    allow('ReadDisclosureKeyParameter', ['ssm:GetParameter'], [props.disclosureKeyParameterArn]);
    allow('QueryRefusedMessages', ['dynamodb:Query'], [props.tables.refusedMessages.tableArn]);
    // A refused file: its report.
    objects('ReadReports', ['s3:GetObject'], reports.arnForObjects('*'), OPERATOR_OBJECT_WILDCARD_REASONS.reports);

    const key = (b: s3.Bucket) => required(b.encryptionKey, `the ${b.node.id} bucket key`);
    const queueKeys = new Map<kms.IKey, Set<string>>();
    for (const q of props.queues) queueKeys.set(required(q.queue.encryptionMasterKey, `the ${q.spec.name} queue key`), new Set());
    const uses: Array<Omit<KeyUse, 'sid' | 'principalArns'> & { key: kms.IKey }> = [
      {
        key: key(archive),
        actions: ['kms:Decrypt'],
        viaService: 's3',
      },
      {
        key: key(reports),
        actions: ['kms:Decrypt'],
        viaService: 's3',
      },
      {
        key: required(props.tables.batches.encryptionKey, 'the tables key'),
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        viaService: 'dynamodb',
      },
      // A redrive decrypts the dead letter and encrypts it again on its queue (both with the queue's key).
      ...[...queueKeys.keys()].map((k) => ({ key: k, actions: ['kms:Decrypt', 'kms:GenerateDataKey'], viaService: 'sqs' })),
      { key: props.disclosureParameterKey, actions: ['kms:Decrypt'], viaService: 'ssm' },
    ];
    uses.forEach((use, i) => {
      allow(`UseKey${i + 1}`, [...use.actions], [use.key.keyArn]);
      allowKeyUse(use.key, { ...use, sid: 'OperatorRole', principalArns: [this.principalArn] });
    });
  }
}
