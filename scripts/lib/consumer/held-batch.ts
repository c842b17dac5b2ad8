import {
  amountText,
  type BatchCompletedMessage,
  type BatchRecordsMessage,
  type ConsumerParty,
  centsOf,
  type Envelope,
  isReturning,
} from './contract';

/** A batch being assembled by the consumer (consumer.ts): the messages it holds, their deliveries, and whether it adds up. */

/** One SQS message as received from one queue. */
export interface Delivery {
  readonly queueUrl: string;
  readonly sqsMessageId: string;
  receiptHandle: string;
  /** When its visibility runs out, by the consumer's clock. */
  hiddenUntil: number;
}

export interface HeldMessage<T extends Envelope> {
  readonly message: T;
  readonly deliveries: Delivery[];
}

/** A batch being assembled: its `batch.records` by `seq`, and its `batch.completed` once received. */
export interface PendingBatch {
  readonly batchId: string;
  readonly firstSeenAt: number;
  readonly records: Map<number, HeldMessage<BatchRecordsMessage>>;
  completed?: HeldMessage<BatchCompletedMessage>;
  reportedIncomplete: boolean;
}

export function* heldMessages(batch: PendingBatch): Iterable<HeldMessage<BatchRecordsMessage | BatchCompletedMessage>> {
  yield* batch.records.values();
  if (batch.completed) yield batch.completed;
}

export function heldDeliveries(batch: PendingBatch): Delivery[] {
  return [...heldMessages(batch)].flatMap((m) => m.deliveries);
}

/** The same SQS message received again replaces its receipt handle; another copy is added. */
export function addDelivery(held: HeldMessage<Envelope>, delivery: Delivery): void {
  const same = held.deliveries.find((d) => d.sqsMessageId === delivery.sqsMessageId);
  if (same === undefined) held.deliveries.push(delivery);
  else {
    same.receiptHandle = delivery.receiptHandle;
    same.hiddenUntil = delivery.hiddenUntil;
  }
}

export function sameContent(a: Envelope, b: Envelope): boolean {
  const { messageId: _a, sentAt: _sa, ...restA } = a;
  const { messageId: _b, sentAt: _sb, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

export function missingSeqs(batch: PendingBatch, messages: number): string {
  const missing: number[] = [];
  for (let seq = 1; seq <= messages && missing.length < 10; seq++) if (!batch.records.has(seq)) missing.push(seq);
  return missing.join(', ');
}

export function byQueue(deliveries: readonly Delivery[]): Map<string, Delivery[]> {
  const groups = new Map<string, Delivery[]>();
  for (const delivery of deliveries) groups.set(delivery.queueUrl, [...(groups.get(delivery.queueUrl) ?? []), delivery]);
  return groups;
}

/** Why a whole batch does not agree with its `batch.completed`, or undefined when it does. */
export function disagreement(batch: PendingBatch, completed: BatchCompletedMessage, recipient: ConsumerParty): string | undefined {
  const seqs = [...batch.records.keys()];
  const outOfRange = seqs.filter((seq) => seq > completed.messages);
  if (outOfRange.length > 0) return `batch.completed counts ${completed.messages} messages but seq ${outOfRange.join(', ')} arrived`;
  const records = [...batch.records.values()].reduce((sum, m) => sum + m.message.records.length, 0);
  if (records !== completed.records) return `batch.completed counts ${completed.records} records, the messages hold ${records}`;
  if (isReturning(recipient)) {
    let cents = 0n;
    for (const held of batch.records.values()) for (const record of held.message.records) cents += centsOf(String(record.amount));
    if (completed.amountCents === undefined || cents !== BigInt(completed.amountCents)) {
      return `batch.completed says amountCents ${completed.amountCents}, the records add up to ${cents}`;
    }
    if (completed.amount !== amountText(cents))
      return `batch.completed says amount ${completed.amount}, its amountCents is ${amountText(cents)}`;
  }
  return undefined;
}
