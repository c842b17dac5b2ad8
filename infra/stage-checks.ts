/**
 * The string checks of a stage's values (infra/config.ts validates a stage with them): what a role
 * ARN names, whether a URL is https, and what looks made up.
 */

const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** The account of a role ARN, or undefined when it is not one. */
export function accountOfRoleArn(arn: string): string | undefined {
  return ROLE_ARN.exec(arn)?.[2];
}

/** The host of an https:// URL, lower-case, or undefined when it is not one. */
export function hostOfHttpsUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.hostname !== '' ? parsed.hostname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** Accounts that documentation and tests make up: one digit twelve times, or the counting ones. */
export function isPlaceholderAccount(account: string): boolean {
  return /^(\d)\1{11}$/.test(account) || account === '123456789012' || account === '012345678901';
}

/** Hosts reserved for examples and tests (RFC 2606, RFC 6761): example.com/.org/.net and the .example, .test, .invalid, .localhost names. */
export function isPlaceholderHost(host: string): boolean {
  return /(^|\.)(example\.(com|org|net)|example|test|invalid|localhost)$/.test(host.toLowerCase());
}

/** What {@link placeholderProblems} reads of a stage. */
export interface PlaceholderCandidates {
  readonly account: string;
  readonly partyRoleArns: ReadonlyArray<readonly [party: string, roleArn: string]>;
  readonly alarmEmail: string;
  readonly alarmHttpsEndpoint?: string;
}

/**
 * What looks made up in a stage that reaches partners: the hub's account, a party's role in a
 * made-up account, an address or endpoint at a domain reserved for examples; and the second alarm
 * subscription must be there. Each named, so that a deployer knows what to set.
 */
export function placeholderProblems(stage: PlaceholderCandidates): string[] {
  const problems: string[] = [];
  if (isPlaceholderAccount(stage.account)) problems.push(`account "${stage.account}" is a placeholder`);
  for (const [party, roleArn] of stage.partyRoleArns) {
    const account = accountOfRoleArn(roleArn);
    if (account !== undefined && isPlaceholderAccount(account)) problems.push(`${party}: roleArn "${roleArn}" is in a placeholder account`);
  }
  if (isPlaceholderHost(stage.alarmEmail.split('@')[1] ?? '')) problems.push(`alarmEmail "${stage.alarmEmail}" is a placeholder address`);
  if (stage.alarmHttpsEndpoint === undefined) problems.push('alarmHttpsEndpoint is missing: a second way for the alarms to reach someone');
  else {
    const host = hostOfHttpsUrl(stage.alarmHttpsEndpoint);
    if (host !== undefined && isPlaceholderHost(host))
      problems.push(`alarmHttpsEndpoint "${stage.alarmHttpsEndpoint}" is a placeholder address`);
  }
  return problems;
}
