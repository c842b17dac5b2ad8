import type * as kms from 'aws-cdk-lib/aws-kms';
import type { BucketAccess, BucketKey, FunctionDeclaration, QueueSpec, TableKey } from '../../shared/topology';

/** The keys of the resources a function may use, as the stateful stack holds them. */
export interface FunctionKeySource {
  queueKey(spec: QueueSpec): kms.IKey;
  bucketKey(bucket: BucketKey): kms.IKey;
  tableKey(table: TableKey): kms.IKey;
  readonly disclosureParameterKey: kms.IKey;
}

/** The service through which a key is used: its `kms:ViaService`. */
export type KeyService = 's3' | 'sqs' | 'dynamodb' | 'ssm';

/** How a function uses one key: through which service, for which actions. */
export interface FunctionKeyUse {
  readonly key: kms.IKey;
  readonly service: KeyService;
  readonly actions: Set<string>;
}

/**
 * What a bucket access level needs of the bucket's key. Reading decrypts; writing a whole object in
 * one request needs a data key only (S3's PutObject with SSE-KMS), so a function that only creates
 * objects (the archive, the reports) cannot decrypt what it wrote.
 */
export const BUCKET_KEY_ACTIONS: Readonly<Record<BucketAccess, readonly string[]>> = {
  read: ['kms:Decrypt'],
  readListBatch: ['kms:Decrypt'],
  readWriteDelete: ['kms:Decrypt', 'kms:GenerateDataKey'],
  readWriteDeleteListBatch: ['kms:Decrypt', 'kms:GenerateDataKey'],
  createOnly: ['kms:GenerateDataKey'],
};

/**
 * Every key a function uses, in the order its grants are written: the keys of the queues that
 * trigger it (decrypt), of the queues it sends to (a data key, and decrypt to reuse one), of the
 * dead-letter queues it reads (decrypt), of its
 * buckets ({@link BUCKET_KEY_ACTIONS}), of its tables, and the disclosure parameter's. The one
 * derivation behind both sides of each grant: the function role's IAM policy (infra/access.ts) and
 * the key policy that names the role (infra/stateful-stack.ts).
 */
export function keyUsesOf(fn: FunctionDeclaration, keys: FunctionKeySource): FunctionKeyUse[] {
  const uses = new Map<kms.IKey, FunctionKeyUse>();
  const use = (key: kms.IKey, service: KeyService, actions: readonly string[]) => {
    const found = uses.get(key) ?? { key, service, actions: new Set<string>() };
    if (found.service !== service) throw new Error(`${fn.name}: a key used through ${found.service} and ${service}`);
    for (const a of actions) found.actions.add(a);
    uses.set(key, found);
  };
  for (const q of fn.triggers) use(keys.queueKey(q), 'sqs', ['kms:Decrypt']);
  for (const q of fn.uses.sendsTo) use(keys.queueKey(q), 'sqs', ['kms:GenerateDataKey', 'kms:Decrypt']);
  // A queue's DLQ shares its key: reading a dead letter decrypts it.
  for (const q of fn.uses.deadLettersOf ?? []) use(keys.queueKey(q), 'sqs', ['kms:Decrypt']);
  for (const [b, level] of Object.entries(fn.uses.buckets) as Array<[BucketKey, BucketAccess]>) {
    use(keys.bucketKey(b), 's3', BUCKET_KEY_ACTIONS[level]);
  }
  for (const [t, level] of Object.entries(fn.uses.tables) as Array<[TableKey, string]>) {
    use(keys.tableKey(t), 'dynamodb', ['kms:Decrypt', 'kms:DescribeKey']);
    if (level !== 'read') use(keys.tableKey(t), 'dynamodb', ['kms:Encrypt', 'kms:GenerateDataKey']);
  }
  if (fn.uses.disclosureKey) use(keys.disclosureParameterKey, 'ssm', ['kms:Decrypt']);
  return [...uses.values()];
}
