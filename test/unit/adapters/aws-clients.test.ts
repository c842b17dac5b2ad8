import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { HttpRequest } from '@smithy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  awsClientSettings,
  CLIENT_TIMEOUTS,
  createDynamoDbClient,
  createDynamoDocumentClient,
  createS3Client,
  createSqsClient,
  dynamoDocumentClient,
  longPollRequestTimeoutMs,
  resetAwsClients,
  s3Client,
  sqsClient,
} from '../../../shared/adapters/aws-clients';
import { CALL_RETRY } from '../../../shared/adapters/retry-policy';
import { HubRetryStrategy } from '../../../shared/adapters/sdk-retry';

/** The retry settings a client resolved: the attempts and the strategy. */
async function retrySettings(config: { maxAttempts: () => Promise<number>; retryStrategy: () => Promise<unknown> }) {
  const strategy = await config.retryStrategy();
  return { maxAttempts: await config.maxAttempts(), hubStrategy: strategy instanceof HubRetryStrategy };
}

/** The settings a client's request handler resolved (it resolves them on its first request, here one refused at once). */
async function handlerSettings(config: { requestHandler: unknown }): Promise<Record<string, unknown>> {
  const handler = config.requestHandler as {
    handle(request: unknown, options: { abortSignal: AbortSignal }): Promise<unknown>;
    httpHandlerConfigs(): Record<string, unknown>;
  };
  const aborted = new AbortController();
  aborted.abort();
  await handler
    .handle({ protocol: 'http:', hostname: '127.0.0.1', port: 9, method: 'GET', path: '/', headers: {} }, { abortSignal: aborted.signal })
    .catch(() => undefined);
  const { connectionTimeout, requestTimeout, throwOnRequestTimeout, socketTimeout } = handler.httpHandlerConfigs();
  return { connectionTimeout, requestTimeout, throwOnRequestTimeout, socketTimeout };
}

const HUB_RETRY = { maxAttempts: CALL_RETRY.maxAttempts, hubStrategy: true };

const environmentBefore = { ...process.env };

beforeEach(() => {
  resetAwsClients();
  process.env.AWS_REGION = 'eu-west-1';
  // Set in a shell, these would change the attempts of a client that did not state its own.
  delete process.env.AWS_MAX_ATTEMPTS;
  delete process.env.AWS_RETRY_MODE;
});
afterEach(() => {
  resetAwsClients();
  process.env = { ...environmentBefore };
});

describe('the SDK clients', () => {
  it.each([
    ['S3', () => s3Client().config],
    ['SQS', () => sqsClient().config],
    ['DynamoDB', () => dynamoDocumentClient().config],
  ])('%s: every client retries by the one policy (five attempts, a quota that refills), with a strategy of its own', async (_, config) => {
    expect(await retrySettings(config())).toEqual(HUB_RETRY);
    expect(await config().retryStrategy()).not.toBe(await createSqsClient().config.retryStrategy());
  });

  it.each([
    [
      'S3',
      () => s3Client().config,
      { connectionTimeout: 3_000, requestTimeout: 30_000, throwOnRequestTimeout: true, socketTimeout: undefined },
    ],
    [
      'SQS',
      () => sqsClient().config,
      { connectionTimeout: 3_000, requestTimeout: 5_000, throwOnRequestTimeout: true, socketTimeout: undefined },
    ],
    [
      'DynamoDB',
      () => dynamoDocumentClient().config,
      { connectionTimeout: 3_000, requestTimeout: 5_000, throwOnRequestTimeout: true, socketTimeout: 5_000 },
    ],
  ])('%s: connects within 3 s and gives up a call that hangs (a timeout the SDK retries)', async (_, config, expected) => {
    expect(await handlerSettings(config())).toEqual(expected);
  });

  it('any other client (SSM, the scripts’ CloudFormation, STS, CloudWatch) is built with the same settings', () => {
    const ssm = awsClientSettings('ssm');
    expect(ssm).toMatchObject({ maxAttempts: CALL_RETRY.maxAttempts, requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000 } });
    expect(ssm.retryStrategy).toBeInstanceOf(HubRetryStrategy);
    expect(awsClientSettings('other').requestHandler).toMatchObject({
      requestTimeout: CLIENT_TIMEOUTS.requestMs.other,
      throwOnRequestTimeout: true,
    });
    // A party's long poll waits its 20 s for an answer, then the usual timeout.
    expect(longPollRequestTimeoutMs(20)).toBe(25_000);
  });

  const local = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

  it.each([
    ['S3', () => createS3Client(local).config],
    ['SQS', () => createSqsClient(local).config],
    ['DynamoDB', () => createDynamoDbClient(local).config],
    ['DynamoDB documents', () => createDynamoDocumentClient(local).config],
  ])('%s: a client made for another endpoint (the local stand-in) connects there and retries by the same policy', async (_, config) => {
    const resolved = config();
    expect(await retrySettings(resolved)).toEqual(HUB_RETRY);
    expect(await resolved.region()).toBe('eu-west-1');
    const endpoint = await (resolved.endpoint as () => Promise<{ hostname: string; port?: number }>)();
    expect([endpoint.hostname, endpoint.port]).toEqual(['127.0.0.1', 4566]);
  });

  it('SQS: the JSON.stringify codec puts on the wire exactly the JSON the default codec does, message bodies of every kind of character included', async () => {
    const body = JSON.stringify({ records: [{ name: 'Zoë "Ö" Ōtsuka\\ \t', ocmw: 'OCMW \\ud83d\\ude00', ï: '\u00e9\u4e2d\u2028' }] });
    /** The body and target of the one request a client sends, answered by nobody. */
    const wireOf = async (client: SQSClient) => {
      let sent: HttpRequest | undefined;
      client.config.requestHandler = {
        handle: async (request: HttpRequest) => {
          sent = request;
          throw new Error('captured');
        },
        updateHttpClientConfig: () => undefined,
        httpHandlerConfigs: () => ({}),
      } as never;
      await client
        .send(
          new SendMessageBatchCommand({
            QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/q',
            Entries: [0, 1].map((i) => ({
              Id: String(i),
              MessageBody: `${body}${i}`,
              MessageAttributes: { type: { DataType: 'String', StringValue: 'batch.records' } },
            })),
          }),
        )
        .catch(() => undefined);
      if (sent === undefined) throw new Error('no request was sent');
      const wire = sent.body as string | Uint8Array;
      // The default codec's body is a byte array (its string methods are deprecated): read its bytes.
      const text = typeof wire === 'string' ? wire : Buffer.from(wire.buffer, wire.byteOffset, wire.byteLength).toString('utf8');
      return { target: sent.headers['x-amz-target'], body: text, written: typeof wire };
    };
    const credentials = { accessKeyId: 'k', secretAccessKey: 's' };
    const ours = await wireOf(createSqsClient({ region: 'eu-west-1', credentials }));
    const sdkDefault = await wireOf(new SQSClient({ region: 'eu-west-1', credentials, maxAttempts: 1 }));
    expect(ours.target).toBe('AmazonSQS.SendMessageBatch');
    // JSON.stringify writes a string; the default codec's byte writer, bytes.
    expect([ours.written, sdkDefault.written]).toEqual(['string', 'object']);
    expect(JSON.parse(ours.body)).toEqual(JSON.parse(sdkDefault.body));
    expect(JSON.parse(ours.body).Entries.map((e: { MessageBody: string }) => e.MessageBody)).toEqual([`${body}0`, `${body}1`]);
  });

  it('are made once per process, and again after a reset', () => {
    const first = sqsClient();
    expect(sqsClient()).toBe(first);
    resetAwsClients();
    expect(sqsClient()).not.toBe(first);
  });
});
