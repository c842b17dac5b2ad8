import type { Operation, Target } from './operations';

/**
 * Who may do what to the hub's data: the lock-down's specification, as one table. Every principal
 * of the matrix, every bucket, queue, key, table, the operator role, every function and the
 * disclosure key's parameter, and every operation of each (operations.ts): what a row lists is
 * allowed, everything else is denied. access-matrix.test.ts evaluates every cell against the
 * synthesized policies (and the SCP), and the docs' table of who may do what is written from it
 * ({@link accessTable}).
 */
export type Principal =
  | 'PPS'
  | 'VDAB'
  | 'ACTIRIS'
  | 'FOREM'
  | 'operator'
  | 'operator person'
  | 'split-batch'
  | 'region-inbound'
  | 'pps-inbound'
  | 'operator-redeliver'
  | 'operator-disclosures'
  | 'operator-refused-messages'
  | 'operator-reprocess-dead-letters'
  | 'operator-renotify-file'
  | 'operator-proof'
  | 'batch-watch'
  | 'administrator'
  | 'deployment'
  | 'outsider';

type Grants = Readonly<Partial<Record<Target, readonly Operation[]>>>;

const RECIPIENTS_OUTBOUND: Target[] = ['queue:outbound-vdab', 'queue:outbound-actiris', 'queue:outbound-forem'];
const send = (...queues: Target[]): Grants => Object.fromEntries(queues.map((q) => [q, ['send']]));
const receive = (...queues: Target[]): Grants => Object.fromEntries(queues.map((q) => [q, ['receive']]));
const DEAD_LETTER_QUEUES: Target[] = [
  'queue:batch-notifications-dlq',
  'queue:outbound-vdab-dlq',
  'queue:outbound-actiris-dlq',
  'queue:outbound-forem-dlq',
  'queue:outbound-pps-dlq',
  'queue:outbound-ocmw-dlq',
  'queue:inbound-vdab-dlq',
  'queue:inbound-actiris-dlq',
  'queue:inbound-pps-dlq',
];
const BUCKETS: Target[] = ['bucket:inbound', 'bucket:staging', 'bucket:archive', 'bucket:reports', 'bucket:accessLogs'];
const TABLES: Target[] = [
  'table:batches',
  'table:paymentLines',
  'table:corrections',
  'table:disclosures',
  'table:refusedMessages',
  'table:deliveryProofs',
];
const FUNCTIONS = [
  'split-batch',
  'region-inbound',
  'pps-inbound',
  'operator-redeliver',
  'operator-disclosures',
  'operator-refused-messages',
  'operator-reprocess-dead-letters',
  'operator-renotify-file',
  'operator-proof',
  'batch-watch',
];
const KEYS: Target[] = [
  'key:inbound',
  'key:storage',
  'key:archive',
  'key:tables',
  'key:hubQueues',
  'key:queues-VDAB',
  'key:queues-ACTIRIS',
  'key:queues-FOREM',
  'key:queues-PPS',
  'key:operations',
  'key:disclosureParameter',
  'key:logs',
];
const QUEUES: Target[] = [
  'queue:batch-notifications',
  ...RECIPIENTS_OUTBOUND,
  'queue:outbound-pps',
  'queue:outbound-ocmw',
  'queue:inbound-vdab',
  'queue:inbound-actiris',
  'queue:inbound-pps',
  ...DEAD_LETTER_QUEUES,
];
const each = (targets: readonly Target[], operations: readonly Operation[]): Grants =>
  Object.fromEntries(targets.map((t) => [t, operations]));

export const ACCESS_MATRIX: Readonly<Record<Principal, Grants>> = {
  // The parties, from their own accounts: each its own channels (return-flows §1).
  PPS: {
    'bucket:inbound': ['write'],
    'bucket:reports': ['read'],
    ...receive('queue:outbound-pps', 'queue:outbound-pps-dlq', 'queue:outbound-ocmw', 'queue:outbound-ocmw-dlq'),
    ...send('queue:inbound-pps'),
  },
  VDAB: { ...receive('queue:outbound-vdab', 'queue:outbound-vdab-dlq'), ...send('queue:inbound-vdab') },
  ACTIRIS: { ...receive('queue:outbound-actiris', 'queue:outbound-actiris-dlq'), ...send('queue:inbound-actiris') },
  FOREM: receive('queue:outbound-forem', 'queue:outbound-forem-dlq'),
  // The operator role: the runbooks' reads, re-delivery, the redrive of every DLQ but a party's inbound
  // channel's (moved by the hub's tool, never sent by a person), and the six operator tools.
  operator: {
    'bucket:archive': ['read'],
    'bucket:reports': ['read'],
    ...receive(...DEAD_LETTER_QUEUES.filter((q) => !q.startsWith('queue:inbound-'))),
    ...send('queue:batch-notifications', ...RECIPIENTS_OUTBOUND, 'queue:outbound-pps', 'queue:outbound-ocmw'),
    'table:batches': ['read'],
    'table:disclosures': ['read'],
    'table:refusedMessages': ['read'],
    'parameter:disclosure-key': ['read'],
    'function:operator-redeliver': ['invoke'],
    'function:operator-disclosures': ['invoke'],
    'function:operator-refused-messages': ['invoke'],
    'function:operator-reprocess-dead-letters': ['invoke'],
    'function:operator-renotify-file': ['invoke'],
    'function:operator-proof': ['invoke'],
  },
  // A person the stage names as an operator (an IAM Identity Center permission set's role): only
  // through the operator role.
  'operator person': { 'role:operator': ['assume'] },
  'split-batch': {
    'bucket:inbound': ['read'],
    'bucket:staging': ['read', 'write', 'delete'],
    'bucket:archive': ['write'],
    'bucket:reports': ['write'],
    ...receive('queue:batch-notifications'),
    // The recipients' batches, and every file's batch.outcome to the PPS.
    ...send(...RECIPIENTS_OUTBOUND, 'queue:outbound-pps'),
    'table:batches': ['read', 'write'],
    'table:paymentLines': ['write'],
    'table:disclosures': ['write'],
    'table:deliveryProofs': ['write'],
    'parameter:disclosure-key': ['read'],
  },
  'region-inbound': {
    ...receive('queue:inbound-vdab', 'queue:inbound-actiris'),
    ...send('queue:outbound-vdab', 'queue:outbound-actiris', 'queue:outbound-pps'),
    'table:paymentLines': ['read', 'write'],
    'table:corrections': ['read', 'write'],
    'table:refusedMessages': ['write'],
    'table:disclosures': ['write'],
    'parameter:disclosure-key': ['read'],
  },
  'pps-inbound': {
    ...receive('queue:inbound-pps'),
    ...send('queue:outbound-vdab', 'queue:outbound-actiris', 'queue:outbound-pps', 'queue:outbound-ocmw'),
    'table:corrections': ['read', 'write'],
    'table:refusedMessages': ['write'],
    'table:disclosures': ['write'],
  },
  // A re-delivery is recorded in the record of disclosures, by the person's keyed hash.
  'operator-redeliver': {
    'bucket:archive': ['read'],
    ...send(...RECIPIENTS_OUTBOUND),
    'table:batches': ['read'],
    'table:disclosures': ['write'],
    'parameter:disclosure-key': ['read'],
  },
  'operator-disclosures': { 'table:paymentLines': ['read'], 'table:disclosures': ['read'], 'parameter:disclosure-key': ['read'] },
  'operator-refused-messages': { 'table:refusedMessages': ['read'] },
  // The move-only tools: the dead-letter tool reads and deletes the parties' inbound DLQs (never sends
  // on a channel) and does what region-inbound and pps-inbound do; the re-notify tool what split-batch does.
  'operator-reprocess-dead-letters': {
    ...receive('queue:inbound-vdab-dlq', 'queue:inbound-actiris-dlq', 'queue:inbound-pps-dlq'),
    ...send('queue:outbound-vdab', 'queue:outbound-actiris', 'queue:outbound-pps', 'queue:outbound-ocmw'),
    'table:paymentLines': ['read', 'write'],
    'table:corrections': ['read', 'write'],
    'table:refusedMessages': ['write'],
    'table:disclosures': ['write'],
    'parameter:disclosure-key': ['read'],
  },
  'operator-renotify-file': {
    'bucket:inbound': ['read'],
    'bucket:staging': ['read', 'write', 'delete'],
    'bucket:archive': ['write'],
    'bucket:reports': ['write'],
    ...send(...RECIPIENTS_OUTBOUND, 'queue:outbound-pps'),
    'table:batches': ['read', 'write'],
    'table:paymentLines': ['write'],
    'table:disclosures': ['write'],
    'table:deliveryProofs': ['write'],
    'parameter:disclosure-key': ['read'],
  },
  'operator-proof': { 'table:deliveryProofs': ['read'] },
  // The scheduled check: the batches table's byStatus index, nothing else.
  'batch-watch': { 'table:batches': ['read'] },
  // An administrator of the hub's account (AdministratorAccess, under the organisation's SCP): the
  // access logs, to investigate; nothing of the data, nothing of the rules.
  administrator: { 'bucket:accessLogs': ['read'] },
  // The deployment (CloudFormation's execution role, under its scoped policy): the rules of every
  // resource, never its data.
  deployment: {
    ...each(BUCKETS, ['lifecycle', 'policy']),
    ...each(QUEUES, ['configure']),
    ...each(KEYS, ['policy', 'schedule-deletion']),
    ...each(TABLES, ['ttl', 'delete-table', 'policy']),
    'role:operator': ['pass', 'change'],
    ...Object.fromEntries(FUNCTIONS.map((f) => [`function:${f}`, ['update-code', 'configure']])),
  },
  outsider: {},
};

/** What the matrix allows a principal on a resource. */
export function allowed(principal: Principal, target: Target): readonly Operation[] {
  return ACCESS_MATRIX[principal][target] ?? [];
}

/** The docs' table of who may do what, written from the matrix: one row per principal. */
export function accessTable(): string {
  const rows = (Object.keys(ACCESS_MATRIX) as Principal[]).map((p) => {
    const grants = Object.entries(ACCESS_MATRIX[p]) as Array<[Target, readonly Operation[]]>;
    const byOps = new Map<string, string[]>();
    for (const [target, ops] of grants) {
      const key = ops.join(', ');
      byOps.set(key, [...(byOps.get(key) ?? []), `\`${target}\``]);
    }
    const may = [...byOps].map(([ops, targets]) => `${ops}: ${targets.join(' ')}`).join('; ');
    return `| ${p} | ${may === '' ? 'nothing' : may} |`;
  });
  return ['| principal | may (everything else is denied) |', '| --- | --- |', ...rows].join('\n');
}
