import { type Envelope, envelope, MAX_MESSAGE_BYTES, type OutboundMessage, queueJson } from '../../messages/envelope';
import { formatCents } from '../money';
import { type Recipient, type RecipientRecord, receivesAmounts } from '../recipients';

/**
 * Packing a batch into its hub → recipient messages (spec messages.md): `batch.records`, as many
 * records of one recipient as fit one 64 KiB SQS billing unit, and `batch.completed`. Ids are
 * deterministic (batch, recipient, sequence), so a message sent again after a crash has the same id.
 */

export interface BatchRecordsMessage extends Envelope<'batch.records'> {
  readonly batchId: string;
  readonly period: string;
  readonly recipient: Recipient;
  readonly seq: number;
  readonly records: readonly RecipientRecord[];
}

/** The last message of a batch to a recipient: how many messages and records (and, for VDAB and Actiris, what amount) it sent. */
export interface BatchCompletedMessage extends Envelope<'batch.completed'> {
  readonly batchId: string;
  readonly period: string;
  readonly recipient: Recipient;
  readonly messages: number;
  readonly records: number;
  readonly amountCents?: string;
  readonly amount?: string;
}

/**
 * Room kept in every message for its envelope and batch fields: a batch id, a sequence number and
 * an instant are bounded, so their JSON is far below this.
 */
export const ENVELOPE_ROOM_BYTES = 1024;

/** Bytes left for the `records` array of one `batch.records` message. */
export const RECORDS_BUDGET_BYTES = MAX_MESSAGE_BYTES - ENVELOPE_ROOM_BYTES;

/** The id of a recipient's `seq`-th `batch.records` message of a batch: the same on every retry. */
export function recordsMessageId(batchId: string, recipient: Recipient, seq: number): string {
  return `${batchId}:${recipient}:records:${seq}`;
}

/** The id of a recipient's `batch.completed` message of a batch: the same on every retry. */
export function completedMessageId(batchId: string, recipient: Recipient): string {
  return `${batchId}:${recipient}:completed`;
}

/**
 * Packs records (already JSON, as {@link queueJson} writes it, so that its size is the size on the
 * queue) into `records` arrays that fit {@link RECORDS_BUDGET_BYTES}, in the order they come. Each
 * finished array is the JSON text `[{…},{…}]`.
 */
export class RecordPacker {
  private parts: string[] = [];
  private bytes = 2; // the brackets

  constructor(private readonly budget = RECORDS_BUDGET_BYTES) {}

  /** Adds one record's JSON; returns the finished array when this record did not fit in it. */
  add(recordJson: string): string | null {
    const size = Buffer.byteLength(recordJson, 'utf8');
    if (size + 2 > this.budget) throw new Error('a single record is larger than one message');
    const separator = this.parts.length > 0 ? 1 : 0;
    let finished: string | null = null;
    if (this.bytes + separator + size > this.budget) finished = this.flush();
    this.bytes += (this.parts.length > 0 ? 1 : 0) + size;
    this.parts.push(recordJson);
    return finished;
  }

  /** The array being filled, or null when it is empty. */
  flush(): string | null {
    if (this.parts.length === 0) return null;
    const text = `[${this.parts.join(',')}]`;
    this.parts = [];
    this.bytes = 2;
    return text;
  }
}

/**
 * Builds a `batch.records` message around a packed records array (JSON text), without parsing it
 * again. Throws when the result would exceed one billing unit, which packing rules out.
 */
export function batchRecordsMessage(
  batch: { batchId: string; period: string },
  recipient: Recipient,
  seq: number,
  recordsJson: string,
  sentAt: Date,
): OutboundMessage {
  const head = {
    ...envelope('batch.records', recordsMessageId(batch.batchId, recipient, seq), sentAt),
    batchId: batch.batchId,
    period: batch.period,
    recipient,
    seq,
  };
  const headJson = queueJson(head);
  const body = `${headJson.slice(0, -1)},"records":${recordsJson}}`;
  if (Buffer.byteLength(body, 'utf8') > MAX_MESSAGE_BYTES) throw new Error('batch.records message exceeds 64 KiB');
  return { messageId: head.messageId, type: 'batch.records', body };
}

/** Builds the `batch.completed` message of one recipient; amounts only for VDAB and ACTIRIS. */
export function batchCompletedMessage(
  batch: { batchId: string; period: string },
  recipient: Recipient,
  totals: { messages: number; records: number; amountCents: bigint },
  sentAt: Date,
): OutboundMessage {
  const message: BatchCompletedMessage = {
    ...envelope('batch.completed', completedMessageId(batch.batchId, recipient), sentAt),
    batchId: batch.batchId,
    period: batch.period,
    recipient,
    messages: totals.messages,
    records: totals.records,
    ...(receivesAmounts(recipient) ? { amountCents: totals.amountCents.toString(), amount: formatCents(totals.amountCents) } : {}),
  };
  return { messageId: message.messageId, type: 'batch.completed', body: queueJson(message) };
}
