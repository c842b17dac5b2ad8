/** The hub's buckets and tables (shared/topology.ts): names, environment variables, keys and indexes. */

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
    // `recipient` and `batchId` are in a line's key now (pk, sk), which every index keeps: only lines
    // written before carry them, and the index keeps them for those (changing an index's projection
    // replaces the index).
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
  /**
   * The record of disclosures, keyed by an HMAC of the INSZ (return-flows §4): FOREM's rows, every
   * operator's re-delivery, correction requests forwarded to the PPS and approved corrections
   * passed on for the OCMW (VDAB's and Actiris's rows are their payment lines, by `byInszHmac`).
   */
  disclosures: { name: 'disclosures', env: 'TABLE_DISCLOSURES', partitionKey: 'pk', sortKey: 'sk', description: 'Record of disclosures' },
  /**
   * The proof of each delivery (return-flows §5): per batch message sent, `pk` = its messageId and
   * `sk` = the SHA-256 of its body, with `sentAt`; no content. Kept the recipient's retention, long
   * after the archive's replay window. A table of its own: split-batch only writes it, the proof
   * tool only reads it, and no other function may see it.
   */
  deliveryProofs: {
    name: 'delivery-proofs',
    env: 'TABLE_DELIVERY_PROOFS',
    partitionKey: 'pk',
    sortKey: 'sk',
    description: 'Proof of each delivery: message id, body SHA-256, sentAt',
  },
  /** Return messages refused with a code, kept for an operator (messages.md). */
  refusedMessages: {
    name: 'refused-messages',
    env: 'TABLE_REFUSED_MESSAGES',
    partitionKey: 'pk',
    sortKey: 'sk',
    description: 'Refused return messages',
  },
} as const satisfies Record<string, TableSpec>;

export type BucketKey = keyof typeof BUCKETS;
export type TableKey = keyof typeof TABLES;
