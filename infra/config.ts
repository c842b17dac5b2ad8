import { DEFAULT_MAX_ROWS } from '../shared/domain/batch/reader';
import { isValidKbo } from '../shared/domain/checksums';
import { DEFAULT_MONTHLY_FILE_DUE_DAY, LAST_DUE_DAY } from '../shared/domain/operations/batch-watch';
import { RECIPIENTS, RETURNING_RECIPIENTS, type Recipient, type ReturningRecipient } from '../shared/domain/recipients';
import {
  type BoundedRetention,
  DEFAULT_RAW_FILE_RETENTION_DAYS,
  DEFAULT_REFUSED_MESSAGE_RETENTION_DAYS,
  DEFAULT_REPLAY_WINDOW_DAYS,
  describeDayBounds,
  isWithinDayBounds,
  RETENTION_BOUNDS,
} from '../shared/domain/retention';
import { sandboxPartyRoleName } from './naming';
import { accountOfRoleArn, hostOfHttpsUrl, placeholderProblems } from './stage-checks';

/**
 * Typed per-stage configuration: everything that differs between deployments of the hub. No
 * physical resource name lives here (CloudFormation names the resources, but for the few that
 * partners name, made from the stage's name in naming.ts); only what is outside the stacks: the
 * account, the parties' roles and enterprise numbers, the operators' e-mail.
 */

/** A party that reads its own outbound queue (and, for VDAB/ACTIRIS/PPS, writes its inbound one). */
export interface PartyConfig {
  /** The party's IAM role, in the party's own AWS account, that polls its queues. */
  readonly roleArn: string;
}

/** A recipient that sends validations and corrections back (VDAB, ACTIRIS). */
export interface ReturningRecipientConfig extends PartyConfig {
  /** The recipient's enterprise number (KBO/BCE), 10 digits: the only `requesterKbo` its channel may claim. */
  readonly kbo: string;
}

/**
 * Who plays the parties. `partners`: each party's role is in the party's own account (every real
 * stage). `sandbox-roles`: roles that the stage itself creates in the hub's account
 * (infra/sandbox-parties.ts), so that a first deployment needs no partner.
 */
export type PartyRoles = 'partners' | 'sandbox-roles';

export interface StageConfig {
  /** Short stage name, used in stack names (`Art60Hub-<stage>-Stateful`) and the names partners use (`art60-<stage>-…`). */
  readonly stageName: string;
  /** Who plays the parties ({@link PartyRoles}). */
  readonly partyRoles: PartyRoles;
  /** The hub's AWS account (12 digits). */
  readonly account: string;
  /** The hub's region. */
  readonly region: string;
  /** The three recipients; VDAB and ACTIRIS also have an inbound channel and a KBO. */
  readonly recipients: Readonly<Record<ReturningRecipient, ReturningRecipientConfig>> & { readonly FOREM: PartyConfig };
  /** The PPS Social Integration: writes `monthly/` in the inbound bucket, uses its own queues. */
  readonly pps: PartyConfig;
  /** Where alarms are e-mailed (an SNS e-mail subscription, confirmed once by the recipient). */
  readonly alarmEmail: string;
  /**
   * An HTTPS endpoint that gets every alarm too (an SNS HTTPS subscription): an on-call service's
   * SNS integration URL, or a chat relay. A second way in, so that a bouncing mailbox is not the
   * only one; required in a stage that refuses placeholders (docs/deployers.md, "Alarm subscriptions").
   */
  readonly alarmHttpsEndpoint?: string;
  /**
   * The day of the month (1–28, Brussels time) from which a month without a batch file received
   * raises `NoMonthlyFile` (the scheduled check, shared/domain/operations/batch-watch.ts).
   */
  readonly monthlyFileDueDay: number;
  /**
   * `allowed` in the stages that are synthesized with made-up values (dev: placeholder accounts and
   * addresses, for the tests; sandbox: a developer's own account). `refused` in a stage that
   * reaches partners (prod): an account, role, address or endpoint that looks made up fails the
   * synthesis, named.
   */
  readonly placeholders: 'allowed' | 'refused';
  /**
   * The roles of the hub's account that may assume the operator role, and nothing else may: in a
   * real stage the IAM Identity Center permission set's role of the hub's operators
   * (`arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_Art60HubOperator_<id>`),
   * which must exist before the deployment (a trust policy names a role, and IAM refuses one that
   * does not exist). Never the account itself: an administrator would be an operator.
   */
  readonly operatorPrincipalArns: readonly string[];
  /** Days a raw inbound file is kept (return-flows §5: only as long as needed to process and audit it), 1 to 90. */
  readonly rawFileRetentionDays: number;
  /** Days a refused return message is kept for an operator (return-flows §5), 1 to 90. */
  readonly refusedMessageRetentionDays: number;
  /**
   * The replay window (return-flows §5), 30 to 3,640 days: the archive keeps each delivered message
   * this long under S3 Object Lock in compliance mode (nobody, the root user included, deletes it
   * earlier), then its lifecycle destroys it; a re-delivery asked for later is refused.
   */
  readonly replayWindowDays: number;
  /** Alarm when the oldest message on a party's outbound queue is older than this: it stopped polling. */
  readonly oldestMessageAlarmHours: number;
  /**
   * Alarm when a return-flow function refuses this many messages in an hour, whatever their code.
   * Each refusal is answered to its sender (`message.refused`) and kept (`npm run refused`), so one
   * is the sender's to mend; a run of them means a party's integration broke (a schema change, a
   * wrong KBO) and an operator should call them. WRONG_CHANNEL alarms at the first, whatever this is.
   */
  readonly refusedReturnMessagesAlarmPerHour: number;
  /** Share of rejected rows above which a file is refused (monthly-batch §7). */
  readonly maxRejectedShare: number;
  /**
   * The most rows a file may have (monthly-batch §2): the next one makes it `TOO_MANY_ROWS`, read in
   * bounded time. At most 2,000,000: split-batch is measured to deliver that within its timeout.
   */
  readonly maxRows: number;
  /** Days the functions' log groups keep their (redacted) logs. Must be a CloudWatch Logs retention value. */
  readonly logRetentionDays: number;
  /**
   * Name of the SSM SecureString parameter that holds the disclosure HMAC key. Created outside the
   * stacks (CloudFormation cannot create SecureString parameters), encrypted with the stateful
   * stack's disclosure-key KMS key (see README.md, Deployment).
   */
  readonly disclosureKeyParameterName: string;
}

/** The settings a real stage takes unless it has a reason not to: the spec's defaults and the alarms' thresholds. */
export const STAGE_DEFAULTS = {
  monthlyFileDueDay: DEFAULT_MONTHLY_FILE_DUE_DAY,
  rawFileRetentionDays: DEFAULT_RAW_FILE_RETENTION_DAYS,
  refusedMessageRetentionDays: DEFAULT_REFUSED_MESSAGE_RETENTION_DAYS,
  replayWindowDays: DEFAULT_REPLAY_WINDOW_DAYS,
  oldestMessageAlarmHours: 48,
  refusedReturnMessagesAlarmPerHour: 10,
  maxRejectedShare: 0.05,
  maxRows: DEFAULT_MAX_ROWS,
  logRetentionDays: 90,
} as const satisfies Partial<StageConfig>;

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy). */
const LOG_RETENTION_VALUES = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export const STAGES: Readonly<Record<string, StageConfig>> = {
  /** Placeholder accounts and roles; valid shapes, so that the app synthesizes and its tests run. */
  dev: {
    stageName: 'dev',
    partyRoles: 'partners',
    account: '111111111111',
    region: 'eu-west-1',
    recipients: {
      VDAB: { roleArn: 'arn:aws:iam::222222222222:role/art60-hub-consumer', kbo: '0887010362' },
      ACTIRIS: { roleArn: 'arn:aws:iam::333333333333:role/art60-hub-consumer', kbo: '0242220579' },
      FOREM: { roleArn: 'arn:aws:iam::444444444444:role/art60-hub-consumer' },
    },
    pps: { roleArn: 'arn:aws:iam::555555555555:role/art60-hub-producer' },
    alarmEmail: 'art60-hub-operators@example.org',
    alarmHttpsEndpoint: 'https://oncall.example.org/integrations/sns/art60-hub-dev',
    placeholders: 'allowed',
    operatorPrincipalArns: [
      'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Art60HubOperator_0123456789abcdef',
    ],
    ...STAGE_DEFAULTS,
    disclosureKeyParameterName: '/art60-hub/dev/disclosure-hmac-key',
  },
};

export { accountOfRoleArn } from './stage-checks';

/** The most rows a stage may allow a file: twice the default, what split-batch is measured to finish within its timeout. */
const MAX_ROWS_CEILING = 2 * DEFAULT_MAX_ROWS;

/**
 * Every problem with a stage configuration (empty when it is valid). Checked before synthesis, so
 * that a typo in a role ARN or a KBO fails `npm run synth`, not a deployment.
 */
export function stageConfigProblems(config: StageConfig): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(config.stageName))
    problems.push(`stageName "${config.stageName}" must be lower-case letters, digits, dashes`);
  if (!/^\d{12}$/.test(config.account)) problems.push(`account "${config.account}" must be 12 digits`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(config.region)) problems.push(`region "${config.region}" is not a region name`);
  const parties: Array<[string, PartyConfig]> = [
    ...RECIPIENTS.map((r): [string, PartyConfig] => [r, config.recipients[r]]),
    ['PPS', config.pps],
  ];
  const accounts = new Map<string, string>();
  for (const [party, { roleArn }] of parties) {
    const account = accountOfRoleArn(roleArn);
    if (account === undefined) {
      problems.push(`${party}: roleArn "${roleArn}" is not an IAM role ARN`);
      continue;
    }
    // Each party polls from its own account: a shared role would let one party read another's queue.
    const other = accounts.get(roleArn);
    if (other !== undefined) problems.push(`${party} and ${other} share the role ${roleArn}`);
    accounts.set(roleArn, party);
    if (config.partyRoles === 'partners' && account === config.account)
      problems.push(`${party}: its role must be in its own account, not the hub's`);
    // The sandbox's roles are the stage's own (sandbox-parties.ts): the hub's account, their fixed names.
    const sandboxRole = `role/${sandboxPartyRoleName(config.stageName, party)}`;
    if (config.partyRoles === 'sandbox-roles' && (account !== config.account || !roleArn.endsWith(`:${sandboxRole}`)))
      problems.push(`${party}: a sandbox party is played by ${sandboxRole} in the hub's account ${config.account}`);
  }
  for (const r of RETURNING_RECIPIENTS) {
    if (!isValidKbo(config.recipients[r].kbo)) problems.push(`${r}: kbo "${config.recipients[r].kbo}" is not a valid KBO/BCE number`);
  }
  problems.push(...operatorPrincipalProblems(config));
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(config.alarmEmail)) problems.push(`alarmEmail "${config.alarmEmail}" is not an e-mail address`);
  if (config.alarmHttpsEndpoint !== undefined && hostOfHttpsUrl(config.alarmHttpsEndpoint) === undefined)
    problems.push(`alarmHttpsEndpoint "${config.alarmHttpsEndpoint}" is not an https:// URL`);
  if (!Number.isInteger(config.monthlyFileDueDay) || config.monthlyFileDueDay < 1 || config.monthlyFileDueDay > LAST_DUE_DAY)
    problems.push(`monthlyFileDueDay ${config.monthlyFileDueDay} must be a day of the month from 1 to ${LAST_DUE_DAY}`);
  if (config.placeholders === 'refused')
    problems.push(
      ...placeholderProblems({
        ...config,
        partyRoleArns: [...RECIPIENTS.map((r) => [r, config.recipients[r].roleArn] as const), ['PPS', config.pps.roleArn]],
      }),
    );
  problems.push(...retentionProblems(config));
  // Messages live 14 days on the queues: an alarm later than that would fire on nothing.
  if (!(config.oldestMessageAlarmHours > 0 && config.oldestMessageAlarmHours < 14 * 24)) {
    problems.push(`oldestMessageAlarmHours ${config.oldestMessageAlarmHours} must be above 0 and below 336 (14 days)`);
  }
  if (!Number.isInteger(config.refusedReturnMessagesAlarmPerHour) || config.refusedReturnMessagesAlarmPerHour < 1) {
    problems.push(`refusedReturnMessagesAlarmPerHour ${config.refusedReturnMessagesAlarmPerHour} must be a whole number, at least 1`);
  }
  if (!(config.maxRejectedShare >= 0 && config.maxRejectedShare <= 1))
    problems.push(`maxRejectedShare ${config.maxRejectedShare} must be between 0 and 1`);
  if (!Number.isInteger(config.maxRows) || config.maxRows < 1 || config.maxRows > MAX_ROWS_CEILING)
    problems.push(
      `maxRows ${config.maxRows} must be a whole number from 1 to ${MAX_ROWS_CEILING} (what split-batch finishes within its timeout)`,
    );
  if (!LOG_RETENTION_VALUES.includes(config.logRetentionDays))
    problems.push(`logRetentionDays ${config.logRetentionDays} is not a CloudWatch Logs retention value`);
  if (!/^\/[\w./-]+$/.test(config.disclosureKeyParameterName))
    problems.push(
      `disclosureKeyParameterName "${config.disclosureKeyParameterName}" must be an SSM path such as /art60-hub/prod/disclosure-hmac-key`,
    );
  return problems;
}

/**
 * The operators are named roles of the hub's own account: at least one, none of the hub's own roles
 * (`/art60-hub/…`, a function could become an operator), none a party's.
 */
function operatorPrincipalProblems(config: StageConfig): string[] {
  const problems: string[] = [];
  if (config.operatorPrincipalArns.length === 0) problems.push('operatorPrincipalArns must name at least one role');
  const parties = new Set([...RECIPIENTS.map((r) => config.recipients[r].roleArn), config.pps.roleArn]);
  for (const arn of config.operatorPrincipalArns) {
    const account = accountOfRoleArn(arn);
    if (account !== config.account) problems.push(`operatorPrincipalArns: "${arn}" is not a role of the hub's account ${config.account}`);
    else if (arn.includes(':role/art60-hub/')) problems.push(`operatorPrincipalArns: "${arn}" is one of the hub's own roles`);
    if (parties.has(arn)) problems.push(`operatorPrincipalArns: "${arn}" is a party's role`);
  }
  return problems;
}

/** The recipients' KBOs as the functions read them (`RECIPIENT_KBOS`). */
export function recipientKbosJson(config: StageConfig): string {
  const kbos: Partial<Record<Recipient, string>> = {};
  for (const r of RETURNING_RECIPIENTS) kbos[r] = config.recipients[r].kbo;
  return JSON.stringify(kbos);
}

/**
 * The retentions outside the spec's bounds (return-flows §5), each named with its bounds: no stage
 * can be synthesized that keeps data longer, or shorter, than the table allows.
 */
export function retentionProblems(config: Pick<StageConfig, BoundedRetention>): string[] {
  return (Object.keys(RETENTION_BOUNDS) as BoundedRetention[])
    .filter((setting) => !isWithinDayBounds(config[setting], RETENTION_BOUNDS[setting]))
    .map((setting) => `${setting} ${config[setting]} must be ${describeDayBounds(RETENTION_BOUNDS[setting])}`);
}
