import { Aws, Fn } from 'aws-cdk-lib';

/**
 * A name as a PascalCase word for construct ids, statement ids and export names:
 * `paymentLines` → `PaymentLines`, and an acronym as a word, `VDAB` → `Vdab`. Deployed ids are
 * made with it, so its output for an existing name must never change.
 */
export function pascalCase(name: string): string {
  const word = /^[A-Z0-9]+$/.test(name) ? name.toLowerCase() : name;
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * The prefix of every stack of a stage's hub (`Art60Hub-<stage>`): the stacks are named
 * `<prefix>-Stateful` and `<prefix>-Stateless`, and the alarms after their stack, so that the
 * alarm topic can let exactly this stage's alarms publish.
 */
export function hubStackPrefix(stageName: string): string {
  return `Art60Hub-${stageName}`;
}

/** The prefix under which the PPS drops its monthly files (monthly-batch §1). */
export const INBOUND_PREFIX = 'monthly/';

/**
 * The stable physical names of what partners name in their own IAM policies, per stage. The
 * hub's one exception to "CloudFormation names the resources": a party writes these names into
 * its policies before the hub's first deployment, and a generated name would change when the
 * resource is replaced. (A named resource cannot be replaced by CloudFormation without a new
 * name: a change that needs a replacement fails until the name changes too, which is what we
 * want — a party's access never changes silently.)
 */
export const PHYSICAL_NAME_PREFIX = 'art60';

/** `art60-<stage>-<queue>`, e.g. `art60-prod-outbound-vdab`, `art60-prod-outbound-vdab-dlq`. */
export function partyQueueName(stageName: string, queueName: string): string {
  return `${PHYSICAL_NAME_PREFIX}-${stageName}-${queueName}`;
}

/** The alias of a party's queue key: `alias/art60-<stage>-queues-<party>`, e.g. `alias/art60-prod-queues-vdab`. */
export function partyQueuesKeyAlias(stageName: string, party: string): string {
  return `alias/${PHYSICAL_NAME_PREFIX}-${stageName}-queues-${party.toLowerCase()}`;
}

/** The alias of the inbound bucket's key, which the PPS uploads with: `alias/art60-<stage>-inbound`. */
export function inboundKeyAlias(stageName: string): string {
  return `alias/${PHYSICAL_NAME_PREFIX}-${stageName}-inbound`;
}

/**
 * The inbound bucket's name, `art60-<stage>-inbound-<account>-<region>`: bucket names are global
 * across all AWS accounts, so the hub's account and region make it the hub's own.
 */
export function inboundBucketName(stageName: string, account: string, region: string): string {
  return `${PHYSICAL_NAME_PREFIX}-${stageName}-inbound-${account}-${region}`;
}

/** The role that plays a party in the sandbox stage, in the hub's own account: `art60-<stage>-party-<party>`. */
export function sandboxPartyRoleName(stageName: string, party: string): string {
  return `${PHYSICAL_NAME_PREFIX}-${stageName}-party-${party.toLowerCase()}`;
}

/** The role that plays the operators in the sandbox stage, in the hub's own account: `art60-<stage>-operator-person`. */
export function sandboxOperatorRoleName(stageName: string): string {
  return `${PHYSICAL_NAME_PREFIX}-${stageName}-operator-person`;
}

/**
 * The reports bucket's name, `art60-<stage>-reports-<account>-<region>`: the PPS names it in its own
 * policy to read its reports, and the key policy binds the PPS's decryption to it by this name.
 */
export function reportsBucketName(stageName: string, account: string, region: string): string {
  return `${PHYSICAL_NAME_PREFIX}-${stageName}-reports-${account}-${region}`;
}

/** The alias of the key of the staging and reports buckets, which the PPS names to read its reports: `alias/art60-<stage>-reports`. */
export function reportsKeyAlias(stageName: string): string {
  return `alias/${PHYSICAL_NAME_PREFIX}-${stageName}-reports`;
}

/**
 * The key under which CloudFormation lists a stack output: its construct id without the
 * characters an output name may not hold (`QueueUrl-outbound-vdab` → `QueueUrloutboundvdab`).
 */
export function outputKey(constructId: string): string {
  return constructId.replace(/[^A-Za-z0-9]/g, '');
}

/**
 * `<stack name>-<suffix>`, the stack's name as a reference: it carries the stage
 * (`Art60Hub-<stage>-Stateless`), two stages never share a name, and the alarm topic lets exactly
 * the alarms named after this stage's stacks publish (StatefulStack). A reference, not a literal,
 * so that no physical name is written into the template.
 */
export function nameAfterStack(suffix: string): string {
  return Fn.join('-', [Aws.STACK_NAME, suffix]);
}

/**
 * The role of the organisation's security office in the hub's account (docs/deployers.md,
 * "Break-glass"): it alone creates the disclosure key's SecureString, once, and re-bootstraps.
 */
export const BREAK_GLASS_ROLE_NAME = 'art60-hub-break-glass';
