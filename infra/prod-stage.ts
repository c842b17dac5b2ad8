import { type Environment, readConfig, text } from '../shared/configuration/read-config';
import { STAGE_DEFAULTS, type StageConfig } from './config';

/**
 * The `prod` stage: what it takes from the environment of the synthesis (the accounts, roles and
 * addresses that only the deployer knows, none of them written in the repository) and the rest of
 * it (retentions, thresholds). It is validated where every stage is (infra/config.ts), placeholders
 * refused.
 */

export const PROD_STAGE = 'prod';

/** Each value and the variable that gives it, with what it is, for the error message. */
export const PROD_VARIABLES = {
  account: ['PROD_ACCOUNT', "the hub's AWS account, 12 digits"],
  region: ['PROD_REGION', "the hub's region, e.g. eu-west-1"],
  vdabRoleArn: ['PROD_VDAB_ROLE_ARN', "VDAB's role that polls its queues, in VDAB's account"],
  actirisRoleArn: ['PROD_ACTIRIS_ROLE_ARN', "Actiris's role, in Actiris's account"],
  foremRoleArn: ['PROD_FOREM_ROLE_ARN', "FOREM's role, in FOREM's account"],
  ppsRoleArn: ['PROD_PPS_ROLE_ARN', "the PPS's role that uploads and polls, in the PPS's account"],
  alarmEmail: ['PROD_ALARM_EMAIL', "the operators' mailbox for alarms"],
  alarmHttpsEndpoint: ['PROD_ALARM_HTTPS_ENDPOINT', 'the on-call or chat HTTPS endpoint for alarms'],
  operatorRoleArns: ['PROD_OPERATOR_ROLE_ARNS', "the roles of the hub's account that may assume the operator role, comma-separated"],
} as const satisfies Record<string, readonly [string, string]>;

export type ProdSettings = { readonly [K in keyof typeof PROD_VARIABLES]: string };

/**
 * The prod stage's deployment values from the environment.
 * @throws Error naming, in one line, every variable that is unset.
 */
export function prodSettingsFromEnv(env?: Environment): ProdSettings {
  const schemas = Object.fromEntries(Object.values(PROD_VARIABLES).map(([name]) => [name, text().optional()]));
  const values = readConfig(schemas, env) as Readonly<Record<string, string | undefined>>;
  const missing = Object.values(PROD_VARIABLES).filter(([name]) => values[name] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `Stage "${PROD_STAGE}" needs what only its deployer knows: set ${missing.map(([name, what]) => `${name} (${what})`).join(', ')}`,
    );
  }
  return Object.fromEntries(Object.entries(PROD_VARIABLES).map(([key, [name]]) => [key, values[name] as string])) as ProdSettings;
}

/**
 * The production stage: the parties' own roles in their own accounts, the deployment's values from
 * its environment ({@link prodSettingsFromEnv}), the default retentions. It refuses placeholders.
 */
export function prodConfig(settings: ProdSettings): StageConfig {
  return {
    stageName: PROD_STAGE,
    partyRoles: 'partners',
    account: settings.account,
    region: settings.region,
    recipients: {
      VDAB: { roleArn: settings.vdabRoleArn, kbo: '0887010362' },
      ACTIRIS: { roleArn: settings.actirisRoleArn, kbo: '0242220579' },
      FOREM: { roleArn: settings.foremRoleArn },
    },
    pps: { roleArn: settings.ppsRoleArn },
    alarmEmail: settings.alarmEmail,
    alarmHttpsEndpoint: settings.alarmHttpsEndpoint,
    operatorPrincipalArns: settings.operatorRoleArns
      .split(',')
      .map((arn) => arn.trim())
      .filter((arn) => arn !== ''),
    placeholders: 'refused',
    ...STAGE_DEFAULTS,
    disclosureKeyParameterName: `/art60-hub/${PROD_STAGE}/disclosure-hmac-key`,
  };
}
