import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { buildReturnFlowDeps, channelOfQueueArn } from '../../../shared/adapters/dynamo-return-flow-deps';
import { readFunctionConfig } from '../../../shared/configuration/function-config';
import { type FunctionVariable, variablesOf } from '../../../shared/function-environment';
import { FUNCTIONS, QUEUES } from '../../../shared/topology';

/**
 * Each function is given only the variables its declaration derives (infra sets exactly these):
 * they must be enough for what its code reads at start.
 */

function sampleValue({ name, source }: FunctionVariable): string {
  if (source.kind === 'setting' && source.setting === 'recipientKbos') return JSON.stringify({ VDAB: '0887010362', ACTIRIS: '0242220579' });
  if (source.kind === 'setting') return source.setting === 'maxRejectedShare' ? '0.05' : '30';
  if (source.kind === 'queueArn') return `arn:aws:sqs:eu-west-1:111111111111:${source.queue.name}`;
  return `value-of-${name}`;
}

const environmentOf = (fn: (typeof FUNCTIONS)[keyof typeof FUNCTIONS]) =>
  Object.fromEntries(variablesOf(fn).map((variable) => [variable.name, sampleValue(variable)]));

describe('the environment derived from each declaration', () => {
  it.each(Object.keys(FUNCTIONS) as Array<keyof typeof FUNCTIONS>)('is all that %s reads', (k) => {
    expect(() => readFunctionConfig(FUNCTIONS[k], environmentOf(FUNCTIONS[k]))).not.toThrow();
  });

  it('is enough for the return flows: their tables, queues and settings, and the channels that name the sender', () => {
    const client = {} as DynamoDBDocumentClient;
    const publisher = { publish: async () => undefined };
    for (const fn of [FUNCTIONS.regionInbound, FUNCTIONS.ppsInbound]) {
      expect(() => buildReturnFlowDeps({ publisher, client, env: environmentOf(fn) }), fn.name).not.toThrow();
    }
    const regionEnv = environmentOf(FUNCTIONS.regionInbound);
    expect(channelOfQueueArn(`arn:aws:sqs:eu-west-1:111111111111:${QUEUES.recipientInbound.ACTIRIS.name}`, regionEnv)).toBe('ACTIRIS');
    expect(environmentOf(FUNCTIONS.ppsInbound)[QUEUES.ppsInbound.arnEnv]).toBe('arn:aws:sqs:eu-west-1:111111111111:inbound-pps');
  });
});
