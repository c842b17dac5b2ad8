import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGES, stageConfigProblems } from '../../../infra/config';
import { PROJECT_ROOT } from '../../../infra/hub';
import { PROD_VARIABLES } from '../../../infra/prod-stage';
import { resolveStageConfig } from '../../../infra/stage-choice';

/**
 * The prod stage: its deployment values come from the environment of the synthesis, and it
 * refuses to build without them, or with values that look made up, naming each in one line.
 */

const REAL = {
  PROD_ACCOUNT: '493817265014',
  PROD_REGION: 'eu-west-1',
  PROD_VDAB_ROLE_ARN: 'arn:aws:iam::605914382716:role/art60-hub-consumer',
  PROD_ACTIRIS_ROLE_ARN: 'arn:aws:iam::718203946521:role/art60-hub-consumer',
  PROD_FOREM_ROLE_ARN: 'arn:aws:iam::829317450632:role/art60-hub-consumer',
  PROD_PPS_ROLE_ARN: 'arn:aws:iam::930428561743:role/art60-hub-producer',
  PROD_ALARM_EMAIL: 'art60-hub-operators@smals.be',
  PROD_ALARM_HTTPS_ENDPOINT: 'https://events.pagerduty.com/integration/0123abcd/enqueue',
  PROD_OPERATOR_ROLE_ARNS:
    'arn:aws:iam::493817265014:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Art60HubOperator_5f1e2d3c4b5a6978',
} as const;

/** The one-line message a synthesis of prod fails with. */
function refusal(env: Record<string, string>): string {
  try {
    resolveStageConfig('prod', env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('prod was built');
}

describe('the prod stage', () => {
  it('builds from its deployment values, with the parties in their own accounts and both alarm subscriptions', () => {
    const prod = resolveStageConfig('prod', REAL);
    expect(prod).toMatchObject({
      stageName: 'prod',
      partyRoles: 'partners',
      placeholders: 'refused',
      account: REAL.PROD_ACCOUNT,
      region: REAL.PROD_REGION,
      recipients: {
        VDAB: { roleArn: REAL.PROD_VDAB_ROLE_ARN, kbo: '0887010362' },
        ACTIRIS: { roleArn: REAL.PROD_ACTIRIS_ROLE_ARN, kbo: '0242220579' },
        FOREM: { roleArn: REAL.PROD_FOREM_ROLE_ARN },
      },
      pps: { roleArn: REAL.PROD_PPS_ROLE_ARN },
      alarmEmail: REAL.PROD_ALARM_EMAIL,
      alarmHttpsEndpoint: REAL.PROD_ALARM_HTTPS_ENDPOINT,
      disclosureKeyParameterName: '/art60-hub/prod/disclosure-hmac-key',
      operatorPrincipalArns: [REAL.PROD_OPERATOR_ROLE_ARNS],
    });
    expect(stageConfigProblems(prod)).toEqual([]);
  });

  it('names, in one line, every variable that is unset', () => {
    const message = refusal({});
    expect(message.split('\n')).toHaveLength(1);
    for (const [name] of Object.values(PROD_VARIABLES)) expect(message).toContain(name);
    const { PROD_PPS_ROLE_ARN: _pps, PROD_ALARM_HTTPS_ENDPOINT: _https, ...most } = REAL;
    expect(refusal(most)).toBe(
      'Stage "prod" needs what only its deployer knows: set PROD_PPS_ROLE_ARN (the PPS\'s role that uploads and polls, in the PPS\'s account), PROD_ALARM_HTTPS_ENDPOINT (the on-call or chat HTTPS endpoint for alarms)',
    );
  });

  it('refuses placeholder accounts, roles and addresses, naming each, in one line', () => {
    const message = refusal({
      ...REAL,
      PROD_ACCOUNT: '111111111111',
      PROD_OPERATOR_ROLE_ARNS: 'arn:aws:iam::111111111111:role/operators',
      PROD_VDAB_ROLE_ARN: 'arn:aws:iam::222222222222:role/art60-hub-consumer',
      PROD_FOREM_ROLE_ARN: 'arn:aws:iam::123456789012:role/art60-hub-consumer',
      PROD_ALARM_EMAIL: 'ops@example.org',
      PROD_ALARM_HTTPS_ENDPOINT: 'https://hooks.oncall.test/art60',
    });
    expect(message).toBe(
      'Stage "prod" is misconfigured: ' +
        [
          'account "111111111111" is a placeholder',
          'VDAB: roleArn "arn:aws:iam::222222222222:role/art60-hub-consumer" is in a placeholder account',
          'FOREM: roleArn "arn:aws:iam::123456789012:role/art60-hub-consumer" is in a placeholder account',
          'alarmEmail "ops@example.org" is a placeholder address',
          'alarmHttpsEndpoint "https://hooks.oncall.test/art60" is a placeholder address',
        ].join('; '),
    );
  });

  it('refuses an endpoint that is not https, and a role in the hub account, as every partners stage does', () => {
    expect(refusal({ ...REAL, PROD_ALARM_HTTPS_ENDPOINT: 'http://oncall.smals.be/x' })).toBe(
      'Stage "prod" is misconfigured: alarmHttpsEndpoint "http://oncall.smals.be/x" is not an https:// URL',
    );
    expect(refusal({ ...REAL, PROD_PPS_ROLE_ARN: `arn:aws:iam::${REAL.PROD_ACCOUNT}:role/pps` })).toBe(
      'Stage "prod" is misconfigured: PPS: its role must be in its own account, not the hub\'s',
    );
  });

  it('lets dev keep its placeholders (the tests synthesize it), and requires the second subscription only where placeholders are refused', () => {
    const dev = STAGES.dev!;
    expect(dev.placeholders).toBe('allowed');
    expect(stageConfigProblems(dev)).toEqual([]);
    expect(stageConfigProblems({ ...dev, placeholders: 'refused' })).toEqual([
      'account "111111111111" is a placeholder',
      'VDAB: roleArn "arn:aws:iam::222222222222:role/art60-hub-consumer" is in a placeholder account',
      'ACTIRIS: roleArn "arn:aws:iam::333333333333:role/art60-hub-consumer" is in a placeholder account',
      'FOREM: roleArn "arn:aws:iam::444444444444:role/art60-hub-consumer" is in a placeholder account',
      'PPS: roleArn "arn:aws:iam::555555555555:role/art60-hub-producer" is in a placeholder account',
      'alarmEmail "art60-hub-operators@example.org" is a placeholder address',
      'alarmHttpsEndpoint "https://oncall.example.org/integrations/sns/art60-hub-dev" is a placeholder address',
    ]);
    const { alarmHttpsEndpoint: _endpoint, ...withoutEndpoint } = dev;
    expect(stageConfigProblems(withoutEndpoint)).toEqual([]);
    expect(stageConfigProblems({ ...resolveStageConfig('prod', REAL), alarmHttpsEndpoint: undefined })).toEqual([
      'alarmHttpsEndpoint is missing: a second way for the alarms to reach someone',
    ]);
  });

  it('bounds the month’s due day to a day every month has', () => {
    const dev = STAGES.dev!;
    expect(stageConfigProblems({ ...dev, monthlyFileDueDay: 29 })).toEqual([
      'monthlyFileDueDay 29 must be a day of the month from 1 to 28',
    ]);
    expect(stageConfigProblems({ ...dev, monthlyFileDueDay: 0 })).toHaveLength(1);
    expect(stageConfigProblems({ ...dev, monthlyFileDueDay: 28 })).toEqual([]);
  });
});

describe('the app', () => {
  it('ends a synthesis of prod with the reason on one line of stderr, exit 1, no stack trace', () => {
    const env: Record<string, string | undefined> = { ...process.env, STAGE: 'prod', ...REAL, PROD_ALARM_EMAIL: 'ops@example.org' };
    delete env.PROD_ACCOUNT;
    const run = spawnSync(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['infra/app.ts'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('Stage "prod" needs what only its deployer knows: set PROD_ACCOUNT (the hub\'s AWS account, 12 digits)\n');
  }, 60_000);
});
