import type { BucketKey, TableKey } from '../../../../shared/topology';
import type { Call, Evaluator } from './evaluate';
import type { KeyName } from './hub-model';

/**
 * What the matrix asks of each resource: the operations that matter, each as the calls AWS makes
 * for it. A read or write of an S3 object or an SQS message is the S3 or SQS call and the KMS call
 * the service makes with the caller's permissions (through the service, with the service's
 * encryption context: the bucket's ARN with an S3 Bucket Key, the queue's ARN); a DynamoDB item the
 * SecureString parameter's with its ARN. A table's item is DynamoDB's call alone (see below).
 */

export const OPERATIONS = {
  bucket: ['read', 'write', 'write-sse-s3', 'delete', 'lifecycle', 'policy'],
  queue: ['receive', 'send', 'purge', 'configure'],
  key: ['decrypt', 'policy', 'schedule-deletion', 'grant'],
  table: ['read', 'write', 'delete-item', 'ttl', 'backup', 'export', 'restore', 'delete-table', 'policy'],
  role: ['assume', 'pass', 'change'],
  function: ['update-code', 'configure', 'invoke'],
  parameter: ['read', 'write', 'delete'],
} as const;

export type Kind = keyof typeof OPERATIONS;
export type Operation<K extends Kind = Kind> = (typeof OPERATIONS)[K][number];

/** A resource of the matrix: `bucket:inbound`, `queue:outbound-vdab-dlq`, `key:queues-PPS`, `table:batches`, … */
export type Target =
  | `bucket:${BucketKey | 'accessLogs'}`
  | `queue:${string}`
  | `key:${KeyName}`
  | `table:${TableKey}`
  | 'role:operator'
  | `function:${string}`
  | 'parameter:disclosure-key';

export function kindOf(target: Target): Kind {
  return target.split(':')[0] as Kind;
}

/**
 * The ways to perform one operation on one resource, each a list of calls that must all be allowed:
 * reading a table's items is a GetItem, a Query of the table or a Query of an index.
 */
export function waysOf(e: Evaluator, target: Target, operation: Operation): Call[][] {
  if (kindOf(target) !== 'table' || (operation !== 'read' && operation !== 'write')) return [callsOf(e, target, operation)];
  const t = e.model.tables[target.split(':')[1] as TableKey];
  const ddb = (action: string, resource = t.arn): Call[] => [{ action, resource, resourcePolicy: t.policy }];
  if (operation === 'write') return ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'].map((a) => ddb(a));
  return [ddb('dynamodb:GetItem'), ddb('dynamodb:Query'), ...t.indexes.map((i) => ddb('dynamodb:Query', `${t.arn}/index/${i}`))];
}

/** The calls of one operation on one resource (one way of it: {@link waysOf}). */
export function callsOf(e: Evaluator, target: Target, operation: Operation): Call[] {
  const m = e.model;
  const [kind, name] = target.split(':') as [Kind, string];
  switch (kind) {
    case 'bucket': {
      const b = m.buckets[name as BucketKey];
      const object = `${b.arn}/${b.sampleKey}`;
      const s3 = (action: string, resource: string, context?: Record<string, string>): Call => ({
        action,
        resource,
        resourcePolicy: b.policy,
        ...(context ? { context } : {}),
      });
      const kms = (action: string) => (b.keyArn ? [e.kms(action, b.keyArn, 's3', { 'aws:s3:arn': b.arn })] : []);
      switch (operation) {
        case 'read':
          return [s3('s3:GetObject', object), ...kms('kms:Decrypt')];
        case 'write':
          // A new object, with If-None-Match and no encryption header: the bucket's default key.
          return [
            s3('s3:PutObject', object, { 's3:if-none-match': '*', 's3:ObjectCreationOperation': 'true' }),
            ...kms('kms:GenerateDataKey'),
          ];
        case 'write-sse-s3':
          // A new object under S3's own key: no KMS call, so only the bucket policy can refuse it.
          return [
            s3('s3:PutObject', object, {
              's3:if-none-match': '*',
              's3:ObjectCreationOperation': 'true',
              's3:x-amz-server-side-encryption': 'AES256',
            }),
          ];
        case 'delete':
          return [s3('s3:DeleteObject', object)];
        case 'lifecycle':
          return [s3('s3:PutLifecycleConfiguration', b.arn)];
        case 'policy':
          return [s3('s3:PutBucketPolicy', b.arn)];
      }
      break;
    }
    case 'queue': {
      const q = m.queue(name);
      const sqs = (action: string): Call => ({ action, resource: q.arn, resourcePolicy: q.policy });
      const kms = (action: string) => e.kms(action, q.keyArn, 'sqs', { 'aws:sqs:arn': q.arn });
      switch (operation) {
        case 'receive':
          return [sqs('sqs:ReceiveMessage'), kms('kms:Decrypt')];
        case 'send':
          return [sqs('sqs:SendMessage'), kms('kms:GenerateDataKey'), kms('kms:Decrypt')];
        case 'purge':
          return [sqs('sqs:PurgeQueue')];
        case 'configure':
          return [sqs('sqs:SetQueueAttributes')];
      }
      break;
    }
    case 'key': {
      const k = m.keys[name as KeyName];
      const kms = (action: string): Call => ({ action, resource: k.arn, resourcePolicy: k.policy });
      const action = {
        decrypt: 'kms:Decrypt',
        policy: 'kms:PutKeyPolicy',
        'schedule-deletion': 'kms:ScheduleKeyDeletion',
        grant: 'kms:CreateGrant',
      }[operation as Operation<'key'>];
      return [kms(action)];
    }
    case 'table': {
      const t = m.tables[name as TableKey];
      // No KMS call: DynamoDB uses the table's key through the grant it made when the table was
      // created, not with the caller's permissions; a table's items are guarded by IAM and its policy.
      const ddb = (action: string): Call => ({ action, resource: t.arn, resourcePolicy: t.policy });
      const action: Record<Operation<'table'>, string> = {
        read: 'dynamodb:GetItem',
        write: 'dynamodb:PutItem',
        'delete-item': 'dynamodb:DeleteItem',
        ttl: 'dynamodb:UpdateTimeToLive',
        backup: 'dynamodb:CreateBackup',
        export: 'dynamodb:ExportTableToPointInTime',
        restore: 'dynamodb:RestoreTableToPointInTime',
        'delete-table': 'dynamodb:DeleteTable',
        policy: 'dynamodb:PutResourcePolicy',
      };
      return [ddb(action[operation as Operation<'table'>])];
    }
    case 'role': {
      const r = m.operatorRole;
      if (operation === 'assume') return [{ action: 'sts:AssumeRole', resource: r.arn, resourcePolicy: r.trust }];
      return [{ action: operation === 'pass' ? 'iam:PassRole' : 'iam:PutRolePolicy', resource: r.arn }];
    }
    case 'function': {
      const arn = m.functionArns.get(name) as string;
      const action = {
        'update-code': 'lambda:UpdateFunctionCode',
        configure: 'lambda:UpdateFunctionConfiguration',
        invoke: 'lambda:InvokeFunction',
      }[operation as Operation<'function'>];
      return [{ action, resource: arn }];
    }
    case 'parameter': {
      const ssm = (action: string): Call => ({ action, resource: m.disclosureParameterArn });
      const kms = (action: string) => e.kms(action, m.keys.disclosureParameter.arn, 'ssm', { PARAMETER_ARN: m.disclosureParameterArn });
      if (operation === 'read') return [ssm('ssm:GetParameter'), kms('kms:Decrypt')];
      if (operation === 'write') return [ssm('ssm:PutParameter'), kms('kms:Encrypt')];
      return [ssm('ssm:DeleteParameter')];
    }
  }
  throw new Error(`No operation ${operation} on ${target}`);
}
