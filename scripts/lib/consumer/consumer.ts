import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { answerLine } from './answers';
import type { BatchCompletedMessage, BatchRecordsMessage, Envelope } from './contract';
import {
  addDelivery,
  type Delivery,
  disagreement,
  type HeldMessage,
  heldDeliveries,
  heldMessages,
  missingSeqs,
  type PendingBatch,
  sameContent,
} from './held-batch';
import { DeliveredMessageIds, writeAtomically } from './memory';
import type { ConsumerOptions, ConsumerTally } from './options';
import { sendToHub } from './send-to-hub';
import { changeVisibility, deleteAll, SQS_BATCH_MAX } from './sqs-batches';

/**
 * A reference consumer of a region (docs/region.md) or of the PPS: it polls the party's outbound
 * queue (the PPS: `outbound-pps` and `outbound-ocmw`), checks every message against its published
 * schema, drops duplicates by `messageId` (remembered on disk), assembles each batch until its
 * `batch.completed` and its records agree, writes the batch atomically as NDJSON and only then
 * deletes its messages; every other message is printed, kept in `answers.ndjson` and deleted.
 * It uses the AWS SDK and the schema files, nothing of the hub's code.
 */

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
    incompleteAtStop: 0,
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
    const { queueUrl, deadLetterQueueUrl, otherQueueUrls = [] } = this.options;
    const queues = [queueUrl, ...otherQueueUrls, ...(deadLetterQueueUrl ? [deadLetterQueueUrl] : [])];
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
    for (const batch of this.pending.values()) {
      this.tally.incompleteAtStop++;
      this.options.report(
        `batch ${batch.batchId} incomplete: ${incompleteState(batch)}; its messages go back to the queue for the next run`,
      );
    }
    const deliveries = [...this.pending.values()].flatMap((batch) => heldDeliveries(batch));
    await changeVisibility(this.options.sqs, deliveries, 0);
    this.pending.clear();
  }

  /**
   * Sends validation decisions and correction requests (messages.md, Recipient → hub) on the
   * inbound queue, each checked against its published schema first; a message that fails is not
   * sent. A missing `schemaVersion`, `messageId` or `sentAt` is filled in.
   * @returns how many were sent and how many were not
   */
  async send(messages: readonly unknown[]): Promise<{ sent: number; notSent: number }> {
    return sendToHub(this.options, this.now, messages);
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
      await deleteAll(this.options.sqs, [delivery], this.options.report);
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

  /**
   * Everything but a batch's messages (`correction.outcome`, `message.refused`; for the PPS each
   * `batch.outcome`, decision and correction): printed, kept in `answers.ndjson`, remembered, deleted.
   */
  private async answer(message: Envelope, delivery: Delivery): Promise<void> {
    const line = answerLine(message);
    await appendFile(join(this.options.outDir, 'answers.ndjson'), `${JSON.stringify(message)}\n`);
    await this.delivered.remember([message.messageId]);
    this.tally.answers++;
    this.options.report(line);
    await deleteAll(this.options.sqs, [delivery], this.options.report);
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
    const problem = disagreement(batch, completed, this.options.recipient);
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
    await deleteAll(
      this.options.sqs,
      held.flatMap((m) => m.deliveries),
      this.options.report,
    );
    this.tally.batchesWritten++;
    this.tally.recordsWritten += records.length;
    const amount = completed.amount === undefined ? '' : `, € ${completed.amount}`;
    this.options.report(
      `batch ${completed.batchId} (${completed.period}) written: ${plural(records.length, 'record')} in ${plural(seqs.length, 'message')}${amount} → ${base}.ndjson`,
    );
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
    await deleteAll(this.options.sqs, deliveries, this.options.report);
  }

  private reportIncomplete(): void {
    for (const batch of this.pending.values()) {
      if (batch.reportedIncomplete || this.now() - batch.firstSeenAt < this.options.incompleteAfterMs) continue;
      batch.reportedIncomplete = true;
      this.tally.incompleteReported++;
      const seconds = Math.round((this.now() - batch.firstSeenAt) / 1000);
      this.options.report(`batch ${batch.batchId} still incomplete after ${seconds} s: ${incompleteState(batch)}`);
    }
  }

  /** Keeps held messages invisible: those whose hold has run half its time get a new one. */
  private async renewHeld(): Promise<void> {
    const due = this.now() + (this.options.holdSeconds * 1000) / 2;
    const deliveries = [...this.pending.values()].flatMap((batch) => heldDeliveries(batch)).filter((d) => d.hiddenUntil <= due);
    await changeVisibility(this.options.sqs, deliveries, this.options.holdSeconds);
    for (const delivery of deliveries) delivery.hiddenUntil = this.now() + this.options.holdSeconds * 1000;
  }
}

/** What a batch still lacks, in words: the `seq`s missing, or its `batch.completed`. */
function incompleteState(batch: PendingBatch): string {
  const completed = batch.completed?.message;
  return completed === undefined
    ? `${plural(batch.records.size, 'batch.records message')} held, no batch.completed yet`
    : `${batch.records.size} of ${completed.messages} batch.records messages held (missing seq ${missingSeqs(batch, completed.messages)})`;
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${count === 1 ? noun : `${noun}s`}`;
}
