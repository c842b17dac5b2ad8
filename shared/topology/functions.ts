import { RETURNING_RECIPIENTS } from '../domain/recipients';
import { FUNCTION_TIMEOUT_SECONDS, QUEUES, type QueueSpec } from './queues';
import type { BucketKey, TableKey } from './storage';

/** The hub's functions (shared/topology.ts): how each runs, what triggers it, and what it uses. */

/**
 * The Node options every function runs with, and the benchmark too, so that it measures what runs.
 * Source maps: stack traces in CloudWatch name the TypeScript file and line. A young generation
 * of at most 8 MB semi-spaces: Node 24's V8 otherwise grows it to about three times 32 MB while a
 * long file is read, which the streaming pipeline does not need (same rows/s at 8, 16 and 32 MB;
 * peak RSS at 1,000,000 rows 127, 141 and 167 MB; README, Benchmark).
 */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=8';

/** Other configuration a function reads from its environment. */
export const SETTINGS_ENV = {
  /** Share of rejected rows above which a file is refused (monthly-batch §7), e.g. `0.05`. */
  maxRejectedShare: 'MAX_REJECTED_SHARE',
  /** The most rows a file may have (monthly-batch §2): the next one makes it `TOO_MANY_ROWS`; e.g. `1000000`. */
  maxRows: 'MAX_ROWS',
  /** The enterprise number (KBO) of each returning recipient, JSON `{"VDAB":"…","ACTIRIS":"…"}`. */
  recipientKbos: 'RECIPIENT_KBOS',
  /** Name of the SSM SecureString parameter that holds the disclosure HMAC key (AWS). */
  disclosureKeyParameter: 'DISCLOSURE_KEY_PARAMETER',
  /** The disclosure HMAC key itself, hex (laptop only; never set in AWS). */
  disclosureKeyLocal: 'DISCLOSURE_KEY_LOCAL',
  /** Days a refused return message is kept for an operator. */
  refusedMessageRetentionDays: 'REFUSED_MESSAGE_RETENTION_DAYS',
  /** The day of the month (1–28, Brussels time) by which the month's first batch file is due. */
  monthlyFileDueDay: 'MONTHLY_FILE_DUE_DAY',
  /** The archive's replay window in days: a re-delivery asked for after it is refused. */
  replayWindowDays: 'REPLAY_WINDOW_DAYS',
} as const;

/**
 * Bucket access levels; infra/access.ts turns each into S3 actions. `readWriteDeleteListBatch` also
 * lists, one batch's folder at a time (staging: a later attempt sweeps what earlier ones left);
 * `readListBatch` reads and lists one batch's folder (archive: an operator's re-delivery).
 */
export type BucketAccess = 'read' | 'readListBatch' | 'readWriteDelete' | 'readWriteDeleteListBatch' | 'createOnly';
/**
 * Table access levels: whether a function only reads a table (its key decrypts only) or writes it.
 * The exact DynamoDB actions are each function's own (`FUNCTION_TABLE_ACTIONS` in infra/access.ts).
 */
export type TableAccess = 'read' | 'write' | 'readWrite';
/** The settings a function may be given (each a variable of {@link SETTINGS_ENV}). */
export type FunctionSetting =
  | 'maxRejectedShare'
  | 'maxRows'
  | 'recipientKbos'
  | 'refusedMessageRetentionDays'
  | 'replayWindowDays'
  | 'monthlyFileDueDay';

/**
 * What a function uses, and nothing else: the single source of its environment variables, its IAM
 * grants (infra/) and its configuration schema (shared/configuration/).
 */
export interface FunctionUses {
  /** Queues it sends to: a send grant and each queue's URL. */
  readonly sendsTo: readonly QueueSpec[];
  readonly buckets: Readonly<Partial<Record<BucketKey, BucketAccess>>>;
  readonly tables: Readonly<Partial<Record<TableKey, TableAccess>>>;
  readonly settings: readonly FunctionSetting[];
  /** Whether it reads the disclosure HMAC key (SSM in AWS). */
  readonly disclosureKey: boolean;
  /**
   * Queues whose dead-letter queue it reads and deletes from (an operator's reprocessing): each
   * DLQ's URL, a receive and delete grant, and a decrypt of its key. Never a send.
   */
  readonly deadLettersOf?: readonly QueueSpec[];
}

/** How a function runs and what triggers it. */
export interface FunctionSpec {
  /** Logical name; the file `functions/<name>.ts` exports `handler`. */
  readonly name: string;
  readonly entry: string;
  /** Queues whose event source mapping invokes it (with ReportBatchItemFailures); it is given the URL and ARN of each. */
  readonly triggers: readonly QueueSpec[];
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Records per invocation from its queues. */
  readonly batchSize: number;
}

/** A function of the hub: how it runs, and what it uses. */
export interface FunctionDeclaration extends FunctionSpec {
  readonly uses: FunctionUses;
}

const returningOutbound = RETURNING_RECIPIENTS.map((r) => QUEUES.recipientOutbound[r]);

/** What processing a monthly file uses: split-batch's, and the re-notify tool's, which runs the same use case. */
const BATCH_USES = {
  // The recipients' batches, and every file's `batch.outcome` to the PPS.
  sendsTo: [...Object.values(QUEUES.recipientOutbound), QUEUES.ppsOutbound],
  buckets: { inbound: 'read', staging: 'readWriteDeleteListBatch', archive: 'createOnly', reports: 'createOnly' },
  tables: { batches: 'readWrite', paymentLines: 'write', disclosures: 'write', deliveryProofs: 'write' },
  settings: ['maxRejectedShare', 'maxRows'],
  disclosureKey: true,
} as const satisfies FunctionUses;

export const FUNCTIONS = {
  /** Splits a monthly batch file into minimised records per recipient (monthly-batch). */
  splitBatch: {
    name: 'split-batch',
    entry: 'functions/split-batch.ts',
    triggers: [QUEUES.batchNotifications],
    timeoutSeconds: FUNCTION_TIMEOUT_SECONDS.splitBatch,
    // One full vCPU (Lambda gives CPU in proportion to memory; 1,769 MB = 1 vCPU): the function is
    // CPU-bound and single-threaded, so it runs 1.7 times faster than at 1,024 MB for about the same
    // GB-seconds, and no faster above. The model and its limits: README.md, "Memory sizing".
    memoryMb: 1769,
    batchSize: 1,
    uses: BATCH_USES,
  },
  /** Validation decisions and correction requests of VDAB and Actiris; the sender is the channel. */
  regionInbound: {
    name: 'region-inbound',
    entry: 'functions/region-inbound.ts',
    triggers: Object.values(QUEUES.recipientInbound),
    timeoutSeconds: FUNCTION_TIMEOUT_SECONDS.returnFlows,
    memoryMb: 512,
    batchSize: 10,
    uses: {
      sendsTo: [QUEUES.ppsOutbound, ...returningOutbound],
      buckets: {},
      // A correction request forwarded to the PPS is recorded in the record of disclosures.
      tables: { paymentLines: 'readWrite', corrections: 'readWrite', refusedMessages: 'readWrite', disclosures: 'write' },
      settings: ['recipientKbos', 'refusedMessageRetentionDays'],
      // It compares a message's INSZ with the delivered line's keyed hash (LINE_MISMATCH).
      disclosureKey: true,
    },
  },
  /** The PPS's decisions on corrections. */
  ppsInbound: {
    name: 'pps-inbound',
    entry: 'functions/pps-inbound.ts',
    triggers: [QUEUES.ppsInbound],
    timeoutSeconds: FUNCTION_TIMEOUT_SECONDS.returnFlows,
    memoryMb: 512,
    batchSize: 10,
    uses: {
      sendsTo: [...returningOutbound, QUEUES.ppsOutbound, QUEUES.ocmwOutbound],
      buckets: {},
      // A decision names its correction by id: no payment line is read, no INSZ checked, no KBO compared.
      // An approved correction passed on for the OCMW is recorded in the record of disclosures, by
      // the keyed hash the correction holds: no disclosure key.
      tables: { corrections: 'readWrite', refusedMessages: 'readWrite', disclosures: 'write' },
      settings: ['refusedMessageRetentionDays'],
      disclosureKey: false,
    },
  },
  /**
   * An operator's re-delivery of an archived batch to one recipient (monthly-batch §8), invoked
   * from the console: reads the manifest and the batch's archive, sends to the recipients' queues.
   */
  operatorRedeliver: {
    name: 'operator-redeliver',
    entry: 'functions/operator-redeliver.ts',
    triggers: [],
    timeoutSeconds: FUNCTION_TIMEOUT_SECONDS.operatorRedeliver,
    memoryMb: 512,
    batchSize: 1,
    uses: {
      sendsTo: Object.values(QUEUES.recipientOutbound),
      buckets: { archive: 'readListBatch' },
      // The re-delivery is a new disclosure of the same records: recorded by person's keyed hash.
      tables: { batches: 'read', disclosures: 'write' },
      settings: ['replayWindowDays'],
      disclosureKey: true,
    },
  },
  /** Which recipients received data about a person (return-flows §4), invoked from the console: read only. */
  operatorDisclosures: {
    name: 'operator-disclosures',
    entry: 'functions/operator-disclosures.ts',
    triggers: [],
    timeoutSeconds: FUNCTION_TIMEOUT_SECONDS.operatorQuery,
    memoryMb: 256,
    batchSize: 1,
    uses: {
      sendsTo: [],
      buckets: {},
      // FOREM's disclosures are items of their own; VDAB's and Actiris's are the payment lines, by person (index).
      tables: { disclosures: 'read', paymentLines: 'read' },
      settings: [],
      // The person is found by the keyed hash of the INSZ asked for.
      disclosureKey: true,
    },
  },
  /** The refused return messages kept for an operator (messages.md), invoked from the console: read only. */
  operatorRefusedMessages: {
    name: 'operator-refused-messages',
    entry: 'functions/operator-refused-messages.ts',
    triggers: [],
    timeoutSeconds: FUNCTION_TIMEOUT_SECONDS.operatorQuery,
    memoryMb: 256,
    batchSize: 1,
    uses: {
      sendsTo: [],
      buckets: {},
      tables: { refusedMessages: 'read' },
      settings: [],
      disclosureKey: false,
    },
  },
  /**
   * An operator's reprocessing of a party's inbound dead letters (return-flows §1), invoked from the
   * console: reads and deletes one channel's DLQ, and runs each message through that channel's
   * inbound use case, so it uses what region-inbound and pps-inbound use. It sends nothing on an
   * inbound queue.
   */
  operatorReprocessDeadLetters: {
    name: 'operator-reprocess-dead-letters',
    entry: 'functions/operator-reprocess-dead-letters.ts',
    triggers: [],
    timeoutSeconds: FUNCTION_TIMEOUT_SECONDS.operatorReprocessDeadLetters,
    memoryMb: 512,
    batchSize: 1,
    uses: {
      sendsTo: [QUEUES.ppsOutbound, ...returningOutbound, QUEUES.ocmwOutbound],
      buckets: {},
      tables: { paymentLines: 'readWrite', corrections: 'readWrite', refusedMessages: 'readWrite', disclosures: 'write' },
      settings: ['recipientKbos', 'refusedMessageRetentionDays'],
      disclosureKey: true,
      deadLettersOf: [...RETURNING_RECIPIENTS.map((r) => QUEUES.recipientInbound[r]), QUEUES.ppsInbound],
    },
  },
  /**
   * An operator's re-notification of a monthly file the PPS wrote (monthly-batch), invoked from the
   * console: runs the batch use case for the existing object as its S3 notification would, so it
   * uses what split-batch uses. It never writes in the inbound bucket.
   */
  operatorRenotifyFile: {
    name: 'operator-renotify-file',
    entry: 'functions/operator-renotify-file.ts',
    triggers: [],
    timeoutSeconds: FUNCTION_TIMEOUT_SECONDS.splitBatch,
    memoryMb: 1769,
    batchSize: 1,
    uses: BATCH_USES,
  },
  /** Did the hub send exactly this message, to whom and when (return-flows §5), invoked from the console: read only. */
  operatorProof: {
    name: 'operator-proof',
    entry: 'functions/operator-proof.ts',
    triggers: [],
    timeoutSeconds: FUNCTION_TIMEOUT_SECONDS.operatorQuery,
    memoryMb: 256,
    batchSize: 1,
    uses: {
      sendsTo: [],
      buckets: {},
      tables: { deliveryProofs: 'read' },
      settings: [],
      disclosureKey: false,
    },
  },
  /**
   * The scheduled check of the batches (EventBridge Scheduler, every 15 minutes): whether the
   * month's file has arrived by its due day, and which batches stay PUBLISHING past their lease.
   * Publishes both as metrics that an alarm reads; read only.
   */
  batchWatch: {
    name: 'batch-watch',
    entry: 'functions/batch-watch.ts',
    triggers: [],
    timeoutSeconds: FUNCTION_TIMEOUT_SECONDS.batchWatch,
    memoryMb: 256,
    batchSize: 1,
    uses: {
      sendsTo: [],
      buckets: {},
      tables: { batches: 'read' },
      settings: ['monthlyFileDueDay'],
      disclosureKey: false,
    },
  },
} as const satisfies Record<string, FunctionDeclaration>;

/** The functions an operator invokes by hand (console Test tab, `aws lambda invoke`): no trigger. */
export const OPERATOR_FUNCTIONS = [
  FUNCTIONS.operatorRedeliver,
  FUNCTIONS.operatorDisclosures,
  FUNCTIONS.operatorRefusedMessages,
  FUNCTIONS.operatorReprocessDeadLetters,
  FUNCTIONS.operatorRenotifyFile,
  FUNCTIONS.operatorProof,
] as const;
