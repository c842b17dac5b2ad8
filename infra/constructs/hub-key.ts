import { ArnFormat, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * Key administration, and nothing else: no Encrypt, Decrypt, ReEncrypt or GenerateDataKey, and no
 * CreateGrant (a grant is a way to use the key). The deployment (CloudFormation) needs these to
 * create, update, rotate, tag, alias and retire the hub's keys; `PutKeyPolicy`, `DisableKey` and
 * `ScheduleKeyDeletion` raise an alarm when anyone calls them (infra/constructs/tamper-alarm.ts).
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** The condition key that binds a key's use through SQS to queues (the context SQS passes to KMS). */
export const SQS_ENCRYPTION_CONTEXT = 'kms:EncryptionContext:aws:sqs:arn';

/**
 * The queues a hub key may be used for through SQS: the hub's own, in its account and region. Not
 * each queue's ARN: a queue names its key and a key policy naming the queue would make a cycle that
 * CloudFormation refuses, and the internal queues' names are CloudFormation's. (A party's grants
 * name its queues exactly, by their stable names: party-access.ts.)
 */
export function hubQueuesPattern(stack: Stack): string {
  return stack.formatArn({ service: 'sqs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME });
}

/**
 * A key policy that binds every use of the key through SQS to the hub's queues
 * ({@link hubQueuesPattern}), whoever adds the statement: a statement with `kms:ViaService` =
 * `sqs.<region>.amazonaws.com` and no such context of its own is given one. A party's grant on its
 * key then reaches queues of the hub's account only, never a queue of its own encrypted with the
 * hub's key.
 */
class HubKeyPolicy extends iam.PolicyDocument {
  queuesPattern = '';

  override addStatements(...statements: iam.PolicyStatement[]): void {
    for (const statement of statements) {
      const conditions = statement.conditions as Record<string, Record<string, unknown>>;
      const via = conditions.StringEquals?.['kms:ViaService'];
      const bound = Object.values(conditions).some((c) => SQS_ENCRYPTION_CONTEXT in c);
      if (typeof via === 'string' && via.startsWith('sqs.') && !bound) {
        statement.addCondition('ArnLike', { [SQS_ENCRYPTION_CONTEXT]: Lazy.string({ produce: () => this.queuesPattern }) });
      }
    }
    super.addStatements(...statements);
  }
}

/**
 * A customer-managed key of the hub: rotated yearly, retained, a 30-day deletion window, and a key
 * policy that gives the account key administration only ({@link KEY_ADMIN_ACTIONS}). Nobody may
 * use the key until a statement names them: there is no `kms:*` for the account, so an IAM
 * policy alone, however broad, never lets a principal decrypt (README, Lock-down).
 */
export function hubKey(scope: Construct, id: string, description: string, alias?: string): kms.Key {
  const policy = new HubKeyPolicy({
    statements: [
      new iam.PolicyStatement({
        sid: 'AccountAdministersKeyButCannotUseIt',
        principals: [new iam.AccountRootPrincipal()],
        actions: KEY_ADMIN_ACTIONS,
        resources: ['*'],
      }),
    ],
  });
  const key = new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
    policy,
    alias,
  });
  policy.queuesPattern = hubQueuesPattern(Stack.of(scope));
  return key;
}

/**
 * The principals of the account whose ARN matches one of `principalArns` (ARN patterns): the account
 * as principal, narrowed by `aws:PrincipalArn`. Unlike a role ARN as principal, it needs no role to
 * exist when the policy is written, and a re-created role keeps its access.
 */
export function principalsOfAccount(stack: Stack, principalArns: readonly string[]) {
  return {
    principals: [new iam.AccountPrincipal(stack.account)],
    conditions: { ArnLike: { 'aws:PrincipalArn': principalArns.length === 1 ? principalArns[0] : [...principalArns] } },
  };
}

export interface KeyUse {
  readonly sid: string;
  /** ARN patterns of the principals (roles) of the hub's account that may use the key. */
  readonly principalArns: readonly string[];
  readonly actions: readonly string[];
  /** The service the key is used through (`s3`, `sqs`, `dynamodb`, `ssm`): `kms:ViaService`. */
  readonly viaService: string;
  /** More conditions (an encryption context), merged with the principal and service ones. */
  readonly conditions?: Record<string, Record<string, unknown>>;
}

/** Lets principals of the hub's account use `key`, through one service only. */
export function allowKeyUse(key: kms.IKey, use: KeyUse): void {
  const stack = Stack.of(key);
  const { principals, conditions } = principalsOfAccount(stack, use.principalArns);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: use.sid,
      principals,
      actions: [...use.actions],
      resources: ['*'],
      conditions: {
        ...conditions,
        StringEquals: { 'kms:ViaService': `${use.viaService}.${stack.region}.amazonaws.com` },
        ...use.conditions,
      },
    }),
  );
}
