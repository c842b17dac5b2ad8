import { RECIPIENTS, RETURNING_RECIPIENTS, type Recipient, type ReturningRecipient } from './domain/recipients';

/**
 * The one topology definition: every bucket, queue, table and function of the hub, with the
 * settings that matter to behaviour, the environment variables through which a function finds each
 * resource, and what each function uses. The CDK app (infra/) declares these resources from this
 * file, and the local stand-in (local/) creates the same ones in the emulators. Logical names only: physical names are CloudFormation's
 * in AWS, and the logical name itself on the laptop.
 */

export const DAY_SECONDS = 86_400;

/** How long each function may run; queue visibility timeouts derive from it (AWS: at least 6×). */
export const FUNCTION_TIMEOUT_SECONDS = {
  splitBatch: 900,
  returnFlows: 30,
  /** A re-delivery sends a whole archived batch again: as long as split-batch took to send it. */
  operatorRedeliver: 900,
  /** An operator's query: one or a few DynamoDB queries. */
  operatorQuery: 30,
  /** The scheduled check of the batches: two queries of the batches table's index. */
  batchWatch: 30,
} as const;

/**
 * The Node options every function runs with, and the benchmark too, so that it measures what runs.
 * Source maps: stack traces in CloudWatch name the TypeScript file and line. A young generation
 * of at most 8 MB semi-spaces: Node 24's V8 otherwise grows it to about three times 32 MB while a
 * long file is read, which the streaming pipeline does not need (same rows/s at 8, 16 and 32 MB;
 * peak RSS at 1,000,000 rows 127, 141 and 167 MB; README, Benchmark).
 */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=8';

export interface QueueSpec {
  /** Logical name; the queue's name on the laptop. */
  readonly name: string;
  /** Environment variable that holds the queue URL for a function. */
  readonly urlEnv: string;
  /** Environment variable that holds the queue ARN (inbound channels: the sender is the channel). */
  readonly arnEnv: string;
  readonly retentionSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly description: string;
}

const FOURTEEN_DAYS = 14 * DAY_SECONDS; // the SQS maximum (return-flows §5)
const FOUR_DAYS = 4 * DAY_SECONDS;

function queue(name: string, description: string, retentionSeconds: number, consumerTimeout: number): QueueSpec {
  const envStem = name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return {
    name,
    urlEnv: `QUEUE_URL_${envStem}`,
    arnEnv: `QUEUE_ARN_${envStem}`,
    retentionSeconds,
    visibilityTimeoutSeconds: 6 * consumerTimeout,
    maxReceiveCount: 5,
    description,
  };
}

/** A recipient's queues are polled by the recipient's own system; we give it a generous visibility. */
const RECIPIENT_VISIBILITY = 5 * 60;

export const QUEUES = {
  /** S3 ObjectCreated notifications of the inbound bucket, consumed by split-batch. */
  batchNotifications: queue(
    'batch-notifications',
    'S3 ObjectCreated notifications for monthly batch files',
    FOUR_DAYS,
    FUNCTION_TIMEOUT_SECONDS.splitBatch,
  ),
  /** Hub → recipient: batch.records, batch.completed, correction.outcome, message.refused. */
  recipientOutbound: Object.fromEntries(
    RECIPIENTS.map((r) => [r, queue(`outbound-${r.toLowerCase()}`, `Hub to ${r}`, FOURTEEN_DAYS, RECIPIENT_VISIBILITY / 6)]),
  ) as Record<Recipient, QueueSpec>,
  /** Recipient → hub (VDAB, ACTIRIS only): validation.decision, correction.request. */
  recipientInbound: Object.fromEntries(
    RETURNING_RECIPIENTS.map((r) => [
      r,
      queue(`inbound-${r.toLowerCase()}`, `${r} to hub`, FOURTEEN_DAYS, FUNCTION_TIMEOUT_SECONDS.returnFlows),
    ]),
  ) as Record<ReturningRecipient, QueueSpec>,
  /** Hub → PPS: validation.decision, correction.request, message.refused. */
  ppsOutbound: queue('outbound-pps', 'Hub to the PPS Social Integration', FOURTEEN_DAYS, RECIPIENT_VISIBILITY / 6),
  /** PPS → hub: correction.decision. */
  ppsInbound: queue('inbound-pps', 'PPS Social Integration to hub', FOURTEEN_DAYS, FUNCTION_TIMEOUT_SECONDS.returnFlows),
  /** Hub → OCMW (read by the PPS's OCMW-facing systems): correction.approved. */
  ocmwOutbound: queue('outbound-ocmw', 'Hub to the OCMWs, through the PPS', FOURTEEN_DAYS, RECIPIENT_VISIBILITY / 6),
} as const;

/** Every queue, for code that treats them alike (the local stand-in, the dashboard). */
export function allQueues(): QueueSpec[] {
  return [
    QUEUES.batchNotifications,
    ...Object.values(QUEUES.recipientOutbound),
    ...Object.values(QUEUES.recipientInbound),
    QUEUES.ppsOutbound,
    QUEUES.ppsInbound,
    QUEUES.ocmwOutbound,
  ];
}

/** The dead-letter queue of a queue: its name and environment variables. DLQs outlive their source. */
export function deadLetterQueueOf(spec: QueueSpec): QueueSpec {
  return {
    ...spec,
    name: `${spec.name}-dlq`,
    urlEnv: `${spec.urlEnv}_DLQ`,
    arnEnv: `${spec.arnEnv}_DLQ`,
    retentionSeconds: FOURTEEN_DAYS,
    maxReceiveCount: 0,
    description: `Dead letters of: ${spec.description}`,
  };
}

export interface BucketSpec {
  readonly name: string;
  readonly env: string;
  readonly description: string;
}

export const BUCKETS = {
  /** The PPS drops `monthly/<YYYY-MM>/<name>` here. */
  inbound: { name: 'inbound', env: 'BUCKET_INBOUND', description: 'Raw monthly batch files from the PPS' },
  /** Records of a file being processed, before the file is accepted; deleted on refusal. */
  staging: { name: 'staging', env: 'BUCKET_STAGING', description: 'Staged minimised records of files being processed' },
  /** What was delivered, per recipient prefix (`VDAB/`, `ACTIRIS/`, `FOREM/`); write once, expired by lifecycle only. */
  archive: { name: 'archive', env: 'BUCKET_ARCHIVE', description: 'Archive of what each recipient received' },
  /** Batch reports (no national numbers). */
  reports: { name: 'reports', env: 'BUCKET_REPORTS', description: 'Batch reports' },
} as const satisfies Record<string, BucketSpec>;

export interface TableSpec {
  readonly name: string;
  readonly env: string;
  /** Partition key attribute (string). */
  readonly partitionKey: string;
  /** Sort key attribute (string), when the table has one. */
  readonly sortKey?: string;
  readonly globalIndexes?: ReadonlyArray<{
    readonly name: string;
    readonly partitionKey: string;
    readonly sortKey?: string;
    /** The attributes the index keeps besides the keys (INCLUDE); all of them when absent. */
    readonly include?: readonly string[];
  }>;
  readonly description: string;
}

/** Every table has TTL on this attribute, in epoch seconds (return-flows §5). */
export const TTL_ATTRIBUTE = 'expiresAt';

export const TABLES = {
  /** Batch manifests, keyed on the content's SHA-256 (monthly-batch §8). */
  batches: {
    name: 'batches',
    env: 'TABLE_BATCHES',
    partitionKey: 'pk',
    // The scheduled check (batch-watch) finds the batches still PUBLISHING and those received this
    // month by status and reception, without a Scan; the index keeps no more than it reads.
    globalIndexes: [{ name: 'byStatus', partitionKey: 'status', sortKey: 'receivedAt', include: ['batchId', 'leaseUntil', 'expiresAt'] }],
    description: 'Batch manifests',
  },
  /** Delivered payment lines, their validation decisions and status (return-flows §2). */
  paymentLines: {
    name: 'payment-lines',
    env: 'TABLE_PAYMENT_LINES',
    partitionKey: 'pk',
    sortKey: 'sk',
    // VDAB's and Actiris's record of disclosures (return-flows §4): their lines by person. Only
    // delivered lines carry `inszHmac`; the index keeps what a disclosure shows, not the line.
    globalIndexes: [
      {
        name: 'byInszHmac',
        partitionKey: 'inszHmac',
        include: ['recipient', 'period', 'batchId', 'regulation', 'deliveredAt', 'expiresAt'],
      },
    ],
    description: 'Delivered payment lines and their decisions',
  },
  /** Correction requests and their life (return-flows §3). */
  corrections: {
    name: 'corrections',
    env: 'TABLE_CORRECTIONS',
    partitionKey: 'pk',
    sortKey: 'sk',
    globalIndexes: [{ name: 'byCorrectionId', partitionKey: 'correctionId' }],
    description: 'Correction requests',
  },
  /** The record of disclosures, keyed by an HMAC of the INSZ (return-flows §4). */
  disclosures: { name: 'disclosures', env: 'TABLE_DISCLOSURES', partitionKey: 'pk', sortKey: 'sk', description: 'Record of disclosures' },
  /** Return messages refused with a code, kept for an operator (messages.md). */
  refusedMessages: {
    name: 'refused-messages',
    env: 'TABLE_REFUSED_MESSAGES',
    partitionKey: 'pk',
    sortKey: 'sk',
    description: 'Refused return messages',
  },
} as const satisfies Record<string, TableSpec>;

/** Other configuration a function reads from its environment. */
export const SETTINGS_ENV = {
  /** Share of rejected rows above which a file is refused (monthly-batch §7), e.g. `0.05`. */
  maxRejectedShare: 'MAX_REJECTED_SHARE',
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
} as const;

export type BucketKey = keyof typeof BUCKETS;
export type TableKey = keyof typeof TABLES;
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
export type FunctionSetting = 'maxRejectedShare' | 'recipientKbos' | 'refusedMessageRetentionDays' | 'monthlyFileDueDay';

/**
 * What a function uses, and nothing else: the single source of its environment variables, its IAM
 * grants (infra/) and its configuration schema (shared/configuration/).
 */
export interface FunctionUses {
  /** Queues it sends to: a send grant and each queue's URL. */
  readonly sendsTo: readonly QueueSpec[];
  /** The sender of a record is the queue it came on: it is given its triggers' ARNs. */
  readonly sendersByQueue: boolean;
  readonly buckets: Readonly<Partial<Record<BucketKey, BucketAccess>>>;
  readonly tables: Readonly<Partial<Record<TableKey, TableAccess>>>;
  readonly settings: readonly FunctionSetting[];
  /** Whether it reads the disclosure HMAC key (SSM in AWS). */
  readonly disclosureKey: boolean;
}

/** How a function runs and what triggers it. */
export interface FunctionSpec {
  /** Logical name; the file `functions/<name>.ts` exports `handler`. */
  readonly name: string;
  readonly entry: string;
  /** Queues whose event source mapping invokes it (with ReportBatchItemFailures). */
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
    uses: {
      sendsTo: Object.values(QUEUES.recipientOutbound),
      sendersByQueue: false,
      buckets: { inbound: 'read', staging: 'readWriteDeleteListBatch', archive: 'createOnly', reports: 'createOnly' },
      tables: { batches: 'readWrite', paymentLines: 'write', disclosures: 'write' },
      settings: ['maxRejectedShare'],
      disclosureKey: true,
    },
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
      sendersByQueue: true,
      buckets: {},
      tables: { paymentLines: 'readWrite', corrections: 'readWrite', refusedMessages: 'readWrite' },
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
      sendersByQueue: true,
      buckets: {},
      // A decision names its correction by id: no payment line is read, no INSZ checked, no KBO compared.
      tables: { corrections: 'readWrite', refusedMessages: 'readWrite' },
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
      sendersByQueue: false,
      buckets: { archive: 'readListBatch' },
      tables: { batches: 'read' },
      settings: [],
      disclosureKey: false,
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
      sendersByQueue: false,
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
      sendersByQueue: false,
      buckets: {},
      tables: { refusedMessages: 'read' },
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
      sendersByQueue: false,
      buckets: {},
      tables: { batches: 'read' },
      settings: ['monthlyFileDueDay'],
      disclosureKey: false,
    },
  },
} as const satisfies Record<string, FunctionDeclaration>;

/** The functions an operator invokes by hand (console Test tab, `aws lambda invoke`): no trigger. */
export const OPERATOR_FUNCTIONS = [FUNCTIONS.operatorRedeliver, FUNCTIONS.operatorDisclosures, FUNCTIONS.operatorRefusedMessages] as const;
