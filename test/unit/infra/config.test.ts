import { describe, expect, it } from 'vitest';
import {
  accountOfRoleArn,
  recipientKbosJson,
  retentionProblems,
  STAGES,
  type StageConfig,
  stageConfigProblems,
} from '../../../infra/config';
import { chooseStage, resolveStageConfig, stageFromArgs } from '../../../infra/stage-choice';
import { isValidKbo } from '../../../shared/domain/checksums';

const dev = STAGES.dev!;
const withChanges = (change: (c: StageConfig) => StageConfig) => stageConfigProblems(change(dev));

describe('stage configuration', () => {
  it('has a valid dev stage with placeholder accounts and valid KBO numbers', () => {
    expect(stageConfigProblems(dev)).toEqual([]);
    expect(isValidKbo(dev.recipients.VDAB.kbo)).toBe(true);
    expect(isValidKbo(dev.recipients.ACTIRIS.kbo)).toBe(true);
    expect([dev.recipients.VDAB, dev.recipients.ACTIRIS, dev.recipients.FOREM, dev.pps].map((p) => accountOfRoleArn(p.roleArn))).toEqual([
      '222222222222',
      '333333333333',
      '444444444444',
      '555555555555',
    ]);
  });

  it("names the operators by role, in the hub's account: never none, the account itself, a hub role or a party's", () => {
    expect(withChanges((c) => ({ ...c, operatorPrincipalArns: [] }))).toEqual(['operatorPrincipalArns must name at least one role']);
    expect(withChanges((c) => ({ ...c, operatorPrincipalArns: ['arn:aws:iam::111111111111:root'] }))).toEqual([
      `operatorPrincipalArns: "arn:aws:iam::111111111111:root" is not a role of the hub's account 111111111111`,
    ]);
    expect(withChanges((c) => ({ ...c, operatorPrincipalArns: ['arn:aws:iam::111111111111:role/art60-hub/dev/split-batch/x'] }))).toEqual([
      `operatorPrincipalArns: "arn:aws:iam::111111111111:role/art60-hub/dev/split-batch/x" is one of the hub's own roles`,
    ]);
    expect(withChanges((c) => ({ ...c, operatorPrincipalArns: [c.pps.roleArn] }))).toEqual([
      `operatorPrincipalArns: "${dev.pps.roleArn}" is not a role of the hub's account 111111111111`,
      `operatorPrincipalArns: "${dev.pps.roleArn}" is a party's role`,
    ]);
  });

  it('refuses an invalid KBO, a malformed role ARN, a role shared by two parties and a role in the hub account', () => {
    expect(
      withChanges((c) => ({ ...c, recipients: { ...c.recipients, ACTIRIS: { ...c.recipients.ACTIRIS, kbo: '0242220519' } } })),
    ).toEqual(['ACTIRIS: kbo "0242220519" is not a valid KBO/BCE number']);
    expect(withChanges((c) => ({ ...c, pps: { roleArn: 'arn:aws:iam::555555555555:user/someone' } }))).toEqual([
      'PPS: roleArn "arn:aws:iam::555555555555:user/someone" is not an IAM role ARN',
    ]);
    expect(withChanges((c) => ({ ...c, recipients: { ...c.recipients, FOREM: { roleArn: c.recipients.VDAB.roleArn } } }))).toEqual([
      `FOREM and VDAB share the role ${dev.recipients.VDAB.roleArn}`,
    ]);
    expect(withChanges((c) => ({ ...c, pps: { roleArn: 'arn:aws:iam::111111111111:role/pps' } }))).toEqual([
      "PPS: its role must be in its own account, not the hub's",
    ]);
  });

  it.each([
    ['rawFileRetentionDays', 1, 90, 'a whole number of days from 1 to 90'],
    ['refusedMessageRetentionDays', 1, 90, 'a whole number of days from 1 to 90'],
    ['replayWindowDays', 30, 3640, 'a whole number of days from 30 to 3,640'],
  ] as const)('takes %s from %i to %i days, both included, and names the setting and its bounds outside', (setting, min, max, bounds) => {
    for (const inside of [min, min + 1, max - 1, max]) expect(withChanges((c) => ({ ...c, [setting]: inside }))).toEqual([]);
    for (const outside of [min - 1, max + 1, min + 0.5, Number.NaN])
      expect(withChanges((c) => ({ ...c, [setting]: outside }))).toEqual([`${setting} ${outside} must be ${bounds}`]);
  });

  it('fails the synthesis of a stage whose retention is out of bounds, with one line naming the setting and its bounds', () => {
    const stage = { ...dev, stageName: 'wide', rawFileRetentionDays: 3653, replayWindowDays: 5475 };
    expect(stageConfigProblems(stage)).toEqual([
      'rawFileRetentionDays 3653 must be a whole number of days from 1 to 90',
      'replayWindowDays 5475 must be a whole number of days from 30 to 3,640',
    ]);
    expect(retentionProblems(dev)).toEqual([]);
  });

  it('bounds the alarm hours, the log retention and the rejected share', () => {
    expect(withChanges((c) => ({ ...c, oldestMessageAlarmHours: 336 }))).toHaveLength(1);
    expect(withChanges((c) => ({ ...c, logRetentionDays: 100 }))).toEqual([
      'logRetentionDays 100 is not a CloudWatch Logs retention value',
    ]);
    expect(withChanges((c) => ({ ...c, maxRejectedShare: 1.5 }))).toHaveLength(1);
    // The maximum of rows: a whole number, at most what split-batch is measured to finish in its timeout.
    expect(withChanges((c) => ({ ...c, maxRows: 0 }))).toHaveLength(1);
    expect(withChanges((c) => ({ ...c, maxRows: 1.5 }))).toHaveLength(1);
    expect(withChanges((c) => ({ ...c, maxRows: 2_000_001 }))).toEqual([
      'maxRows 2000001 must be a whole number from 1 to 2000000 (what split-batch finishes within its timeout)',
    ]);
    expect(withChanges((c) => ({ ...c, maxRows: 2_000_000 }))).toEqual([]);
    expect(withChanges((c) => ({ ...c, refusedReturnMessagesAlarmPerHour: 0 }))).toEqual([
      'refusedReturnMessagesAlarmPerHour 0 must be a whole number, at least 1',
    ]);
    expect(withChanges((c) => ({ ...c, refusedReturnMessagesAlarmPerHour: 2.5 }))).toHaveLength(1);
  });

  it('takes the stage from -c stage or STAGE, one of them or both agreeing, and refuses an unknown one', () => {
    expect(resolveStageConfig('dev', {}).stageName).toBe('dev');
    expect(resolveStageConfig(undefined, { STAGE: 'dev' }).stageName).toBe('dev');
    expect(resolveStageConfig('dev', { STAGE: 'dev' }).stageName).toBe('dev');
    expect(resolveStageConfig('', { STAGE: 'dev', OTHER: 'x' }).stageName).toBe('dev');
    expect(() => resolveStageConfig('acc', {})).toThrow('Unknown stage "acc"; known stages: dev, sandbox, prod');
  });

  it('has no default stage: with neither -c stage nor STAGE it fails naming both ways', () => {
    for (const [context, env] of [
      [undefined, {}],
      ['', { STAGE: '' }],
    ] as const) {
      expect(() => chooseStage(context, env)).toThrow(
        /^No stage given; choose one with `-c stage=<name>`.* or the STAGE environment variable$/,
      );
    }
  });

  it('fails when -c stage and STAGE name different stages, rather than build either', () => {
    expect(() => chooseStage('dev', { STAGE: 'prod' })).toThrow(
      /^Two stages given: "dev" by -c stage and "prod" by STAGE; give one, with `-c stage=<name>`/,
    );
  });

  it('reads -c stage from the arguments of an app run directly, the last one winning', () => {
    expect(stageFromArgs(['node', 'app.ts'])).toBeUndefined();
    expect(stageFromArgs(['node', 'app.ts', '-c', 'stage=dev'])).toBe('dev');
    expect(stageFromArgs(['node', 'app.ts', '--context', 'stage=acc'])).toBe('acc');
    expect(stageFromArgs(['node', 'app.ts', '--context=stage=acc'])).toBe('acc');
    expect(stageFromArgs(['node', 'app.ts', '-c', 'stage=dev', '-c', 'stage=prod'])).toBe('prod');
    expect(stageFromArgs(['node', 'app.ts', '-c', 'other=x'])).toBeUndefined();
  });

  it('passes the returning recipients their KBOs as JSON, FOREM having none', () => {
    expect(JSON.parse(recipientKbosJson(dev))).toEqual({ VDAB: '0887010362', ACTIRIS: '0242220579' });
  });
});
