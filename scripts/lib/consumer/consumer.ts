import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  amountText,
  type BatchCompletedMessage,
  type BatchRecordsMessage,
  type ConsumerRecipient,
  centsOf,
  type Envelope,
  isReturning,
  type PublishedContract,
} from './contract';
import { DeliveredMessageIds, writeAtomically } from './memory';

/**
 * A reference regional consumer (README, "Integrating as a region"): it polls a recipient's
 * outbound queue, checks every message against its published schema, drops duplicates by
 * `messageId` (remembered on disk), assembles each batch until its `batch.completed` and its
 * records agree, writes the batch atomically as NDJSON and only then deletes its messages.
 * It uses the AWS SDK and the schema files, nothing of the hub's code.
 */

/** One SQS message as received from one queue. */
interface Delivery {
  readonly queueUrl: string;
  readonly sqsMessageId: string;
  receiptHandle: string;
  /** When its visibility runs out, by the consumer's clock. */
  hiddenUntil: number;
}

interface HeldMessage<T extends Envelope> {
  readonly message: T;
  readonly deliveries: Delivery[];
}

/** A batch being assembled: its `batch.records` by `seq`, and its `batch.completed` once received. */
interface PendingBatch {
  readonly batchId: string;
  readonly firstSeenAt: number;
  readonly records: Map<number, HeldMessage<BatchRecordsMessage>>;
  completed?: HeldMessage<BatchCompletedMessage>;
  reportedIncomplete: boolean;
}

export interface ConsumerOptions {
  readonly recipient: ConsumerRecipient;
  /** Where batches, answers, rejected messages and the consumer's memory go. */
  readonly outDir: string;
  readonly sqs: SQSClient;
  readonly contract: PublishedContract;
  /** The recipient's outbound queue. */
  readonly queueUrl: string;
  /** Its dead-letter queue, polled too when given. */
  readonly deadLetterQueueUrl?: string;
  /** The recipient's inbound queue, where `send` sends (VDAB, ACTIRIS). */
  readonly inboundQueueUrl?: string;
  /** Long-poll wait of each receive, 0–20 s. */
  readonly waitSeconds: number;
  /** How long a message is kept invisible while its batch is assembled; renewed while held. */
  readonly holdSeconds: number;
  /** After how long a batch still incomplete is reported. */
  readonly incompleteAfterMs: number;
  /** Every event, as one line for a person. */
  readonly report: (line: string) => void;
  readonly now?: () => number;
}

/** What the consumer did, counted since it started. */
export interface ConsumerTally {
  received: number;
  batchesWritten: number;
  recordsWritten: number;
  duplicates: number;
  rejected: number;
  answers: number;
  incompleteReported: number;
}

const SQS_BATCH_MAX = 10;

export class RegionalConsumer {
  private readonly pending = new Map<string, PendingBatch>();
  private readonly now: () => number;
  readonly tally: ConsumerTally = {
    received: 0,
    batchesWritten: 0,
    recordsWritten: 0,
    duplicates: 0,
    rejected: 0,
    answers: 0,
    incompleteReported: 0,
  };

  private constructor(
    private readonly options: ConsumerOptions,
    private readonly delivered: DeliveredMessageIds,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** A consumer with what an earlier run in `outDir` remembered. */
  static async open(options: ConsumerOptions): Promise<RegionalConsumer> {
    await mkdir(options.outDir, { recursive: true });
    return new RegionalConsumer(options, await DeliveredMessageIds.open(options.outDir));
  }

  /** How many messages are held, not yet deleted, waiting for the rest of their batch. */
  get held(): number {
    let count = 0;
    for (const batch of this.pending.values()) count += batch.records.size + (batch.completed ? 1 : 0);
    return count;
  }

  /**
   * Polls until `signal` aborts, or with `untilEmpty` until one round of receives brings nothing.
   * Held messages have their visibility renewed each round; batches incomplete too long are reported.
   */
  async run(options: { readonly untilEmpty?: boolean; readonly signal?: AbortSignal } = {}): Promise<ConsumerTally> {
    while (!options.signal?.aborted) {
      const received = await this.pollOnce(options.signal);
      await this.renewHeld();
      this.reportIncomplete();
      if (options.untilEmpty && received === 0) break;
    }
    return this.tally;
  }

  /** One receive on each polled queue (up to ten messages each); answers how many messages came. */
  async pollOnce(signal?: AbortSignal): Promise<number> {
    let count = 0;
    const queues = [this.options.queueUrl, ...(this.options.deadLetterQueueUrl ? [this.options.deadLetterQueueUrl] : [])];
    for (const queueUrl of queues) {
      const receive = new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: SQS_BATCH_MAX,
        WaitTimeSeconds: this.options.waitSeconds,
        VisibilityTimeout: this.options.holdSeconds,
        MessageAttributeNames: ['All'],
      });
      let messages: Message[];
      try {
        ({ Messages: messages = [] } = await this.options.sqs.send(receive, signal ? { abortSignal: signal } : {}));
      } catch (error) {
        // Ctrl-C during a long poll: stop at once; nothing was received.
        if (signal?.aborted) return count;
        throw error;
      }
      for (const message of messages) await this.take(queueUrl, message);
      count += messages.length;
    }
    this.tally.received += count;
    return count;
  }

  /**
   * Gives the held messages back to the queue at once (visibility 0), so that the next run takes
   * them without waiting for their hold to run out. What was written stays remembered.
   */
  async release(): Promise<void> {
    const deliveries = [...this.pending.values()].flatMap((batch) => heldDeliveries(batch));
    await this.changeVisibility(deliveries, 0);
    this.pending.clear();
  }

  /**
   * Sends validation decisions and correction requests (messages.md, Recipient → hub) on the
   * inbound queue, each checked against its published schema first; a message that fails is not
   * sent. A missing `schemaVersion`, `messageId` or `sentAt` is filled in.
   * @returns how many were sent and how many were not
   */
  async send(messages: readonly unknown[]): Promise<{ sent: number; notSent: number }> {
    const { recipient, inboundQueueUrl } = this.options;
    if (!isReturning(recipient)) throw new Error(`${recipient} sends nothing back to the hub (messages.md: only VDAB and ACTIRIS do)`);
    if (inboundQueueUrl === undefined) throw new Error(`no inbound queue URL for ${recipient}`);
    let sent = 0;
    let notSent = 0;
    for (const [index, raw] of messages.entries()) {
      const message = withEnvelope(raw, this.now());
      const checked = this.options.contract.checkInbound(message);
      if (!checked.ok) {
        notSent++;
        this.options.report(`not sent: message ${index + 1} of the file: ${checked.reason}`);
        continue;
      }
      const { type, messageId } = checked.message;
      const answer = await this.options.sqs.send(
        new SendMessageCommand({
          QueueUrl: inboundQueueUrl,
          MessageBody: JSON.stringify(message),
          MessageAttributes: { type: { DataType: 'String', StringValue: type } },
        }),
      );
      sent++;
      this.options.report(`sent ${type} ${messageId} (SQS message id ${answer.MessageId ?? '?'})`);
    }
    return { sent, notSent };
  }

  private async take(queueUrl: string, sqsMessage: Message): Promise<void> {
    const delivery: Delivery = {
      queueUrl,
      sqsMessageId: sqsMessage.MessageId ?? '',
      receiptHandle: sqsMessage.ReceiptHandle ?? '',
      hiddenUntil: this.now() + this.options.holdSeconds * 1000,
    };
    const body = sqsMessage.Body ?? '';
    const checked = this.options.contract.checkOutbound(this.options.recipient, body, sqsMessage.MessageAttributes?.type?.StringValue);
    if (!checked.ok) {
      await this.keepAside(`${delivery.sqsMessageId}.json`, checked.reason, [{ delivery, body }]);
      return;
    }
    const message = checked.message;
    if (this.delivered.has(message.messageId)) {
      this.tally.duplicates++;
      await this.deleteAll([delivery]);
      return;
    }
    switch (message.type) {
      case 'batch.records':
      case 'batch.completed':
        await this.hold(message as BatchRecordsMessage | BatchCompletedMessage, delivery);
        return;
      default:
        await this.answer(message, delivery);
    }
  }

  /** `correction.outcome` and `message.refused`: printed, kept in `answers.ndjson`, remembered, deleted. */
  private async answer(message: Envelope, delivery: Delivery): Promise<void> {
    const fields = message as unknown as Record<string, string>;
    const line =
      message.type === 'message.refused'
        ? `message.refused: the hub refused your message ${fields.refusedMessageId}: ${fields.code}`
        : `correction.outcome: correction request ${fields.requestId} ${fields.decision}`;
    await appendFile(join(this.options.outDir, 'answers.ndjson'), `${JSON.stringify(message)}\n`);
    await this.delivered.remember([message.messageId]);
    this.tally.answers++;
    this.options.report(line);
    await this.deleteAll([delivery]);
  }

  private async hold(message: BatchRecordsMessage | BatchCompletedMessage, delivery: Delivery): Promise<void> {
    let batch = this.pending.get(message.batchId);
    if (batch === undefined) {
      batch = { batchId: message.batchId, firstSeenAt: this.now(), records: new Map(), reportedIncomplete: false };
      this.pending.set(message.batchId, batch);
    }
    const existing = message.type === 'batch.records' ? batch.records.get(message.seq) : batch.completed;
    if (existing !== undefined) {
      if (existing.message.messageId === message.messageId || sameContent(existing.message, message)) {
        // The same message again (at least once), or sent twice: one copy counts, every copy is deleted with its batch.
        this.tally.duplicates++;
        addDelivery(existing, delivery);
        return;
      }
      const what = message.type === 'batch.records' ? `seq ${message.seq}` : 'batch.completed';
      await this.keepAside(`${delivery.sqsMessageId}.json`, `batch ${message.batchId} already holds another ${what}`, [
        { delivery, body: JSON.stringify(message) },
      ]);
      return;
    }
    const held = { message, deliveries: [delivery] };
    if (message.type === 'batch.records') batch.records.set(message.seq, held as HeldMessage<BatchRecordsMessage>);
    else batch.completed = held as HeldMessage<BatchCompletedMessage>;
    await this.completeIfWhole(batch);
  }

  /** A batch is whole when it holds `messages` distinct `seq` (messages.md); then it must add up. */
  private async completeIfWhole(batch: PendingBatch): Promise<void> {
    const completed = batch.completed?.message;
    if (completed === undefined || batch.records.size < completed.messages) return;
    this.pending.delete(batch.batchId);
    const problem = this.disagreement(batch, completed);
    if (problem !== undefined) {
      const messages = [...heldMessages(batch)];
      await this.keepAside(
        `batch-${batch.batchId}.json`,
        problem,
        messages.map((m) => ({ delivery: m.deliveries[0] as Delivery, body: JSON.stringify(m.message) })),
        messages.flatMap((m) => m.deliveries),
        messages.map((m) => m.message.messageId),
      );
      return;
    }
    const seqs = [...batch.records.keys()].sort((a, b) => a - b);
    const records = seqs.flatMap((seq) => batch.records.get(seq)?.message.records ?? []);
    const base = join(this.options.outDir, completed.period, completed.batchId);
    // The totals first, then the records: a batch's NDJSON file exists only when it is whole.
    await writeAtomically(`${base}.completed.json`, `${JSON.stringify(completed, null, 2)}\n`);
    await writeAtomically(`${base}.ndjson`, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const held = [...heldMessages(batch)];
    await this.delivered.remember(held.map((m) => m.message.messageId));
    await this.deleteAll(held.flatMap((m) => m.deliveries));
    this.tally.batchesWritten++;
    this.tally.recordsWritten += records.length;
    const amount = completed.amount === undefined ? '' : `, € ${completed.amount}`;
    this.options.report(
      `batch ${completed.batchId} (${completed.period}) written: ${plural(records.length, 'record')} in ${plural(seqs.length, 'message')}${amount} → ${base}.ndjson`,
    );
  }

  /** Why a whole batch does not agree with its `batch.completed`, or undefined when it does. */
  private disagreement(batch: PendingBatch, completed: BatchCompletedMessage): string | undefined {
    const seqs = [...batch.records.keys()];
    const outOfRange = seqs.filter((seq) => seq > completed.messages);
    if (outOfRange.length > 0) return `batch.completed counts ${completed.messages} messages but seq ${outOfRange.join(', ')} arrived`;
    const records = [...batch.records.values()].reduce((sum, m) => sum + m.message.records.length, 0);
    if (records !== completed.records) return `batch.completed counts ${completed.records} records, the messages hold ${records}`;
    if (isReturning(this.options.recipient)) {
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

  /** Writes what failed to `<out>/rejected/<name>` with the reason, reports it, and only then deletes it from the queue. */
  private async keepAside(
    name: string,
    reason: string,
    messages: ReadonlyArray<{ readonly delivery: Delivery; readonly body: string }>,
    deliveries: readonly Delivery[] = messages.map((m) => m.delivery),
    messageIds: readonly string[] = [],
  ): Promise<void> {
    const path = join(this.options.outDir, 'rejected', name);
    const kept = {
      reason,
      keptAt: new Date(this.now()).toISOString(),
      messages: messages.map((m) => ({ queueUrl: m.delivery.queueUrl, sqsMessageId: m.delivery.sqsMessageId, body: m.body })),
    };
    await writeAtomically(path, `${JSON.stringify(kept, null, 2)}\n`);
    // Copies that come back later are duplicates of what is kept here, not a new batch.
    await this.delivered.remember(messageIds);
    this.tally.rejected += messages.length;
    this.options.report(`kept aside (${plural(messages.length, 'message')}): ${reason} → ${path}`);
    await this.deleteAll(deliveries);
  }

  private reportIncomplete(): void {
    for (const batch of this.pending.values()) {
      if (batch.reportedIncomplete || this.now() - batch.firstSeenAt < this.options.incompleteAfterMs) continue;
      batch.reportedIncomplete = true;
      this.tally.incompleteReported++;
      const completed = batch.completed?.message;
      const seconds = Math.round((this.now() - batch.firstSeenAt) / 1000);
      const state =
        completed === undefined
          ? `${plural(batch.records.size, 'batch.records message')} held, no batch.completed yet`
          : `${batch.records.size} of ${completed.messages} batch.records messages held (missing seq ${missingSeqs(batch, completed.messages)})`;
      this.options.report(`batch ${batch.batchId} still incomplete after ${seconds} s: ${state}`);
    }
  }

  /** Keeps held messages invisible: those whose hold has run half its time get a new one. */
  private async renewHeld(): Promise<void> {
    const due = this.now() + (this.options.holdSeconds * 1000) / 2;
    const deliveries = [...this.pending.values()].flatMap((batch) => heldDeliveries(batch)).filter((d) => d.hiddenUntil <= due);
    await this.changeVisibility(deliveries, this.options.holdSeconds);
    for (const delivery of deliveries) delivery.hiddenUntil = this.now() + this.options.holdSeconds * 1000;
  }

  private async changeVisibility(deliveries: readonly Delivery[], seconds: number): Promise<void> {
    for (const [queueUrl, group] of byQueue(deliveries)) {
      for (let i = 0; i < group.length; i += SQS_BATCH_MAX) {
        const chunk = group.slice(i, i + SQS_BATCH_MAX);
        await this.options.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((d, n) => ({ Id: String(n), ReceiptHandle: d.receiptHandle, VisibilityTimeout: seconds })),
          }),
        );
      }
    }
  }

  private async deleteAll(deliveries: readonly Delivery[]): Promise<void> {
    for (const [queueUrl, group] of byQueue(deliveries)) {
      for (let i = 0; i < group.length; i += SQS_BATCH_MAX) {
        const chunk = group.slice(i, i + SQS_BATCH_MAX);
        const result = await this.options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((d, n) => ({ Id: String(n), ReceiptHandle: d.receiptHandle })),
          }),
        );
        // Not deleted: it comes back, and is dropped then as a duplicate (its id is remembered).
        for (const failure of result.Failed ?? [])
          this.options.report(`could not delete a message (${failure.Code}); it will be dropped when it comes back`);
      }
    }
  }
}

function* heldMessages(batch: PendingBatch): Iterable<HeldMessage<BatchRecordsMessage | BatchCompletedMessage>> {
  yield* batch.records.values();
  if (batch.completed) yield batch.completed;
}

function heldDeliveries(batch: PendingBatch): Delivery[] {
  return [...heldMessages(batch)].flatMap((m) => m.deliveries);
}

/** The same SQS message received again replaces its receipt handle; another copy is added. */
function addDelivery(held: HeldMessage<Envelope>, delivery: Delivery): void {
  const same = held.deliveries.find((d) => d.sqsMessageId === delivery.sqsMessageId);
  if (same === undefined) held.deliveries.push(delivery);
  else {
    same.receiptHandle = delivery.receiptHandle;
    same.hiddenUntil = delivery.hiddenUntil;
  }
}

function sameContent(a: Envelope, b: Envelope): boolean {
  const { messageId: _a, sentAt: _sa, ...restA } = a;
  const { messageId: _b, sentAt: _sb, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

function missingSeqs(batch: PendingBatch, messages: number): string {
  const missing: number[] = [];
  for (let seq = 1; seq <= messages && missing.length < 10; seq++) if (!batch.records.has(seq)) missing.push(seq);
  return missing.join(', ');
}

function byQueue(deliveries: readonly Delivery[]): Map<string, Delivery[]> {
  const groups = new Map<string, Delivery[]>();
  for (const delivery of deliveries) groups.set(delivery.queueUrl, [...(groups.get(delivery.queueUrl) ?? []), delivery]);
  return groups;
}

function withEnvelope(raw: unknown, now: number): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  return { schemaVersion: 1, messageId: randomUUID(), sentAt: new Date(now).toISOString(), ...raw };
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${count === 1 ? noun : `${noun}s`}`;
}

/** The messages of a `--send` file: a JSON array, one JSON object, or one object per line (NDJSON). */
export async function readMessagesFile(path: string): Promise<unknown[]> {
  const text = (await readFile(path, 'utf8')).trim();
  if (text === '') return [];
  try {
    const whole = JSON.parse(text) as unknown;
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, index) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new Error(`${path} line ${index + 1} is not JSON`);
        }
      });
  }
}
