import { afterAll, describe, expect, it } from 'vitest';
import { readFunctionConfig } from '../../../shared/configuration/function-config';
import { type FunctionVariable, variablesOf } from '../../../shared/function-environment';
import { FUNCTIONS, QUEUES, SETTINGS_ENV } from '../../../shared/topology';

/**
 * Each function is given only the variables its declaration derives (infra sets exactly these):
 * they must be enough for what its code reads at start.
 */

type FunctionKey = keyof typeof FUNCTIONS;

function sampleValue({ name, source }: FunctionVariable): string {
  if (source.kind === 'setting' && source.setting === 'recipientKbos') return JSON.stringify({ VDAB: '0887010362', ACTIRIS: '0242220579' });
  if (source.kind === 'setting' && source.setting === 'monthlyFileDueDay') return '10';
  if (source.kind === 'setting') return source.setting === 'maxRejectedShare' ? '0.05' : '30';
  if (source.kind === 'queueArn') return `arn:aws:sqs:eu-west-1:111111111111:${source.queue.name}`;
  return `value-of-${name}`;
}

const environmentOf = (fn: (typeof FUNCTIONS)[FunctionKey]) =>
  Object.fromEntries(variablesOf(fn).map((variable) => [variable.name, sampleValue(variable)]));

/** Each function's module: importing it is its cold start (configuration read, adapters built). */
const MODULES = {
  splitBatch: () => import('../../../functions/split-batch'),
  regionInbound: () => import('../../../functions/region-inbound'),
  ppsInbound: () => import('../../../functions/pps-inbound'),
  operatorRedeliver: () => import('../../../functions/operator-redeliver'),
  operatorDisclosures: () => import('../../../functions/operator-disclosures'),
  operatorRefusedMessages: () => import('../../../functions/operator-refused-messages'),
  operatorReprocessDeadLetters: () => import('../../../functions/operator-reprocess-dead-letters'),
  operatorRenotifyFile: () => import('../../../functions/operator-renotify-file'),
  operatorProof: () => import('../../../functions/operator-proof'),
  batchWatch: () => import('../../../functions/batch-watch'),
} satisfies Record<FunctionKey, () => Promise<{ handler: unknown }>>;

/** Every variable any function reads, so that a function starts with its own and none of another's. */
const EVERY_VARIABLE = new Set([
  ...Object.values(FUNCTIONS).flatMap((fn) => variablesOf(fn).map((variable) => variable.name)),
  SETTINGS_ENV.disclosureKeyLocal,
]);
const environmentBefore = { ...process.env };

/** Sets exactly the variables `fn`'s declaration derives, as the CDK app does. */
function startWithDeclaredEnvironment(fn: (typeof FUNCTIONS)[FunctionKey]): void {
  for (const name of EVERY_VARIABLE) delete process.env[name];
  Object.assign(process.env, environmentOf(fn));
}

afterAll(() => {
  for (const name of EVERY_VARIABLE) delete process.env[name];
  Object.assign(process.env, environmentBefore);
});

describe('the environment derived from each declaration', () => {
  it.each(Object.keys(FUNCTIONS) as FunctionKey[])('is all that %s reads', (k) => {
    expect(() => readFunctionConfig(FUNCTIONS[k], environmentOf(FUNCTIONS[k]))).not.toThrow();
  });

  it.each(Object.keys(FUNCTIONS) as FunctionKey[])('is all that %s needs for its cold start', async (k) => {
    startWithDeclaredEnvironment(FUNCTIONS[k]);
    await expect(MODULES[k]()).resolves.toHaveProperty('handler');
  });

  it('is enough for the return flows: their tables, queues and settings, and the channels that name the sender', async () => {
    startWithDeclaredEnvironment(FUNCTIONS.regionInbound);
    const { regionInboundDependencies } = await MODULES.regionInbound();
    const region = regionInboundDependencies(readFunctionConfig(FUNCTIONS.regionInbound, environmentOf(FUNCTIONS.regionInbound)));
    expect(region.channelOf(`arn:aws:sqs:eu-west-1:111111111111:${QUEUES.recipientInbound.ACTIRIS.name}`)).toBe('ACTIRIS');
    expect(region.channelOf(`arn:aws:sqs:eu-west-1:111111111111:${QUEUES.ppsInbound.name}`)).toBeUndefined();

    startWithDeclaredEnvironment(FUNCTIONS.ppsInbound);
    const { ppsInboundDependencies } = await MODULES.ppsInbound();
    expect(environmentOf(FUNCTIONS.ppsInbound)[QUEUES.ppsInbound.arnEnv]).toBe('arn:aws:sqs:eu-west-1:111111111111:inbound-pps');
    expect(ppsInboundDependencies(readFunctionConfig(FUNCTIONS.ppsInbound, environmentOf(FUNCTIONS.ppsInbound))).ppsQueueArn).toBe(
      'arn:aws:sqs:eu-west-1:111111111111:inbound-pps',
    );
  });

  it('gives the dead-letter tool the URL of each inbound DLQ and of no inbound queue, and the re-notify tool split-batch’s variables', () => {
    const reprocess = environmentOf(FUNCTIONS.operatorReprocessDeadLetters);
    for (const q of [QUEUES.recipientInbound.VDAB, QUEUES.recipientInbound.ACTIRIS, QUEUES.ppsInbound]) {
      expect(reprocess).toHaveProperty(`${q.urlEnv}_DLQ`);
      expect(reprocess).not.toHaveProperty(q.urlEnv);
      expect(reprocess).not.toHaveProperty(q.arnEnv);
    }
    // split-batch's own but its trigger's (the tool is invoked, not triggered).
    const trigger = [QUEUES.batchNotifications.urlEnv, QUEUES.batchNotifications.arnEnv];
    expect(Object.keys(environmentOf(FUNCTIONS.operatorRenotifyFile)).sort()).toEqual(
      Object.keys(environmentOf(FUNCTIONS.splitBatch))
        .filter((name) => !trigger.includes(name))
        .sort(),
    );
  });
});
