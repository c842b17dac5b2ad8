import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ConsumerParty, PublishedContract } from './contract';

/** What the reference consumer (consumer.ts) is given, and what it counts. */

export interface ConsumerOptions {
  /** The recipient, or the PPS, the consumer reads for. */
  readonly recipient: ConsumerParty;
  /** Where batches, answers, rejected messages and the consumer's memory go. */
  readonly outDir: string;
  readonly sqs: SQSClient;
  readonly contract: PublishedContract;
  /** The recipient's outbound queue. */
  readonly queueUrl: string;
  /** Its dead-letter queue, polled too when given. */
  readonly deadLetterQueueUrl?: string;
  /** Other queues the party reads, polled the same way (the PPS: `outbound-ocmw`, and its DLQ). */
  readonly otherQueueUrls?: readonly string[];
  /** The party's inbound queue, where `send` sends (VDAB, ACTIRIS, the PPS). */
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
  /** Batches still incomplete when the consumer stopped, their messages given back to the queue. */
  incompleteAtStop: number;
}
