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

/**
 * Lambda's SQS event source mappings, played locally: poll each function's trigger queues, invoke
 * its handler with the event Lambda builds, then delete what succeeded and let the rest be
 * received again, so that the redrive policy dead-letters it after five receives.
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
}

/** The event source mappings of the wired functions. */
export class EventSourceMappings {
  constructor(private readonly props: EventSourceMappingsProps) {}

  /** Polls every trigger queue until a whole round receives nothing. */
  async drain(options: { maxRounds?: number } = {}): Promise<void> {
    const maxRounds = options.maxRounds ?? 1000;
    for (let round = 0; round < maxRounds; round += 1) {
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
          await this.invoke(fn, queue, messages);
        }
      }
      if (received === 0) return;
    }
    throw new Error(`drain(): trigger queues still had messages after ${maxRounds} rounds`);
  }

  private async invoke(fn: WiredFunction, queue: QueueSpec, messages: readonly Message[]): Promise<void> {
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
    await this.settle(queue, messages, outcome);
  }

  private async settle(queue: QueueSpec, messages: readonly Message[], outcome: InvocationOutcome): Promise<void> {
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
    // Lambda leaves a failed record invisible for the queue's visibility timeout; locally it is
    // made visible at once so the next round retries it, and the redrive policy still counts
    // every receive towards the dead-letter queue.
    for (const batch of chunks(retry, SQS_BATCH_MAX)) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }
}
