import {
  BUCKETS,
  type BucketKey,
  type FunctionDeclaration,
  type FunctionSetting,
  type QueueSpec,
  SETTINGS_ENV,
  TABLES,
  type TableKey,
} from './topology';

/** What an environment variable of a function holds. */
export type VariableSource =
  | { readonly kind: 'bucket'; readonly bucket: BucketKey }
  | { readonly kind: 'table'; readonly table: TableKey }
  | { readonly kind: 'queueUrl'; readonly queue: QueueSpec }
  | { readonly kind: 'queueArn'; readonly queue: QueueSpec }
  | { readonly kind: 'setting'; readonly setting: FunctionSetting }
  | { readonly kind: 'disclosureKeyParameter' };

export interface FunctionVariable {
  readonly name: string;
  readonly source: VariableSource;
}

function keysOf<K extends string>(record: Readonly<Partial<Record<K, unknown>>>): K[] {
  return Object.keys(record) as K[];
}

/**
 * Every variable a function is given, derived from what it declares it uses: the CDK app sets
 * exactly these, and its configuration schema reads exactly these.
 */
export function variablesOf(fn: FunctionDeclaration): FunctionVariable[] {
  const { uses } = fn;
  const queueUrl = (queue: QueueSpec): FunctionVariable => ({ name: queue.urlEnv, source: { kind: 'queueUrl', queue } });
  return [
    // Each trigger queue by ARN (a record names its queue so: on the return flows, the sender) and by
    // URL (a failed record's visibility is changed by it: its redelivery's backoff).
    ...fn.triggers.flatMap((queue): FunctionVariable[] => [{ name: queue.arnEnv, source: { kind: 'queueArn', queue } }, queueUrl(queue)]),
    ...uses.sendsTo.map(queueUrl),
    ...keysOf(uses.buckets).map((bucket): FunctionVariable => ({ name: BUCKETS[bucket].env, source: { kind: 'bucket', bucket } })),
    ...keysOf(uses.tables).map((table): FunctionVariable => ({ name: TABLES[table].env, source: { kind: 'table', table } })),
    ...uses.settings.map((setting): FunctionVariable => ({ name: SETTINGS_ENV[setting], source: { kind: 'setting', setting } })),
    ...(uses.disclosureKey ? [{ name: SETTINGS_ENV.disclosureKeyParameter, source: { kind: 'disclosureKeyParameter' } } as const] : []),
  ];
}
