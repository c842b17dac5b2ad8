import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '../shared/adapters/aws-clients';
import { RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import { QUEUES } from '../shared/topology';
import type { LocalStandIn } from './stand-in';

/** The progress of a local run (run-file.ts) and how the processing stage is reported while the functions run. */

/** What a local run is doing, for a progress display: the upload, the hub's processing, the reading of each recipient's queue. */
export type LocalRunProgress =
  | { readonly stage: 'upload'; readonly bytes: number; readonly totalBytes: number }
  | { readonly stage: 'processing'; readonly elapsedMs: number; readonly messagesQueued: number }
  | { readonly stage: 'receiving'; readonly recipient: Recipient; readonly records: number };

/** How often the processing stage reports while the functions run. */
const PROCESSING_REPORT_MS = 500;

/** Messages waiting in the recipients' queues (visible or not): what the hub has delivered so far. */
async function messagesQueued(standIn: LocalStandIn): Promise<number> {
  let total = 0;
  for (const recipient of RECIPIENTS) {
    const { Attributes: attributes = {} } = await sqsClient().send(
      new GetQueueAttributesCommand({
        QueueUrl: standIn.queueUrl(QUEUES.recipientOutbound[recipient]),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    total += Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return total;
}

/** Runs `work`, reporting the processing stage from its start and then every half second until it ends. */
export async function reportingProcessing<T>(
  standIn: LocalStandIn,
  progress: (p: LocalRunProgress) => void,
  work: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  progress({ stage: 'processing', elapsedMs: 0, messagesQueued: 0 });
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    messagesQueued(standIn)
      .then((queued) => progress({ stage: 'processing', elapsedMs: Date.now() - started, messagesQueued: queued }))
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  }, PROCESSING_REPORT_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
