import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RETURNING_RECIPIENTS, type ReturningRecipient } from '../domain/recipients';
import { DEFAULT_REFUSED_MESSAGE_RETENTION_DAYS } from '../domain/retention';
import type { PpsFlowConfig, RegionFlowConfig } from '../domain/return-flows/config';
import { inszHmac } from '../domain/return-flows/disclosures';
import type { PpsFlowDeps, RegionFlowDeps } from '../domain/return-flows/process';
import { type MessagePublisher, systemClock } from '../ports';
import { QUEUES, SETTINGS_ENV, TABLES } from '../topology';
import { dynamoDocumentClient } from './aws-clients';
import { tableNameFromEnv } from './dynamo-common';
import { DynamoCorrections } from './dynamo-corrections';
import { DynamoPaymentLines } from './dynamo-payment-lines';
import { DynamoRefusedMessages } from './dynamo-refused-messages';

/**
 * The wiring of the return-flow functions: their configuration from the environment and their
 * DynamoDB adapters, over the SDK clients of aws-clients.ts.
 */

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The configured KBO of each returning recipient, from `RECIPIENT_KBOS` (JSON). */
export function recipientKbosFromEnv(env: NodeJS.ProcessEnv = process.env): Record<ReturningRecipient, string> {
  const raw = required(env, SETTINGS_ENV.recipientKbos);
  const parsed = JSON.parse(raw) as Record<string, unknown>;
  const kbos = {} as Record<ReturningRecipient, string>;
  for (const recipient of RETURNING_RECIPIENTS) {
    const kbo = parsed[recipient];
    if (typeof kbo !== 'string' || !/^[01]\d{9}$/.test(kbo))
      throw new Error(`${SETTINGS_ENV.recipientKbos} has no 10-digit KBO for ${recipient}`);
    kbos[recipient] = kbo;
  }
  return kbos;
}

/** Queue URLs, recipient KBOs and the refused-message retention, from the environment. */
export function returnFlowConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RegionFlowConfig & PpsFlowConfig {
  const retention = Number(env[SETTINGS_ENV.refusedMessageRetentionDays] ?? DEFAULT_REFUSED_MESSAGE_RETENTION_DAYS);
  if (!Number.isInteger(retention) || retention < 1)
    throw new Error(`${SETTINGS_ENV.refusedMessageRetentionDays} must be a whole number of days`);
  return {
    queueUrls: {
      recipientOutbound: {
        VDAB: required(env, QUEUES.recipientOutbound.VDAB.urlEnv),
        ACTIRIS: required(env, QUEUES.recipientOutbound.ACTIRIS.urlEnv),
      },
      ppsOutbound: required(env, QUEUES.ppsOutbound.urlEnv),
      ocmwOutbound: required(env, QUEUES.ocmwOutbound.urlEnv),
    },
    recipientKbos: recipientKbosFromEnv(env),
    refusedRetentionDays: retention,
  };
}

/**
 * The recipient whose inbound queue has this ARN: the sender is the channel, never a field it
 * wrote (return-flows §1). `undefined` for any other queue.
 */
export function channelOfQueueArn(arn: string, env: NodeJS.ProcessEnv = process.env): ReturningRecipient | undefined {
  return RETURNING_RECIPIENTS.find((recipient) => {
    const expected = env[QUEUES.recipientInbound[recipient].arnEnv];
    return expected !== undefined && expected !== '' && expected === arn;
  });
}

/** The return-flow dependencies on DynamoDB and a publisher; a function builds them once per process. */
export function buildReturnFlowDeps(options: {
  readonly publisher: MessagePublisher;
  /** The disclosure key, when the function checks INSZs against lines (region-inbound). */
  readonly disclosureKey?: Uint8Array;
  readonly client?: DynamoDBDocumentClient;
  readonly env?: NodeJS.ProcessEnv;
}): RegionFlowDeps & PpsFlowDeps {
  const env = options.env ?? process.env;
  const client = options.client ?? dynamoDocumentClient();
  const key = options.disclosureKey;
  return {
    lines: new DynamoPaymentLines(client, tableNameFromEnv(TABLES.paymentLines, env)),
    corrections: new DynamoCorrections(client, tableNameFromEnv(TABLES.corrections, env)),
    refused: new DynamoRefusedMessages(client, tableNameFromEnv(TABLES.refusedMessages, env)),
    publisher: options.publisher,
    clock: systemClock,
    config: returnFlowConfigFromEnv(env),
    personKey: async (insz) => {
      if (!key) throw new Error('this function was not given the disclosure key');
      return inszHmac(key, insz);
    },
  };
}
