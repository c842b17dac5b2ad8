import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { metrics } from '../../../shared/observability';

/**
 * What the tests of region-inbound and pps-inbound share: the SDK clients of the process mocked
 * (the functions build their adapters over them at cold start), the messages the function sent,
 * the refusal metric, and the cold start itself with a given environment.
 */

export const ARN = (name: string) => `arn:aws:sqs:eu-west-1:111122223333:${name}`;
export const URL = (name: string) => `https://sqs.eu-west-1.amazonaws.com/111122223333/${name}`;

export const ddbMock = mockClient(DynamoDBDocumentClient);
export const sqsMock = mockClient(SQSClient);
export const refusedMetric = { addDimensions: vi.fn(), addMetric: vi.fn() };

export const context = { functionName: 'return-flow', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

/**
 * Imports a function's module with `env` set, as Lambda's cold start does: the module reads its
 * configuration and builds its adapters on import.
 */
export async function coldStart<M>(load: () => Promise<M>, env: Readonly<Record<string, string>>): Promise<M> {
  Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }, env);
  return load();
}

/** Every SDK answer back to a success, the history and the metric spies cleared. */
export function resetServices(): void {
  ddbMock.reset();
  sqsMock.reset();
  sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
  ddbMock.on(PutCommand).resolves({});
  ddbMock.on(UpdateCommand).resolves({});
  ddbMock.on(GetCommand).resolves({});
  ddbMock.on(QueryCommand).resolves({});
  vi.spyOn(metrics, 'singleMetric').mockReturnValue(refusedMetric as never);
  vi.spyOn(metrics, 'addMetric').mockImplementation(() => metrics);
  refusedMetric.addDimensions.mockClear();
  refusedMetric.addMetric.mockClear();
}

/** Every message sent, with the queue it went to and its `type` attribute. */
export function sent() {
  return sqsMock.commandCalls(SendMessageBatchCommand).flatMap((call) => {
    const input = call.args[0].input as SendMessageBatchCommandInput;
    return (input.Entries ?? []).map((entry) => ({
      queueUrl: input.QueueUrl,
      typeAttribute: entry.MessageAttributes?.type?.StringValue,
      body: JSON.parse(entry.MessageBody ?? '{}') as Record<string, unknown>,
    }));
  });
}
