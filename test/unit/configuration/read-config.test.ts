import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readDisclosureKeySource } from '../../../shared/configuration/disclosure-key-source';
import {
  configSchemaOf,
  queueArnOf,
  queueUrlOf,
  readFunctionConfig,
  triggerQueueUrlsOf,
} from '../../../shared/configuration/function-config';
import { ConfigurationError, json, readConfig, secret, share, text, wholeNumber } from '../../../shared/configuration/read-config';
import { variablesOf } from '../../../shared/function-environment';
import { FUNCTIONS, QUEUES } from '../../../shared/topology';

const problemOf = (read: () => unknown): string => {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return String(error);
  }
  throw new Error('expected a ConfigurationError');
};

describe('readConfig', () => {
  it('reads each variable through its schema', () => {
    expect(
      readConfig({ BUCKET_STAGING: text(), MAX_REJECTED_SHARE: share() }, { BUCKET_STAGING: 'staging', MAX_REJECTED_SHARE: '0.1' }),
    ).toEqual({
      BUCKET_STAGING: 'staging',
      MAX_REJECTED_SHARE: 0.1,
    });
  });

  it('names a missing variable, and counts an empty one as missing', () => {
    expect(problemOf(() => readConfig({ BUCKET_STAGING: text() }, {}))).toBe('Error: environment variable BUCKET_STAGING is not set');
    expect(problemOf(() => readConfig({ BUCKET_STAGING: text() }, { BUCKET_STAGING: '' }))).toBe(
      'Error: environment variable BUCKET_STAGING is not set',
    );
  });

  it('names an invalid variable, what it must be and what it holds', () => {
    for (const raw of ['abc', '1.5', '-0.1', ' ']) {
      expect(problemOf(() => readConfig({ MAX_REJECTED_SHARE: share() }, { MAX_REJECTED_SHARE: raw }))).toBe(
        `Error: MAX_REJECTED_SHARE must be a number between 0 and 1, got ${JSON.stringify(raw)}`,
      );
    }
    expect(problemOf(() => readConfig({ DAYS: wholeNumber(1, 10, 'a whole number of days from 1 to 10') }, { DAYS: '2.5' }))).toBe(
      'Error: DAYS must be a whole number of days from 1 to 10, got "2.5"',
    );
    expect(problemOf(() => readConfig({ KBOS: json(z.object({ VDAB: z.string() }), 'JSON with a KBO') }, { KBOS: '{' }))).toBe(
      'Error: KBOS must be JSON with a KBO, got "{"',
    );
  });

  it('lists every problem, one line each, and never repeats a secret', () => {
    const message = problemOf(() =>
      readConfig({ A: text(), B: share(), KEY: secret(wholeNumber(0, 1, 'a bit')) }, { B: 'x', KEY: 'deadbeef' }),
    );
    expect(message.split('\n')).toEqual([
      'Error: environment variable A is not set',
      'B must be a number between 0 and 1, got "x"',
      'KEY must be a bit',
    ]);
    expect(message).not.toContain('deadbeef');
  });

  it('applies a default only to an unset variable', () => {
    const schemas = { MAX_REJECTED_SHARE: share().default(0.05) };
    expect(readConfig(schemas, {})).toEqual({ MAX_REJECTED_SHARE: 0.05 });
    expect(readConfig(schemas, { MAX_REJECTED_SHARE: '' })).toEqual({ MAX_REJECTED_SHARE: 0.05 });
    expect(readConfig(schemas, { MAX_REJECTED_SHARE: '0' })).toEqual({ MAX_REJECTED_SHARE: 0 });
  });
});

const SPLIT_BATCH_ENV = {
  BUCKET_INBOUND: 'inbound-bucket',
  BUCKET_STAGING: 'staging-bucket',
  BUCKET_ARCHIVE: 'archive-bucket',
  BUCKET_REPORTS: 'reports-bucket',
  TABLE_BATCHES: 'batches-table',
  TABLE_PAYMENT_LINES: 'lines-table',
  TABLE_DISCLOSURES: 'disclosures-table',
  TABLE_DELIVERY_PROOFS: 'proofs-table',
  QUEUE_URL_OUTBOUND_VDAB: 'https://sqs/vdab',
  QUEUE_URL_OUTBOUND_ACTIRIS: 'https://sqs/actiris',
  QUEUE_URL_OUTBOUND_FOREM: 'https://sqs/forem',
  QUEUE_URL_OUTBOUND_PPS: 'https://sqs/pps',
  QUEUE_URL_BATCH_NOTIFICATIONS: 'https://sqs/batch-notifications',
  QUEUE_ARN_BATCH_NOTIFICATIONS: 'arn:batch-notifications',
  DISCLOSURE_KEY_PARAMETER: '/art60-hub/dev/disclosure-hmac-key',
};

describe('readFunctionConfig', () => {
  it('reads exactly the variables a function declares', () => {
    for (const fn of Object.values(FUNCTIONS)) {
      const names = variablesOf(fn).map((v) => v.name);
      expect(Object.keys(configSchemaOf(fn)).sort()).toEqual([...names, ...(fn.uses.disclosureKey ? ['DISCLOSURE_KEY_LOCAL'] : [])].sort());
    }
  });

  it("gives split-batch its buckets, tables, its queue, the recipients' and the PPS's queue URLs, its share and the key's parameter", () => {
    const config = readFunctionConfig(FUNCTIONS.splitBatch, SPLIT_BATCH_ENV);
    expect(config).toEqual({
      buckets: { inbound: 'inbound-bucket', staging: 'staging-bucket', archive: 'archive-bucket', reports: 'reports-bucket' },
      tables: { batches: 'batches-table', paymentLines: 'lines-table', disclosures: 'disclosures-table', deliveryProofs: 'proofs-table' },
      queueUrls: {
        'batch-notifications': 'https://sqs/batch-notifications',
        'outbound-vdab': 'https://sqs/vdab',
        'outbound-actiris': 'https://sqs/actiris',
        'outbound-forem': 'https://sqs/forem',
        'outbound-pps': 'https://sqs/pps',
      },
      queueArns: { 'batch-notifications': 'arn:batch-notifications' },
      settings: { maxRejectedShare: 0.05, maxRows: 1_000_000 },
      disclosureKey: { parameterName: '/art60-hub/dev/disclosure-hmac-key' },
    });
    expect(queueUrlOf(config, QUEUES.recipientOutbound.FOREM)).toBe('https://sqs/forem');
    expect(() => queueUrlOf(config, QUEUES.ocmwOutbound)).toThrow(/outbound-ocmw is not a queue this function declares/);
    // A failed notification's visibility is changed by its queue's URL; the record names its queue by ARN.
    expect(triggerQueueUrlsOf(config, FUNCTIONS.splitBatch)('arn:batch-notifications')).toBe('https://sqs/batch-notifications');
    expect(triggerQueueUrlsOf(config, FUNCTIONS.splitBatch)('arn:elsewhere')).toBeUndefined();
  });

  it('takes the laptop key when there is no parameter, and names the variable when there is neither', () => {
    const { DISCLOSURE_KEY_PARAMETER: _, ...laptop } = SPLIT_BATCH_ENV;
    expect(readFunctionConfig(FUNCTIONS.splitBatch, { ...laptop, DISCLOSURE_KEY_LOCAL: 'ab'.repeat(32) }).disclosureKey).toEqual({
      localHex: 'ab'.repeat(32),
    });
    expect(problemOf(() => readFunctionConfig(FUNCTIONS.splitBatch, laptop))).toBe(
      'Error: environment variable DISCLOSURE_KEY_PARAMETER is not set (on the laptop: DISCLOSURE_KEY_LOCAL)',
    );
  });

  it('takes the parameter when both are set: a laptop key left in the environment never replaces SSM', () => {
    const both = { ...SPLIT_BATCH_ENV, DISCLOSURE_KEY_LOCAL: 'cd'.repeat(32) };
    expect(readFunctionConfig(FUNCTIONS.splitBatch, both).disclosureKey).toEqual({ parameterName: '/art60-hub/dev/disclosure-hmac-key' });
  });

  it("reads the key's source for a script from the same variables as a function's", () => {
    expect(readDisclosureKeySource({ DISCLOSURE_KEY_PARAMETER: '/p', DISCLOSURE_KEY_LOCAL: 'cd'.repeat(32) })).toEqual({
      parameterName: '/p',
    });
    expect(readDisclosureKeySource({ DISCLOSURE_KEY_LOCAL: 'cd'.repeat(32) })).toEqual({ localHex: 'cd'.repeat(32) });
    expect(problemOf(() => readDisclosureKeySource({}))).toBe(
      'Error: environment variable DISCLOSURE_KEY_PARAMETER is not set (on the laptop: DISCLOSURE_KEY_LOCAL)',
    );
  });

  it('names the missing or invalid variables of a function', () => {
    const { BUCKET_STAGING: _, ...withoutStaging } = SPLIT_BATCH_ENV;
    expect(problemOf(() => readFunctionConfig(FUNCTIONS.splitBatch, withoutStaging))).toBe(
      'Error: environment variable BUCKET_STAGING is not set',
    );
    expect(problemOf(() => readFunctionConfig(FUNCTIONS.splitBatch, { ...SPLIT_BATCH_ENV, MAX_REJECTED_SHARE: 'abc' }))).toBe(
      'Error: MAX_REJECTED_SHARE must be a number between 0 and 1, got "abc"',
    );
    expect(problemOf(() => readFunctionConfig(FUNCTIONS.splitBatch, { ...SPLIT_BATCH_ENV, MAX_ROWS: '0' }))).toMatch(
      /^Error: MAX_ROWS must be/,
    );
    expect(readFunctionConfig(FUNCTIONS.splitBatch, { ...SPLIT_BATCH_ENV, MAX_ROWS: '250000' }).settings).toMatchObject({
      maxRows: 250_000,
    });
  });

  it('reads the return flows’ settings: the recipients’ KBOs (region-inbound) and the retention of refused messages', () => {
    const env = {
      QUEUE_ARN_INBOUND_VDAB: 'arn:inbound-vdab',
      QUEUE_ARN_INBOUND_ACTIRIS: 'arn:inbound-actiris',
      QUEUE_URL_INBOUND_VDAB: 'in1',
      QUEUE_URL_INBOUND_ACTIRIS: 'in2',
      QUEUE_URL_OUTBOUND_VDAB: 'u1',
      QUEUE_URL_OUTBOUND_ACTIRIS: 'u2',
      QUEUE_URL_OUTBOUND_PPS: 'u3',
      TABLE_PAYMENT_LINES: 'p',
      TABLE_CORRECTIONS: 'c',
      TABLE_REFUSED_MESSAGES: 'r',
      TABLE_DISCLOSURES: 'd',
      RECIPIENT_KBOS: JSON.stringify({ VDAB: '0887010362', ACTIRIS: '0242220579' }),
      DISCLOSURE_KEY_PARAMETER: '/art60-hub/dev/disclosure-hmac-key',
    };
    const config = readFunctionConfig(FUNCTIONS.regionInbound, env);
    expect(config.settings).toEqual({ recipientKbos: { VDAB: '0887010362', ACTIRIS: '0242220579' }, refusedMessageRetentionDays: 30 });
    expect(config.queueArns).toEqual({ 'inbound-vdab': 'arn:inbound-vdab', 'inbound-actiris': 'arn:inbound-actiris' });
    expect(queueArnOf(config, QUEUES.recipientInbound.ACTIRIS)).toBe('arn:inbound-actiris');
    expect(() => queueArnOf(config, QUEUES.ppsInbound)).toThrow(/inbound-pps is not a trigger of this function/);
    expect(problemOf(() => readFunctionConfig(FUNCTIONS.regionInbound, { ...env, RECIPIENT_KBOS: '{"VDAB":"123"}' }))).toBe(
      'Error: RECIPIENT_KBOS must be JSON with the 10-digit KBO of VDAB and ACTIRIS, got "{\\"VDAB\\":\\"123\\"}"',
    );
    expect(problemOf(() => readFunctionConfig(FUNCTIONS.regionInbound, { ...env, REFUSED_MESSAGE_RETENTION_DAYS: '0' }))).toBe(
      'Error: REFUSED_MESSAGE_RETENTION_DAYS must be a whole number of days from 1 to 90, got "0"',
    );
    // The spec's bounds, both ends (return-flows §5): 1 to 90 days.
    for (const days of ['1', '90'])
      expect(
        readFunctionConfig(FUNCTIONS.regionInbound, { ...env, REFUSED_MESSAGE_RETENTION_DAYS: days }).settings.refusedMessageRetentionDays,
      ).toBe(Number(days));
    expect(problemOf(() => readFunctionConfig(FUNCTIONS.regionInbound, { ...env, REFUSED_MESSAGE_RETENTION_DAYS: '91' }))).toBe(
      'Error: REFUSED_MESSAGE_RETENTION_DAYS must be a whole number of days from 1 to 90, got "91"',
    );
  });

  it('reads what pps-inbound uses: its channel, the queues it sends to, three tables, the retention, and no disclosure key', () => {
    const env = {
      QUEUE_ARN_INBOUND_PPS: 'arn:inbound-pps',
      QUEUE_URL_INBOUND_PPS: 'in',
      QUEUE_URL_OUTBOUND_VDAB: 'u1',
      QUEUE_URL_OUTBOUND_ACTIRIS: 'u2',
      QUEUE_URL_OUTBOUND_PPS: 'u3',
      QUEUE_URL_OUTBOUND_OCMW: 'u4',
      TABLE_CORRECTIONS: 'c',
      TABLE_REFUSED_MESSAGES: 'r',
      TABLE_DISCLOSURES: 'd',
    };
    const config = readFunctionConfig(FUNCTIONS.ppsInbound, env);
    expect(config.settings).toEqual({ refusedMessageRetentionDays: 30 });
    expect(config.tables).toEqual({ corrections: 'c', refusedMessages: 'r', disclosures: 'd' });
    expect(config.queueArns).toEqual({ 'inbound-pps': 'arn:inbound-pps' });
    expect(config.disclosureKey).toBeUndefined();
    expect(problemOf(() => readFunctionConfig(FUNCTIONS.ppsInbound, { ...env, REFUSED_MESSAGE_RETENTION_DAYS: '0' }))).toBe(
      'Error: REFUSED_MESSAGE_RETENTION_DAYS must be a whole number of days from 1 to 90, got "0"',
    );
  });

  it('reads what operator-redeliver uses: the archive, the batches and disclosures tables, the recipients’ queues, the key and the replay window, 30 to 3,640 days, required', () => {
    const env = {
      BUCKET_ARCHIVE: 'a',
      TABLE_BATCHES: 'b',
      TABLE_DISCLOSURES: 'd',
      DISCLOSURE_KEY_PARAMETER: '/art60-hub/dev/disclosure-hmac-key',
      QUEUE_URL_OUTBOUND_VDAB: 'u1',
      QUEUE_URL_OUTBOUND_ACTIRIS: 'u2',
      QUEUE_URL_OUTBOUND_FOREM: 'u3',
      REPLAY_WINDOW_DAYS: '400',
    };
    expect(readFunctionConfig(FUNCTIONS.operatorRedeliver, env).settings).toEqual({ replayWindowDays: 400 });
    for (const days of ['30', '3640'])
      expect(readFunctionConfig(FUNCTIONS.operatorRedeliver, { ...env, REPLAY_WINDOW_DAYS: days }).settings.replayWindowDays).toBe(
        Number(days),
      );
    for (const days of ['29', '3641', '30.5'])
      expect(problemOf(() => readFunctionConfig(FUNCTIONS.operatorRedeliver, { ...env, REPLAY_WINDOW_DAYS: days }))).toBe(
        `Error: REPLAY_WINDOW_DAYS must be a whole number of days from 30 to 3,640, got "${days}"`,
      );
    const { REPLAY_WINDOW_DAYS: _window, ...withoutWindow } = env;
    expect(problemOf(() => readFunctionConfig(FUNCTIONS.operatorRedeliver, withoutWindow))).toBe(
      'Error: environment variable REPLAY_WINDOW_DAYS is not set',
    );
  });
});
