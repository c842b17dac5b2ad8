import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { expect } from 'vitest';
import { type LocalFunction, type LocalHandler, loadFunctionHandler } from '../../local/event-source-mapping';
import { type LocalStandIn, startLocalStandIn } from '../../local/stand-in';
import { LOCAL_RECIPIENT_KBOS } from '../../local/stand-in-environment';
import { BUCKETS, FUNCTIONS, type FunctionSpec } from '../../shared/topology';
import type { FaultCounts, FaultProxy } from './fault-proxy';
import { directClients, PartyInboxes, playReturnFlowScript, type StoreState, storeState } from './hub-state';

/**
 * A run of the fault and outage tests: one batch file and the return-flow script, on a fresh
 * stand-in whose unchanged functions reach its services through a fault-injecting proxy, every
 * receive of every message logged on the stand-in's clock (the functions' clock too).
 */

/** One receive of one SQS message by a function, on the stand-in's clock. */
export interface Receive {
  /** The trigger queue's name. */
  readonly queue: string;
  readonly sqsMessageId: string;
  /** SQS's receive count: 1 the first time. */
  readonly receiveCount: number;
  /** When it was received, in milliseconds on the stand-in's clock. */
  readonly at: number;
  /** Whether its handling failed (a batch item failure, or the whole invocation). */
  failed: boolean;
}

export interface FaultRun {
  readonly inboxes: PartyInboxes;
  readonly state: StoreState;
  readonly counts: FaultCounts;
  readonly injected: number;
  readonly receives: readonly Receive[];
  /** The stand-in's clock when the file was put, and when the run ended. */
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface FaultRunOptions {
  /** One proxy for every run, on the same ports: a function module keeps the clients it built (a warm Lambda). */
  readonly proxy: FaultProxy;
  readonly seed: number;
  /** Share of requests faulted at random. */
  readonly rate: number;
  readonly fileBytes: Uint8Array;
  readonly key: string;
  /** Before the file is put: outages of the batch path. */
  readonly arrange?: (proxy: FaultProxy, standIn: LocalStandIn) => void;
  /** Once the batch is delivered, before the return flows: outages of the return path. */
  readonly beforeReturnFlows?: (proxy: FaultProxy, standIn: LocalStandIn) => void;
  /** Told of each invocation's failed messages, with the function. */
  readonly onFailed?: (spec: FunctionSpec, sqsMessageIds: readonly string[]) => void;
}

/** Each topology function, unchanged, with every receive of each of its messages logged in `receives`. */
function loggedFunctions(standIn: () => LocalStandIn | undefined, receives: Receive[], options: FaultRunOptions): LocalFunction[] {
  return Object.values(FUNCTIONS).map((spec) => {
    let handler: LocalHandler | undefined;
    return {
      spec,
      handler: async (event: SQSEvent, context) => {
        handler ??= await loadFunctionHandler(spec);
        const at = standIn()?.now() ?? Date.now();
        const logged = event.Records.map((r) => {
          const receive: Receive = {
            queue: r.eventSourceARN.slice(r.eventSourceARN.lastIndexOf(':') + 1),
            sqsMessageId: r.messageId,
            receiveCount: Number(r.attributes.ApproximateReceiveCount),
            at,
            failed: false,
          };
          receives.push(receive);
          return receive;
        });
        const fail = (ids: readonly string[]) => {
          for (const receive of logged) if (ids.includes(receive.sqsMessageId)) receive.failed = true;
          if (ids.length > 0) options.onFailed?.(spec, ids);
        };
        try {
          const response = (await handler(event, context)) as SQSBatchResponse | undefined;
          fail((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
          return response;
        } catch (error) {
          fail(event.Records.map((r) => r.messageId));
          throw error;
        }
      },
    };
  });
}

/** One batch and the return-flow script, the functions behind the proxy at `rate`; retries wait on the stand-in's clock. */
export async function runBatchAndReturnFlows(options: FaultRunOptions): Promise<FaultRun> {
  const { proxy } = options;
  const receives: Receive[] = [];
  let running: LocalStandIn | undefined;
  const standIn = await startLocalStandIn({
    functions: loggedFunctions(() => running, receives, options),
    routeFunctions: async (upstream) => {
      proxy.restart({ seed: options.seed, rate: options.rate, upstream });
      return proxy.ports;
    },
  });
  running = standIn;
  const clients = directClients(standIn);
  try {
    const startedAt = standIn.now();
    options.arrange?.(proxy, standIn);
    const inboxes = new PartyInboxes();
    await clients.s3.send(new PutObjectCommand({ Bucket: BUCKETS.inbound.name, Key: options.key, Body: options.fileBytes }));
    expect(await standIn.notifyNewObjects()).toBe(1);
    await standIn.drain({ waitForRetries: true });
    await inboxes.collect(standIn);
    options.beforeReturnFlows?.(proxy, standIn);
    await playReturnFlowScript(standIn, clients, inboxes, LOCAL_RECIPIENT_KBOS, () => standIn.drain({ waitForRetries: true }));
    const state = await storeState(standIn, clients);
    return { inboxes, state, counts: proxy.counts, injected: proxy.injected, receives, startedAt, endedAt: standIn.now() };
  } finally {
    clients.destroy();
    await standIn.stop();
  }
}

/** How many receives of each message failed, by trigger queue name. */
export function failedReceivesOf(receives: readonly Receive[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const receive of receives) {
    if (!receive.failed) continue;
    const counts = out.get(receive.queue) ?? new Map<string, number>();
    out.set(receive.queue, counts);
    counts.set(receive.sqsMessageId, (counts.get(receive.sqsMessageId) ?? 0) + 1);
  }
  return out;
}

/** The messages that failed `maxReceives` receives, counted by the dead-letter queue they went to. */
export function deadLetteredByFailures(receives: readonly Receive[], maxReceives = 5): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [queue, counts] of failedReceivesOf(receives)) {
    const failedAll = [...counts.values()].filter((n) => n >= maxReceives).length;
    if (failedAll > 0) out[`${queue}-dlq`] = failedAll;
  }
  return out;
}
