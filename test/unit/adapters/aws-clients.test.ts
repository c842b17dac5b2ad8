import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDynamoDbClient,
  createDynamoDocumentClient,
  createS3Client,
  createSqsClient,
  dynamoDocumentClient,
  resetAwsClients,
  SDK_RETRY,
  s3Client,
  sqsClient,
} from '../../../shared/adapters/aws-clients';

/** The retry settings a client resolved: the attempts and the strategy's mode. */
async function retrySettings(config: { maxAttempts: () => Promise<number>; retryStrategy: () => Promise<unknown> }) {
  const strategy = (await config.retryStrategy()) as { mode?: string };
  return { maxAttempts: await config.maxAttempts(), mode: strategy.mode };
}

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
  it('retry whole calls in the standard mode, five attempts in all', () => {
    expect(SDK_RETRY).toEqual({ maxAttempts: 5, retryMode: 'standard' });
  });

  it.each([
    ['S3', () => s3Client().config],
    ['SQS', () => sqsClient().config],
    ['DynamoDB', () => dynamoDocumentClient().config],
  ])('%s: every client is configured with that one policy', async (_, config) => {
    expect(await retrySettings(config())).toEqual({ maxAttempts: SDK_RETRY.maxAttempts, mode: SDK_RETRY.retryMode });
  });

  const local = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

  it.each([
    ['S3', () => createS3Client(local).config],
    ['SQS', () => createSqsClient(local).config],
    ['DynamoDB', () => createDynamoDbClient(local).config],
    ['DynamoDB documents', () => createDynamoDocumentClient(local).config],
  ])('%s: a client made for another endpoint (the local stand-in) connects there and retries by the same policy', async (_, config) => {
    const resolved = config();
    expect(await retrySettings(resolved)).toEqual({ maxAttempts: SDK_RETRY.maxAttempts, mode: SDK_RETRY.retryMode });
    expect(await resolved.region()).toBe('eu-west-1');
    const endpoint = await (resolved.endpoint as () => Promise<{ hostname: string; port?: number }>)();
    expect([endpoint.hostname, endpoint.port]).toEqual(['127.0.0.1', 4566]);
  });

  it('are made once per process, and again after a reset', () => {
    const first = sqsClient();
    expect(sqsClient()).toBe(first);
    resetAwsClients();
    expect(sqsClient()).not.toBe(first);
  });
});
