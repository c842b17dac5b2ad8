import { DEFAULT_REPLAY_WINDOW_DAYS } from '../shared/domain/retention';
import { BUCKETS, type QueueSpec, SETTINGS_ENV, TABLES } from '../shared/topology';
import { type CreatedQueue, localQueues } from './emulated-topology';
import type { EmulatorEndpoints } from './emulators';

/**
 * What the local stand-in (stand-in.ts) sets on the laptop: its region, ports, recipients' KBOs,
 * disclosure key and credentials, and from them the functions' environment and a client's.
 */

export const DEFAULT_REGION = 'eu-west-1';

/** The ports `npm run local` uses unless LOCAL_FAUXQS_PORT / LOCAL_DYNALITE_PORT say otherwise. */
export const FIXED_PORTS = { fauxqs: 4566, dynalite: 4567 } as const;

/**
 * Enterprise numbers (KBO/BCE) of the returning recipients on the laptop. Valid by the
 * §4 checksum; the stand-in's test proves it. Configuration of the AWS stages is the CDK app's.
 */
export const LOCAL_RECIPIENT_KBOS = { VDAB: '0887010362', ACTIRIS: '0242220579' } as const;

/**
 * The disclosure HMAC key on the laptop (64 hex characters = 32 bytes). It is not a secret: it is
 * published in the repository, protects synthetic data only and is never set in AWS, where the key
 * comes from SSM (DISCLOSURE_KEY_PARAMETER).
 */
export const LOCAL_DISCLOSURE_KEY = 'be822d7fb77fdcb7216a3ef7a0afa85169dbbbdd3eea4ed27252096566b08ea6';

/** Dummy credentials: the emulators accept any and check none. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * What every function finds in its environment on the laptop: every queue's URL and ARN (DLQs
 * too), every bucket and table, and the settings. One process runs them all, so it is the union.
 */
export function functionEnvironment(queue: (spec: QueueSpec) => CreatedQueue, metrics: 'disabled' | 'emf'): Record<string, string> {
  const env: Record<string, string> = {};
  for (const spec of localQueues()) {
    env[spec.urlEnv] = queue(spec).url;
    env[spec.arnEnv] = queue(spec).arn;
  }
  for (const bucket of Object.values(BUCKETS)) env[bucket.env] = bucket.name;
  for (const table of Object.values(TABLES)) env[table.env] = table.name;
  env[SETTINGS_ENV.maxRejectedShare] = '0.05';
  env[SETTINGS_ENV.maxRows] = '1000000';
  env[SETTINGS_ENV.recipientKbos] = JSON.stringify(LOCAL_RECIPIENT_KBOS);
  env[SETTINGS_ENV.disclosureKeyLocal] = LOCAL_DISCLOSURE_KEY;
  env[SETTINGS_ENV.refusedMessageRetentionDays] = '30';
  env[SETTINGS_ENV.replayWindowDays] = String(DEFAULT_REPLAY_WINDOW_DAYS);
  env.POWERTOOLS_SERVICE_NAME = 'art60-hub';
  env.POWERTOOLS_METRICS_NAMESPACE = 'Art60Hub';
  env.POWERTOOLS_METRICS_DISABLED = metrics === 'emf' ? 'false' : 'true';
  return Object.freeze(env);
}

/** What another process's client needs (see {@link LocalStandIn.clientEnv}), in the order a person reads it. */
export function clientEnvironment(
  region: string,
  endpoints: EmulatorEndpoints,
  functionEnv: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: region,
    // The AWS CLI v1 and boto3 read only this one.
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    [SETTINGS_ENV.disclosureKeyLocal]: LOCAL_DISCLOSURE_KEY,
    [SETTINGS_ENV.recipientKbos]: JSON.stringify(LOCAL_RECIPIENT_KBOS),
    // npm run redeliver refuses a batch past the replay window, the functions' on the laptop.
    [SETTINGS_ENV.replayWindowDays]: String(DEFAULT_REPLAY_WINDOW_DAYS),
  };
  for (const spec of localQueues()) env[spec.urlEnv] = functionEnv[spec.urlEnv] ?? '';
  for (const bucket of Object.values(BUCKETS)) env[bucket.env] = bucket.name;
  for (const table of Object.values(TABLES)) env[table.env] = table.name;
  return Object.freeze(env);
}
