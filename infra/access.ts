import { RETURNING_RECIPIENTS } from '../shared/domain/recipients';
import { FUNCTIONS, type FunctionSpec, QUEUES, type QueueSpec } from '../shared/topology';
import type { BucketKey, TableKey } from './stateful-stack';

/**
 * What each function may touch: the single table from which both its IAM statements and its
 * environment are derived, so that a function never learns of a resource it may not use.
 */

/** Bucket access levels, each a fixed list of S3 actions on the bucket's objects. */
export type BucketAccess = 'read' | 'readWriteDelete' | 'createOnly';
/** Table access levels. */
export type TableAccess = 'read' | 'write' | 'readWrite';

export interface FunctionAccess {
  readonly spec: FunctionSpec;
  /** Queues it sends to. (The queues it consumes are spec.triggers.) */
  readonly sendsTo: readonly QueueSpec[];
  readonly buckets: Readonly<Partial<Record<BucketKey, BucketAccess>>>;
  readonly tables: Readonly<Partial<Record<TableKey, TableAccess>>>;
  /**
   * Queues whose URL it is given without any grant: the shared return-flow configuration
   * (shared/adapters/dynamo-return-flow-deps.ts) reads every return-flow queue URL at start.
   */
  readonly urlOnly: readonly QueueSpec[];
  /** Whether it reads the disclosure HMAC key from SSM (split-batch records disclosures; region-inbound checks a line's INSZ). */
  readonly readsDisclosureKey: boolean;
}

const returningOutbound = RETURNING_RECIPIENTS.map((r) => QUEUES.recipientOutbound[r]);

export const FUNCTION_ACCESS = {
  splitBatch: {
    spec: FUNCTIONS.splitBatch,
    sendsTo: Object.values(QUEUES.recipientOutbound),
    buckets: { inbound: 'read', staging: 'readWriteDelete', archive: 'createOnly', reports: 'createOnly' },
    tables: { batches: 'readWrite', paymentLines: 'write', disclosures: 'write' },
    urlOnly: [],
    readsDisclosureKey: true,
  },
  regionInbound: {
    spec: FUNCTIONS.regionInbound,
    sendsTo: [QUEUES.ppsOutbound, ...returningOutbound],
    buckets: {},
    tables: { paymentLines: 'readWrite', corrections: 'readWrite', refusedMessages: 'readWrite' },
    urlOnly: [QUEUES.ocmwOutbound],
    // It compares a message's INSZ with the delivered line's keyed hash (LINE_MISMATCH).
    readsDisclosureKey: true,
  },
  ppsInbound: {
    spec: FUNCTIONS.ppsInbound,
    sendsTo: [...returningOutbound, QUEUES.ppsOutbound, QUEUES.ocmwOutbound],
    buckets: {},
    tables: { corrections: 'readWrite', refusedMessages: 'readWrite', paymentLines: 'read' },
    urlOnly: [],
    readsDisclosureKey: false,
  },
} as const satisfies Record<keyof typeof FUNCTIONS, FunctionAccess>;

/** S3 actions of each bucket access level (on objects; `s3:ListBucket` on the bucket for readWriteDelete). */
export const BUCKET_ACTIONS: Readonly<Record<BucketAccess, readonly string[]>> = {
  read: ['s3:GetObject'],
  // Staged records are listed to be swept when a file is refused or delivered.
  readWriteDelete: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  // Archive and reports: written once, never read back nor deleted by a function.
  createOnly: ['s3:PutObject'],
};

/** DynamoDB actions of each table access level. No Scan, no DeleteItem: state changes are conditional writes. */
export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:BatchWriteItem',
  ],
};

/** What the Lambda event source mapping needs to poll a queue on the function's behalf. */
export const EVENT_SOURCE_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'];
