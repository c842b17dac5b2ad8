import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsJson1_0Protocol, JsonCodec } from '@aws-sdk/core/protocols';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KeyedSha256 } from './keyed-sha256';

/**
 * The SDK clients, one of each per process, created on first use so that configuration
 * (region, the standard `AWS_ENDPOINT_URL_*` variables) is read when it is needed. The code does
 * not know whether it talks to AWS or to the local stand-in: only the endpoint differs.
 */

/**
 * How every client retries a whole call (throttling, 5xx, network errors): the SDK's standard
 * mode, exponential backoff with full jitter and a retry quota, five attempts in all. This is the
 * only whole-call retry in the project; entries a batch call leaves undone follow retry-entries.ts.
 * Five attempts keep the worst throttling backoff (about 15 s) inside the return flows' 30 s timeout.
 */
export const SDK_RETRY = { maxAttempts: 5, retryMode: 'standard' } as const;

/**
 * Where a client connects, when it is not where the standard settings say: the local stand-in's
 * own clients name the emulator. How a client retries is not part of it: that is {@link SDK_RETRY}.
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

/** A new S3 client with the one retry policy. */
export function createS3Client(connection: ClientConnection = {}): S3Client {
  return new S3Client({ ...connection, ...SDK_RETRY, ...SIGNING });
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

/** A new SQS client with the one retry policy. */
export function createSqsClient(connection: ClientConnection = {}): SQSClient {
  return new SQSClient({ ...connection, ...SDK_RETRY, ...SIGNING, protocol: SqsJsonProtocol });
}

/** A new DynamoDB client with the one retry policy (tables are created through it locally). */
export function createDynamoDbClient(connection: ClientConnection = {}): DynamoDBClient {
  return new DynamoDBClient({ ...connection, ...SDK_RETRY, ...SIGNING });
}

/** A new DynamoDB document client with the one retry policy; attributes left `undefined` are dropped, not refused. */
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
