import type { DisclosureKeySource } from '../configuration/disclosure-key-source';
import { queueUrlOf } from '../configuration/function-config';
import { returnFlowConfigOf } from '../configuration/return-flow-config';
import type { DeadLetterChannel, DeadLetterQueue, ReprocessDeadLettersDeps } from '../domain/operations/reprocess-dead-letters';
import type { ReturningRecipient } from '../domain/recipients';
import { inszHmac } from '../domain/return-flows/disclosures';
import { type PpsFlowDeps, processPpsMessage, processRegionMessage, type RegionFlowDeps } from '../domain/return-flows/process';
import { functionClock } from '../ports';
import { deadLetterQueueOf, QUEUES } from '../topology';
import { dynamoDocumentClient } from './aws-clients';
import { disclosureKeyReader } from './disclosure-key';
import { DynamoCorrections } from './dynamo-corrections';
import { DynamoDisclosureLog } from './dynamo-disclosures';
import { DynamoPaymentLines } from './dynamo-payment-lines';
import { DynamoRefusedMessages } from './dynamo-refused-messages';
import { SqsDeadLetterQueue } from './sqs-dead-letters';
import { SqsPublisher } from './sqs-publisher';

/**
 * The AWS adapters of the two inbound paths, built one way for every function that runs them:
 * region-inbound and pps-inbound for their own queues, and the operator's reprocessing of their
 * dead letters (the operator-reprocess-dead-letters function and `npm run reprocess-dead-letters`),
 * which must run exactly the same use cases.
 */

/** What the path of VDAB and Actiris reads from a function's configuration. */
export interface RegionFlowSource {
  readonly tables: {
    readonly paymentLines: string;
    readonly corrections: string;
    readonly refusedMessages: string;
    readonly disclosures: string;
  };
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly settings: { readonly recipientKbos: Readonly<Record<ReturningRecipient, string>>; readonly refusedMessageRetentionDays: number };
  readonly disclosureKey: DisclosureKeySource;
}

/** The ports of the path of VDAB and Actiris (validation decisions, correction requests). */
export function regionFlowDependencies(config: RegionFlowSource): RegionFlowDeps {
  const client = dynamoDocumentClient();
  const disclosureKey = disclosureKeyReader(config.disclosureKey);
  return {
    lines: new DynamoPaymentLines(client, config.tables.paymentLines),
    corrections: new DynamoCorrections(client, config.tables.corrections),
    refused: new DynamoRefusedMessages(client, config.tables.refusedMessages),
    // A correction request forwarded to the PPS is a disclosure of the person's data.
    disclosures: new DynamoDisclosureLog(client, config.tables.disclosures),
    publisher: new SqsPublisher(),
    clock: functionClock,
    config: { ...returnFlowConfigOf(config), recipientKbos: config.settings.recipientKbos },
    // A correction's INSZ is compared with the delivered line's keyed hash (LINE_MISMATCH).
    personKey: async (insz) => inszHmac(await disclosureKey(), insz),
  };
}

/** What the path of the PPS reads from a function's configuration (no disclosure key: it checks no INSZ). */
export interface PpsFlowSource {
  readonly tables: { readonly corrections: string; readonly refusedMessages: string; readonly disclosures: string };
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly settings: { readonly refusedMessageRetentionDays: number };
}

/** The ports of the path of the PPS (decisions on corrections). */
export function ppsFlowDependencies(config: PpsFlowSource): PpsFlowDeps {
  const client = dynamoDocumentClient();
  const shared = returnFlowConfigOf(config);
  return {
    corrections: new DynamoCorrections(client, config.tables.corrections),
    refused: new DynamoRefusedMessages(client, config.tables.refusedMessages),
    // An approved correction passed on for the OCMW is a disclosure (the correction holds the person's keyed hash).
    disclosures: new DynamoDisclosureLog(client, config.tables.disclosures),
    publisher: new SqsPublisher(),
    clock: functionClock,
    config: { ...shared, queueUrls: { ...shared.queueUrls, ocmwOutbound: queueUrlOf(config, QUEUES.ocmwOutbound) } },
  };
}

/** The inbound queue of each channel, whose dead-letter queue is reprocessed. */
const INBOUND_OF = { VDAB: QUEUES.recipientInbound.VDAB, ACTIRIS: QUEUES.recipientInbound.ACTIRIS, PPS: QUEUES.ppsInbound } as const;

/**
 * The ports of the reprocessing of inbound dead letters: each channel's DLQ (by its URL in the
 * configuration, never the inbound queue's), and both inbound paths, each message going to the
 * path of the DLQ's channel.
 */
export function reprocessDeadLettersDependencies(
  config: RegionFlowSource & PpsFlowSource,
  report: ReprocessDeadLettersDeps['report'],
  onFailure: ReprocessDeadLettersDeps['onFailure'],
): ReprocessDeadLettersDeps {
  const dlq = (channel: DeadLetterChannel) => new SqsDeadLetterQueue(queueUrlOf(config, deadLetterQueueOf(INBOUND_OF[channel])));
  const queues: Record<DeadLetterChannel, DeadLetterQueue> = { VDAB: dlq('VDAB'), ACTIRIS: dlq('ACTIRIS'), PPS: dlq('PPS') };
  const region = regionFlowDependencies(config);
  const pps = ppsFlowDependencies(config);
  return {
    deadLetters: (channel) => queues[channel],
    handle: (channel, message) => (channel === 'PPS' ? processPpsMessage(pps, message) : processRegionMessage(region, channel, message)),
    report,
    onFailure,
  };
}
