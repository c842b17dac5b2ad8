import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { HttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { awsClientSettings } from '../../../shared/adapters/aws-clients';
import { CALL_RETRY, RETRY_QUOTA } from '../../../shared/adapters/retry-policy';
import { HubRetryStrategy } from '../../../shared/adapters/sdk-retry';

/** A clock a test moves. */
function testClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  return {
    clock: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const transient = { errorType: 'TRANSIENT' as const, error: Object.assign(new Error('500'), { name: 'InternalServerError' }) as never };

describe('HubRetryStrategy', () => {
  it('retries a throttled or transient call up to five attempts, never a client error', async () => {
    const strategy = new HubRetryStrategy({ random: () => 0 });
    let token = await strategy.acquireInitialRetryToken('');
    for (let retry = 1; retry < CALL_RETRY.maxAttempts; retry += 1) {
      token = await strategy.refreshRetryTokenForRetry(token, transient);
      expect(token.getRetryCount()).toBe(retry);
    }
    await expect(strategy.refreshRetryTokenForRetry(token, transient)).rejects.toThrow(/No retry token/);
    await expect(
      strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(''), { errorType: 'CLIENT_ERROR' }),
    ).rejects.toThrow(/No retry token/);
  });

  it('backs off with full jitter: 100 ms doubled, 500 ms doubled when throttled, 20 s at most', async () => {
    const strategy = new HubRetryStrategy({ random: () => 0.999_999 });
    const delays = async (errorType: 'TRANSIENT' | 'THROTTLING') => {
      let token = await strategy.acquireInitialRetryToken('');
      const out: number[] = [];
      for (let retry = 1; retry < CALL_RETRY.maxAttempts; retry += 1) {
        token = await strategy.refreshRetryTokenForRetry(token, { errorType });
        out.push(token.getRetryDelay());
      }
      return out;
    };
    expect(await delays('TRANSIENT')).toEqual([99, 199, 399, 799]);
    expect(await delays('THROTTLING')).toEqual([499, 999, 1_999, 3_999]);
  });

  it('waits as long as a Retry-After hint asks, up to 5 s more than its backoff', async () => {
    const { clock } = testClock();
    const strategy = new HubRetryStrategy({ clock, random: () => 0 });
    const token = await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(''), {
      errorType: 'THROTTLING',
      retryAfterHint: new Date(clock().getTime() + 60_000),
    });
    expect(token.getRetryDelay()).toBe(5_000);
  });

  it('stops retrying when its quota is spent, and retries again once the quota has refilled with time', async () => {
    const { clock, advance } = testClock();
    const strategy = new HubRetryStrategy({ clock, random: () => 0 });
    const retries = RETRY_QUOTA.capacity / RETRY_QUOTA.retryCost;
    for (let i = 0; i < retries; i += 1) await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(''), transient);
    expect(strategy.quota).toBe(0);
    await expect(strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(''), transient)).rejects.toThrow(/quota/);

    advance(RETRY_QUOTA.refillMs / 2);
    expect(strategy.quota).toBe(RETRY_QUOTA.capacity / 2);
    advance(RETRY_QUOTA.refillMs);
    expect(strategy.quota).toBe(RETRY_QUOTA.capacity);
    await expect(strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(''), transient)).resolves.toBeDefined();
  });

  it('a timeout costs twice a retry; a success gives back what its retry cost', async () => {
    const { clock } = testClock();
    const strategy = new HubRetryStrategy({ clock, random: () => 0 });
    const timeout = { errorType: 'TRANSIENT' as const, error: Object.assign(new Error('t'), { name: 'TimeoutError' }) as never };
    const token = await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(''), timeout);
    expect(strategy.quota).toBe(RETRY_QUOTA.capacity - RETRY_QUOTA.timeoutRetryCost);
    strategy.recordSuccess(token);
    expect(strategy.quota).toBe(RETRY_QUOTA.capacity);
  });
});

describe('a client whose every call fails (an outage longer than the quota lasts)', () => {
  it('makes five attempts a call while its quota lasts, one when it is spent, and five again a minute later', async () => {
    const { clock, advance } = testClock();
    const client = new DynamoDBClient({
      ...awsClientSettings('dynamodb'),
      retryStrategy: new HubRetryStrategy({ clock, random: () => 0 }),
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    let attempts = 0;
    client.config.requestHandler = {
      handle: async (_request: HttpRequest) => {
        attempts += 1;
        const body = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'down' });
        return {
          response: {
            statusCode: 500,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: new TextEncoder().encode(body),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    } as never;
    const call = async () => {
      const before = attempts;
      await expect(client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'k' } } }))).rejects.toThrow();
      return attempts - before;
    };

    const perCall: number[] = [];
    for (let i = 0; i < 26; i += 1) perCall.push(await call());
    expect(perCall.slice(0, 25)).toEqual(Array(25).fill(CALL_RETRY.maxAttempts));
    expect(perCall[25]).toBe(1);
    advance(RETRY_QUOTA.refillMs);
    expect(await call()).toBe(CALL_RETRY.maxAttempts);
    client.destroy();
  });
});
