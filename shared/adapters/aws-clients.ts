import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsJson1_0Protocol, JsonCodec } from '@aws-sdk/core/protocols';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KeyedSha256 } from './keyed-sha256';
import { CALL_RETRY } from './retry-policy';
import { HubRetryStrategy } from './sdk-retry';

/**
 * The SDK clients, one of each per process, created on first use so that configuration
 * (region, the standard `AWS_ENDPOINT_URL_*` variables) is read when it is needed. The code does
 * not know whether it talks to AWS or to the local stand-in: only the endpoint differs.
 */

/** The AWS services the hub's clients call, each with its own request timeout. */
export type AwsService = 's3' | 'sqs' | 'dynamodb' | 'ssm' | 'other';

/**
 * How long a call may take before the SDK gives it up as a timeout (and retries it as a transient
 * failure): to connect, and from sending the request to the response's headers. DynamoDB, SQS and
 * SSM answer in milliseconds, so a call that takes seconds hangs, and must not eat a 30 s return-flow
 * function; S3 carries bodies of megabytes. The small JSON bodies of DynamoDB and SSM must then keep
 * coming: at most {@link CLIENT_TIMEOUTS}.idleMs without a byte. Not so for SQS, whose long poll
 * (a party's client) waits up to 20 s for its answer ({@link longPollRequestTimeoutMs}), nor for S3,
 * whose body is a stream the hub reads at its own pace (an inbound file is read while its records
 * are staged): there the function's timeout bounds a stalled body.
 */
export const CLIENT_TIMEOUTS = {
  connectionMs: 3_000,
  requestMs: { s3: 30_000, sqs: 5_000, dynamodb: 5_000, ssm: 5_000, other: 30_000 },
  idleMs: 5_000,
} as const satisfies { readonly requestMs: Record<AwsService, number> } & Record<string, unknown>;

/** The request handler's settings of a client of `service` (NodeHttpHandler's options). */
export function requestHandlerSettings(service: AwsService) {
  return {
    connectionTimeout: CLIENT_TIMEOUTS.connectionMs,
    requestTimeout: CLIENT_TIMEOUTS.requestMs[service],
    // Without it a request over its timeout is only logged as a warning.
    throwOnRequestTimeout: true,
    ...(service === 'dynamodb' || service === 'ssm' ? { socketTimeout: CLIENT_TIMEOUTS.idleMs } : {}),
  };
}

/** The request timeout of a long-polling ReceiveMessage (`send(command, { requestTimeout })`): its wait, and then the usual timeout. */
export function longPollRequestTimeoutMs(waitTimeSeconds: number): number {
  return waitTimeSeconds * 1000 + CLIENT_TIMEOUTS.requestMs.sqs;
}

/**
 * What every SDK client of the hub is built with, whatever its service (scripts' clients too): the
 * timeouts above and the one retry policy (sdk-retry.ts, retry-policy.ts), a strategy of its own.
 */
export function awsClientSettings(service: AwsService) {
  return {
    maxAttempts: CALL_RETRY.maxAttempts,
    retryStrategy: new HubRetryStrategy(),
    requestHandler: requestHandlerSettings(service),
  };
}

/**
 * Where a client connects, when it is not where the standard settings say: the local stand-in's
 * own clients name the emulator. How a client retries and times out is not part of it: that is {@link awsClientSettings}.
 */
export interface ClientConnection {
  readonly region?: string;
  readonly endpoint?: string;
  /** A role's temporary credentials carry a session token (the smoke script plays the parties so). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/**
 * How every client signs: SigV4 with an HMAC whose key is prepared once (keyed-sha256.ts), which
 * halves nothing but saves a raw-key HMAC a request, measured by `npm run bench` (README, Benchmark).
 */
const SIGNING = { sha256: KeyedSha256 } as const;

/** A new S3 client with the one retry policy and its timeouts. */
export function createS3Client(connection: ClientConnection = {}): S3Client {
  return new S3Client({ ...connection, ...awsClientSettings('s3'), ...SIGNING });
}

/**
 * SQS's protocol (AWS JSON 1.0, its default) with the SDK's JSON.stringify codec in place of the
 * byte writer it uses by default: the same JSON on the wire (a test compares them). The byte
 * writer copies a message body one character at a time, and split-batch sends about 450 MB of
 * bodies a million rows (README, "The delivery ledger, step by step").
 */
class SqsJsonProtocol extends AwsJson1_0Protocol {
  constructor(settings: ConstructorParameters<typeof AwsJson1_0Protocol>[0]) {
    super({ ...settings, jsonCodec: new JsonCodec({ timestampFormat: { useTrait: true, default: 7 }, jsonName: false }) });
  }
}

/** A new SQS client with the one retry policy and its timeouts. */
export function createSqsClient(connection: ClientConnection = {}): SQSClient {
  return new SQSClient({ ...connection, ...awsClientSettings('sqs'), ...SIGNING, protocol: SqsJsonProtocol });
}

/** A new DynamoDB client with the one retry policy and its timeouts (tables are created through it locally). */
export function createDynamoDbClient(connection: ClientConnection = {}): DynamoDBClient {
  return new DynamoDBClient({ ...connection, ...awsClientSettings('dynamodb'), ...SIGNING });
}

/** A new DynamoDB document client with the one retry policy and its timeouts; attributes left `undefined` are dropped, not refused. */
export function createDynamoDocumentClient(connection: ClientConnection = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoDbClient(connection), { marshallOptions: { removeUndefinedValues: true } });
}

let s3: S3Client | undefined;
let sqs: SQSClient | undefined;
let dynamoLowLevel: DynamoDBClient | undefined;
let dynamo: DynamoDBDocumentClient | undefined;

/** The process's S3 client. */
export function s3Client(): S3Client {
  s3 ??= createS3Client();
  return s3;
}

/** The process's SQS client. */
export function sqsClient(): SQSClient {
  sqs ??= createSqsClient();
  return sqs;
}

/**
 * The process's low-level DynamoDB client, for writers that marshal their items themselves (the
 * delivery ledger writes a million items a file: the document client's marshalling would double its cost).
 */
export function dynamoClient(): DynamoDBClient {
  dynamoLowLevel ??= createDynamoDbClient();
  return dynamoLowLevel;
}

/** The process's DynamoDB document client, over {@link dynamoClient}; attributes left `undefined` are dropped, not refused. */
export function dynamoDocumentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } });
  return dynamo;
}

/** Forgets the clients, so that a test that moved the endpoints gets new ones. */
export function resetAwsClients(): void {
  s3 = undefined;
  sqs = undefined;
  dynamoLowLevel = undefined;
  dynamo = undefined;
}
