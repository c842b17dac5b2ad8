import { RECIPIENTS, RETURNING_RECIPIENTS, type Recipient, type ReturningRecipient } from '../domain/recipients';

/** The hub's queues (shared/topology.ts): their settings, names and environment variables, and their dead-letter queues. */

export const DAY_SECONDS = 86_400;

/** How long each function may run; queue visibility timeouts derive from it (AWS: at least 6×). */
export const FUNCTION_TIMEOUT_SECONDS = {
  splitBatch: 900,
  returnFlows: 30,
  /** A re-delivery sends a whole archived batch again: as long as split-batch took to send it. */
  operatorRedeliver: 900,
  /** An operator's query: one or a few DynamoDB queries. */
  operatorQuery: 30,
  /** An operator's reprocessing of up to 1,000 dead letters, each as long as a return message takes. */
  operatorReprocessDeadLetters: 300,
  /** The scheduled check of the batches: two queries of the batches table's index. */
  batchWatch: 30,
} as const;

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
  /** Hub → PPS: batch.outcome, validation.decision, correction.request, message.refused. */
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
