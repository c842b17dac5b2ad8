import { type Environment, readConfig, text } from '../shared/configuration/read-config';
import { DEFAULT_MAX_ROWS } from '../shared/domain/batch/reader';
import { DEFAULT_MONTHLY_FILE_DUE_DAY } from '../shared/domain/operations/batch-watch';
import { RETENTION_BOUNDS } from '../shared/domain/retention';
import type { StageConfig } from './config';
import { sandboxOperatorRoleName, sandboxPartyRoleName } from './naming';

/** The stage whose parties are played by roles in the hub's own account, wherever the credentials point. */
export const SANDBOX_STAGE = 'sandbox';

/**
 * The sandbox stage: the hub in whatever account and region the credentials name (the CDK CLI
 * sets `CDK_DEFAULT_ACCOUNT` and `CDK_DEFAULT_REGION` from them), each party played by a role of
 * that same account (infra/sandbox-parties.ts), the alarms e-mailed to `alarmEmail`. Short
 * retentions: a sandbox holds synthetic data only.
 */
export function sandboxConfig(account: string, region: string, alarmEmail: string, alarmHttpsEndpoint?: string): StageConfig {
  const role = (party: string) => `arn:aws:iam::${account}:role/${sandboxPartyRoleName(SANDBOX_STAGE, party)}`;
  return {
    stageName: SANDBOX_STAGE,
    partyRoles: 'sandbox-roles',
    account,
    region,
    recipients: {
      VDAB: { roleArn: role('VDAB'), kbo: '0887010362' },
      ACTIRIS: { roleArn: role('ACTIRIS'), kbo: '0242220579' },
      FOREM: { roleArn: role('FOREM') },
    },
    pps: { roleArn: role('PPS') },
    alarmEmail,
    ...(alarmHttpsEndpoint === undefined ? {} : { alarmHttpsEndpoint }),
    monthlyFileDueDay: DEFAULT_MONTHLY_FILE_DUE_DAY,
    placeholders: 'allowed',
    // The sandbox's parties stack creates it (sandbox-parties.ts), before the hub's stacks.
    operatorPrincipalArns: [`arn:aws:iam::${account}:role/${sandboxOperatorRoleName(SANDBOX_STAGE)}`],
    rawFileRetentionDays: 1,
    refusedMessageRetentionDays: 1,
    // The least window: its archive objects cannot be deleted, nor the bucket, before it ends.
    replayWindowDays: RETENTION_BOUNDS.replayWindowDays.min,
    oldestMessageAlarmHours: 48,
    refusedReturnMessagesAlarmPerHour: 10,
    maxRejectedShare: 0.05,
    maxRows: DEFAULT_MAX_ROWS,
    logRetentionDays: 7,
    disclosureKeyParameterName: `/art60-hub/${SANDBOX_STAGE}/disclosure-hmac-key`,
  };
}

/**
 * The sandbox's configuration from the environment: `CDK_DEFAULT_ACCOUNT` and `CDK_DEFAULT_REGION`
 * (set by the CDK CLI from the credentials) and `SANDBOX_ALARM_EMAIL` (yours, to see an alarm arrive).
 */
export function sandboxConfigFromEnv(env?: Environment): StageConfig {
  const problems: string[] = [];
  const { CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION, SANDBOX_ALARM_EMAIL, SANDBOX_ALARM_HTTPS_ENDPOINT } = readConfig(
    {
      CDK_DEFAULT_ACCOUNT: text().optional(),
      CDK_DEFAULT_REGION: text().optional(),
      SANDBOX_ALARM_EMAIL: text().optional(),
      SANDBOX_ALARM_HTTPS_ENDPOINT: text().optional(),
    },
    env,
  );
  if (CDK_DEFAULT_ACCOUNT === undefined || CDK_DEFAULT_REGION === undefined)
    problems.push(
      'the sandbox deploys where your credentials point, and none were found (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION are unset): run it through the CDK CLI (`npm run deploy -- -c stage=sandbox`) with credentials',
    );
  if (SANDBOX_ALARM_EMAIL === undefined) problems.push('set SANDBOX_ALARM_EMAIL to the address that should get the alarms');
  if (problems.length > 0) throw new Error(`Stage "${SANDBOX_STAGE}": ${problems.join('; ')}`);
  return sandboxConfig(
    CDK_DEFAULT_ACCOUNT as string,
    CDK_DEFAULT_REGION as string,
    SANDBOX_ALARM_EMAIL as string,
    SANDBOX_ALARM_HTTPS_ENDPOINT,
  );
}
