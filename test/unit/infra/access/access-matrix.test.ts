import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDoc } from '../../../support/docs';
import { removeOutdir } from '../helpers';
import type { Decision } from './evaluate';
import { cellsOf, type Evaluation, evaluateHub } from './evaluation';
import { ACCESS_MATRIX, accessTable, allowed, type Principal } from './matrix';
import { waysOf } from './operations';

/**
 * The lock-down, proven by evaluation: every principal of the matrix against every bucket, queue,
 * key, table, the operator role, every function and the disclosure key's parameter, for every
 * operation that matters (operations.ts), evaluated by @cloud-copilot/iam-simulate on the synthesized
 * policies (identity, resource, trust, key policies) under the organisation's SCP (infra/policies/scp.json).
 * What the matrix lists is allowed, everything else is denied (matrix.ts).
 */

let e: Evaluation;
/** Every cell's decision, with the SCP and with the template alone. */
const decisions: Array<{ who: Principal; cell: string; expected: boolean; withScp: Decision; templateAlone: Decision }> = [];

beforeAll(() => {
  e = evaluateHub();
  const callers = e.model.callers();
  for (const who of Object.keys(ACCESS_MATRIX) as Principal[]) {
    const caller = callers.get(who);
    if (caller === undefined) throw new Error(`No caller ${who}`);
    for (const { target, operation } of cellsOf(e.model)) {
      const ways = waysOf(e.withScp, target, operation);
      decisions.push({
        who,
        cell: `${target} ${operation}`,
        expected: allowed(who, target).includes(operation),
        withScp: e.withScp.any(caller, ways),
        templateAlone: e.templateAlone.any(caller, ways),
      });
    }
  }
}, 300_000);
afterAll(() => removeOutdir(e?.synthesized));

describe('who may do what (the access matrix)', () => {
  it('evaluates every principal against every resource and operation: 19 principals × 240 cells', () => {
    expect(Object.keys(ACCESS_MATRIX)).toHaveLength(19);
    expect(cellsOf(e.model)).toHaveLength(240);
    expect(decisions).toHaveLength(19 * 240);
    // Every cell the matrix names exists: a typo in the matrix would allow nothing and go unseen.
    const cells = new Set(cellsOf(e.model).map(({ target, operation }) => `${target} ${operation}`));
    for (const [who, grants] of Object.entries(ACCESS_MATRIX))
      for (const [target, ops] of Object.entries(grants))
        for (const op of ops ?? []) expect(cells.has(`${target} ${op}`), `${who}: ${target} ${op}`).toBe(true);
  });

  it('allows exactly what the matrix lists, under the organisation’s SCP', () => {
    const wrong = decisions.filter((d) => (d.withScp === 'Allowed') !== d.expected).map((d) => `${d.who}: ${d.cell} ${d.withScp}`);
    expect(wrong).toEqual([]);
    expect(decisions.filter((d) => d.expected)).toHaveLength(decisions.filter((d) => d.withScp === 'Allowed').length);
  });

  it('holds with the template alone for everything but what only an SCP can close (an administrator’s key, role and function changes)', () => {
    const onlyScp = decisions
      .filter((d) => !d.expected && d.templateAlone === 'Allowed')
      .map((d) => `${d.who}: ${d.cell}`)
      .sort();
    expect(onlyScp).toEqual(SCP_ONLY.slice().sort());
    // And the template alone never refuses what the matrix allows: the SCP only takes away.
    expect(decisions.filter((d) => d.expected && d.templateAlone !== 'Allowed')).toEqual([]);
  });

  it('refuses a party’s channel and the raw files by their own policies: a principal of the hub’s account whose IAM policy allows everything still may not send there or write there', () => {
    const channels = ['inbound-vdab', 'inbound-actiris', 'inbound-pps'].flatMap((q) => [q, `${q}-dlq`]);
    const letIn: string[] = [];
    for (const caller of e.model.callers().values()) {
      // The S3 or SQS call alone, whatever the KMS key policies would say, by everyone but an outsider.
      const widened = caller.inHubAccount
        ? { ...caller, identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }] }
        : caller;
      for (const name of channels) {
        const q = e.model.queue(name);
        if (e.templateAlone.call(widened, { action: 'sqs:SendMessage', resource: q.arn, resourcePolicy: q.policy }) === 'Allowed')
          letIn.push(`${caller.name} sends on ${name}`);
      }
      const inbound = e.model.buckets.inbound;
      const put = { action: 's3:PutObject', resource: `${inbound.arn}/${inbound.sampleKey}`, resourcePolicy: inbound.policy };
      const created = { ...put, context: { 's3:if-none-match': '*', 's3:ObjectCreationOperation': 'true' } };
      if (e.templateAlone.call(widened, created) === 'Allowed') letIn.push(`${caller.name} writes a raw file`);
    }
    expect(letIn.sort()).toEqual([
      'ACTIRIS sends on inbound-actiris',
      'PPS sends on inbound-pps',
      'PPS writes a raw file',
      'VDAB sends on inbound-vdab',
    ]);
  });

  it('is the table of who may do what on the deployers’ page, written from the matrix', () => {
    const page = readDoc('docs/deployers.md');
    const table = page.slice(
      page.indexOf('<!-- access-matrix:start -->\n') + '<!-- access-matrix:start -->\n'.length,
      page.indexOf('\n<!-- access-matrix:end -->'),
    );
    expect(table).toBe(accessTable());
  });

  it('denies the outsider, with AdministratorAccess in its own account, everything', () => {
    expect(decisions.filter((d) => d.who === 'outsider' && d.templateAlone === 'Allowed')).toEqual([]);
  });

  it('lets no principal of the hub’s account send on a party’s inbound channel or its DLQ, nor write a raw file, even without the SCP', () => {
    const forged = decisions.filter(
      (d) =>
        !['PPS', 'VDAB', 'ACTIRIS'].includes(d.who) &&
        d.templateAlone === 'Allowed' &&
        /^(queue:inbound-(vdab|actiris|pps)(-dlq)? send|bucket:inbound write)/.test(d.cell),
    );
    expect(forged).toEqual([]);
  });
});

/**
 * What the hub's own policies cannot refuse an administrator of its account, and the SCP does: the key
 * policies give the account key administration (a key with no administrator is lost), IAM lets an
 * administrator change or pass any role, and Lambda's function policies only grant.
 */
const SCP_ONLY = [
  ...[
    'inbound',
    'storage',
    'archive',
    'tables',
    'hubQueues',
    'queues-VDAB',
    'queues-ACTIRIS',
    'queues-FOREM',
    'queues-PPS',
    'operations',
    'disclosureParameter',
    'logs',
  ].flatMap((k) => [`administrator: key:${k} policy`, `administrator: key:${k} schedule-deletion`]),
  'administrator: parameter:disclosure-key delete',
  'administrator: role:operator pass',
  'administrator: role:operator change',
  ...[
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
  ].flatMap((f) => [
    `administrator: function:${f} update-code`,
    `administrator: function:${f} configure`,
    `administrator: function:${f} invoke`,
  ]),
];
