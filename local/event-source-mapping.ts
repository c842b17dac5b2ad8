import type { Logger } from '@aws-lambda-powertools/logger';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { FUNCTIONS, type FunctionSpec, type QueueSpec } from '../shared/topology';
import type { CreatedQueue } from './emulated-topology';
import { type InvocationOutcome, lambdaContextFor, outcomeOf, sqsEventOf } from './event-source';
import type { StandInClock } from './stand-in-clock';

/**
 * Lambda's SQS event source mappings, played locally: poll each function's trigger queues, invoke
 * its handler with the event Lambda builds, then delete what succeeded and leave the rest
 * invisible until its visibility timeout has passed on the stand-in's clock (the queue's, or the
 * one the function set by ChangeMessageVisibility while it ran); then it is received again, and
 * fauxqs's redrive policy dead-letters it on the receive after `maxReceiveCount`.
 */

/** SQS allows at most 10 messages per ReceiveMessage, DeleteMessageBatch and ChangeMessageVisibilityBatch. */
export const SQS_BATCH_MAX = 10;

export type LocalHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

/** A function wired to its triggers with a handler given in code (tests), not loaded from its entry. */
export interface LocalFunction {
  readonly spec: FunctionSpec;
  readonly handler: LocalHandler;
}

interface WiredFunction {
  readonly spec: FunctionSpec;
  load(): Promise<LocalHandler>;
}

/**
 * Imports a function's entry module (path relative to the project root) and returns its
 * `handler`. Only `handler` is used: the stand-in knows nothing else of a function.
 */
export async function loadFunctionHandler(spec: FunctionSpec): Promise<LocalHandler> {
  const url = new URL(`../${spec.entry}`, import.meta.url).href;
  const module = (await import(url)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${spec.entry} exports no handler function`);
  return module.handler as LocalHandler;
}

/** `'all'`: the topology's functions, each loaded from its entry on first use; `'none'`; or the given handlers. */
export function wireFunctions(functions: 'all' | 'none' | readonly LocalFunction[]): WiredFunction[] {
  if (functions === 'none') return [];
  if (functions === 'all') {
    return Object.values(FUNCTIONS).map((spec): WiredFunction => {
      let loaded: Promise<LocalHandler> | undefined;
      return {
        spec,
        load: () => {
          // Imported on first message, after the environment is set: modules read it on import.
          loaded ??= loadFunctionHandler(spec).catch((error: unknown) => {
            loaded = undefined; // a failed import is tried again on the next message
            throw error;
          });
          return loaded;
        },
      };
    });
  }
  return functions.map(({ spec, handler }) => ({ spec, load: async () => handler }));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface EventSourceMappingsProps {
  readonly sqs: SQSClient;
  readonly region: string;
  readonly queue: (spec: QueueSpec) => CreatedQueue;
  readonly functions: readonly WiredFunction[];
  /** The hub's logger, imported once the stand-in has set the environment it reads. */
  readonly logger: Pick<Logger, 'warn' | 'error'>;
  /** The clock on which visibility timeouts run out. */
  readonly clock: StandInClock;
}

/** A received message whose processing failed, invisible until `visibleAt` on the stand-in's clock. */
interface HiddenMessage {
  readonly queue: QueueSpec;
  readonly receiptHandle: string;
  readonly visibleAt: number;
}

export interface DrainOptions {
  /** Rounds at most (default 1000); beyond them `drain()` throws. */
  readonly maxRounds?: number;
  /**
   * Also wait for the retries: whenever no message is visible but a failed one is hidden, advance
   * the clock to its visibility deadline and go on, until none is hidden (each has been deleted or
   * dead-lettered). Default false: failed messages stay hidden until the clock passes their deadline.
   */
  readonly waitForRetries?: boolean;
}

/** The event source mappings of the wired functions. */
export class EventSourceMappings {
  /** Failed messages, not yet visible again on the stand-in's clock. */
  private hidden: HiddenMessage[] = [];
  /** When a message becomes visible again on the stand-in's clock, by receipt handle, as a function last set it. */
  private readonly visibilitySet = new Map<string, number>();

  constructor(private readonly props: EventSourceMappingsProps) {}

  /**
   * Takes note of a visibility timeout set on fauxqs (ChangeMessageVisibility, one or a batch): it
   * runs from now on the stand-in's clock, as SQS's from the call. fauxqs keeps its own on the
   * process's clock; the stand-in makes the message visible when its own has passed.
   */
  observeSqsRequest(operation: string, body: Readonly<Record<string, unknown>>): void {
    const set = (entry: unknown): void => {
      const { ReceiptHandle: handle, VisibilityTimeout: seconds } = (entry ?? {}) as {
        ReceiptHandle?: unknown;
        VisibilityTimeout?: unknown;
      };
      if (typeof handle === 'string' && typeof seconds === 'number')
        this.visibilitySet.set(handle, this.props.clock.now() + seconds * 1000);
    };
    if (operation === 'ChangeMessageVisibility') set(body);
    else if (operation === 'ChangeMessageVisibilityBatch' && Array.isArray(body.Entries)) for (const entry of body.Entries) set(entry);
  }

  /** When the next hidden message becomes visible, on the stand-in's clock; undefined if none is hidden. */
  nextVisibleAt(): number | undefined {
    return this.hidden.length === 0 ? undefined : Math.min(...this.hidden.map((h) => h.visibleAt));
  }

  /**
   * Polls every trigger queue until a whole round receives nothing; a failed message is received
   * again once its visibility timeout has passed on the stand-in's clock.
   */
  async drain(options: DrainOptions = {}): Promise<void> {
    const maxRounds = options.maxRounds ?? 1000;
    for (let round = 0; round < maxRounds; round += 1) {
      await this.releaseDue();
      let received = 0;
      for (const fn of this.props.functions) {
        for (const queue of fn.spec.triggers) {
          const { Messages: messages = [] } = await this.props.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: this.props.queue(queue).url,
              MaxNumberOfMessages: Math.min(fn.spec.batchSize, SQS_BATCH_MAX),
              MessageAttributeNames: ['All'],
              MessageSystemAttributeNames: ['All'],
              WaitTimeSeconds: 0,
            }),
          );
          if (messages.length === 0) continue;
          received += messages.length;
          await this.invoke(fn, queue, messages, this.props.clock.now());
        }
      }
      if (received > 0) continue;
      const next = options.waitForRetries === true ? this.nextVisibleAt() : undefined;
      if (next === undefined) return;
      this.props.clock.advance(Math.max(0, next - this.props.clock.now()));
    }
    throw new Error(`drain(): trigger queues still had messages after ${maxRounds} rounds`);
  }

  /**
   * Makes visible again, in fauxqs, every hidden message whose visibility timeout has passed on the
   * stand-in's clock. A receipt handle fauxqs no longer knows (its own timeout, on the process's
   * clock, ran out first) needs nothing: the message is visible already.
   */
  private async releaseDue(): Promise<void> {
    const now = this.props.clock.now();
    const due = this.hidden.filter((h) => h.visibleAt <= now);
    if (due.length === 0) return;
    this.hidden = this.hidden.filter((h) => h.visibleAt > now);
    const byQueue = new Map<QueueSpec, HiddenMessage[]>();
    for (const h of due) byQueue.set(h.queue, [...(byQueue.get(h.queue) ?? []), h]);
    for (const [queue, messages] of byQueue) {
      for (const batch of chunks(messages, SQS_BATCH_MAX)) {
        for (const h of batch) this.visibilitySet.delete(h.receiptHandle);
        await this.props.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.props.queue(queue).url,
            Entries: batch.map((h, i) => ({ Id: String(i), ReceiptHandle: h.receiptHandle, VisibilityTimeout: 0 })),
          }),
        );
      }
    }
  }

  private async invoke(fn: WiredFunction, queue: QueueSpec, messages: readonly Message[], receivedAt: number): Promise<void> {
    const { logger, region } = this.props;
    const event = sqsEventOf(messages, this.props.queue(queue).arn, region);
    const context = lambdaContextFor(fn.spec, region);
    let outcome: InvocationOutcome;
    try {
      const handler = await fn.load();
      outcome = outcomeOf(await handler(event, context), event);
      if (outcome.kind === 'failed') {
        logger.error('Local event source: unusable batch response, whole batch fails', {
          function: fn.spec.name,
          queue: queue.name,
          reason: outcome.reason,
        });
      }
    } catch (error) {
      // Lambda logs the error and retries the whole batch; so does the stand-in.
      outcome = { kind: 'failed', reason: 'handler threw' };
      logger.error('Local event source: invocation failed, whole batch fails', { function: fn.spec.name, queue: queue.name, error });
    }
    await this.settle(queue, messages, outcome, receivedAt);
  }

  private async settle(queue: QueueSpec, messages: readonly Message[], outcome: InvocationOutcome, receivedAt: number): Promise<void> {
    const { sqs, logger } = this.props;
    const { url } = this.props.queue(queue);
    const failed = new Set(outcome.kind === 'failed' ? messages.map((m) => m.MessageId) : outcome.failed);
    const done = messages.filter((m) => !failed.has(m.MessageId));
    const retry = messages.filter((m) => failed.has(m.MessageId));
    for (const batch of chunks(done, SQS_BATCH_MAX)) {
      const result = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      if ((result.Failed ?? []).length > 0) logger.warn('Local event source: delete failed', { queue: queue.name, failed: result.Failed });
    }
    // Lambda leaves a failed record alone: it stays invisible until the visibility timeout that
    // began when it was received runs out, or the one the function set while it ran. fauxqs keeps
    // it in flight on the process's clock; the stand-in makes it visible when the timeout has
    // passed on its own clock.
    for (const m of retry) {
      if (m.ReceiptHandle === undefined) continue;
      const visibleAt = this.visibilitySet.get(m.ReceiptHandle) ?? receivedAt + queue.visibilityTimeoutSeconds * 1000;
      this.visibilitySet.delete(m.ReceiptHandle);
      this.hidden.push({ queue, receiptHandle: m.ReceiptHandle, visibleAt });
    }
    for (const m of done) if (m.ReceiptHandle !== undefined) this.visibilitySet.delete(m.ReceiptHandle);
  }
}
