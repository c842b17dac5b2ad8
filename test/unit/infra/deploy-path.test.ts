import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageConfigProblems } from '../../../infra/config';
import { inboundBucketName, inboundKeyAlias, partyQueuesKeyAlias } from '../../../infra/naming';
import { PARTIES, PARTY_CHANNELS, type Party, partyPolicyStatements } from '../../../infra/party-access';
import { sandboxConfig } from '../../../infra/sandbox-stage';
import { resolveStageConfig } from '../../../infra/stage-choice';
import { deadLetterQueueOf, QUEUES } from '../../../shared/topology';
import { docSection, readDoc } from '../../support/docs';
import {
  asList,
  DEV,
  logicalId,
  onlyPartyRole,
  partyAccountPrincipal,
  type Resource,
  removeOutdir,
  resources,
  type Statement,
  type Synthesized,
  synthesizeHub,
} from './helpers';

const SANDBOX = sandboxConfig('123456789012', 'eu-central-1', 'me@example.org');
const SANDBOX_ROLE = (party: string) => `arn:aws:iam::123456789012:role/art60-sandbox-party-${party.toLowerCase()}`;

let dev: Synthesized;
let sandbox: Synthesized;
beforeAll(() => {
  dev = synthesizeHub();
  // cdk-nag runs in the synthesis: it throws on any unacknowledged finding of the sandbox's stacks too.
  sandbox = synthesizeHub({ config: SANDBOX });
});
afterAll(() => {
  removeOutdir(dev);
  removeOutdir(sandbox);
});

const stackIds = (s: Synthesized) =>
  s.hub.app.node.children
    .filter((c) => Stack.isStack(c))
    .map((c) => c.node.id)
    .sort();

/** Every statement of every queue, key and bucket policy of a template, with the resource it is on. */
function resourceStatements(s: Synthesized): Array<{ on: string; statement: Statement }> {
  const out: Array<{ on: string; statement: Statement }> = [];
  const add = (on: string, statements: Statement[]) => {
    for (const statement of statements) out.push({ on, statement });
  };
  for (const [id, p] of Object.entries(resources(s.stateful, 'AWS::SQS::QueuePolicy')))
    add(id, (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  for (const [id, p] of Object.entries(resources(s.stateful, 'AWS::S3::BucketPolicy')))
    add(id, (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  for (const [id, k] of Object.entries(resources(s.stateful, 'AWS::KMS::Key')))
    add(id, (k.Properties.KeyPolicy as { Statement: Statement[] }).Statement);
  return out;
}

describe('the sandbox stage', () => {
  it('deploys where the credentials point (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION), the parties played by its own roles', () => {
    const config = resolveStageConfig('sandbox', {
      CDK_DEFAULT_ACCOUNT: '123456789012',
      CDK_DEFAULT_REGION: 'eu-central-1',
      SANDBOX_ALARM_EMAIL: 'me@example.org',
    });
    expect(config).toEqual(SANDBOX);
    expect(config.partyRoles).toBe('sandbox-roles');
    expect([config.recipients.VDAB, config.recipients.ACTIRIS, config.recipients.FOREM, config.pps].map((p) => p.roleArn)).toEqual(
      ['VDAB', 'ACTIRIS', 'FOREM', 'PPS'].map(SANDBOX_ROLE),
    );
    expect(stageConfigProblems(config)).toEqual([]);
  });

  it('refuses to build without credentials or an alarm address, saying what is missing', () => {
    expect(() => resolveStageConfig('sandbox', { SANDBOX_ALARM_EMAIL: 'me@example.org' })).toThrow(
      /^Stage "sandbox": the sandbox deploys where your credentials point, and none were found \(CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION are unset\)/,
    );
    expect(() => resolveStageConfig('sandbox', { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-central-1' })).toThrow(
      'Stage "sandbox": set SANDBOX_ALARM_EMAIL to the address that should get the alarms',
    );
    expect(() => resolveStageConfig('acc', {})).toThrow('Unknown stage "acc"; known stages: dev, sandbox, prod');
  });

  it("accepts sandbox roles only in the hub's account under their names, and partners' roles only outside it", () => {
    const elsewhere = { ...SANDBOX, pps: { roleArn: 'arn:aws:iam::555555555555:role/art60-sandbox-party-pps' } };
    expect(stageConfigProblems(elsewhere)).toEqual([
      "PPS: a sandbox party is played by role/art60-sandbox-party-pps in the hub's account 123456789012",
    ]);
    const renamed = { ...SANDBOX, pps: { roleArn: 'arn:aws:iam::123456789012:role/admin' } };
    expect(stageConfigProblems(renamed)).toHaveLength(1);
    expect(stageConfigProblems({ ...SANDBOX, partyRoles: 'partners' })).toHaveLength(4);
    expect(stageConfigProblems({ ...DEV, partyRoles: 'sandbox-roles' })).toHaveLength(4);
  });

  it('builds the parties stack beside the hub, in the same account and region; dev has none', () => {
    expect(stackIds(sandbox)).toEqual(['Art60Hub-sandbox-Parties', 'Art60Hub-sandbox-Stateful', 'Art60Hub-sandbox-Stateless']);
    for (const stack of [sandbox.hub.stateful, sandbox.hub.stateless, sandbox.hub.sandboxParties!])
      expect([stack.account, stack.region]).toEqual(['123456789012', 'eu-central-1']);
    expect(dev.hub.sandboxParties).toBeUndefined();
    expect(stackIds(dev)).toEqual(['Art60Hub-dev-Stateful', 'Art60Hub-dev-Stateless']);
  });

  it.each(PARTIES.map((p) => [p] as const))(
    '%s is a role the account may assume, carrying exactly the policy a partner attaches (partyPolicyStatements)',
    (party) => {
      const roles = Object.values(resources(Template.fromStack(sandbox.hub.sandboxParties!), 'AWS::IAM::Role')).filter(
        (r) => r.Properties.RoleName === `art60-sandbox-party-${party.toLowerCase()}`,
      );
      expect(roles).toHaveLength(1);
      const role = roles[0]!;
      expect(role.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::123456789012:root' } }],
      });
      const policies = role.Properties.Policies as Array<{ PolicyName: string; PolicyDocument: { Statement: Statement[] } }>;
      expect(policies.map((p) => p.PolicyName)).toEqual(['hub-access']);
      const single = <T>(v: T[]) => (v.length === 1 ? v[0] : v);
      expect(policies[0]!.PolicyDocument.Statement).toEqual(
        partyPolicyStatements(party, { stageName: 'sandbox', account: '123456789012', region: 'eu-central-1', partition: 'aws' }).map(
          (st) => ({ ...st, Action: single(st.Action), Resource: single(st.Resource) }),
        ),
      );
    },
  );

  it("lets each sandbox role in the hub's policies by the account and aws:PrincipalArn, as a partner's", () => {
    const named = resourceStatements(sandbox).filter(({ statement }) => JSON.stringify(statement.Condition ?? {}).includes('PrincipalArn'));
    const parties = named.filter(({ statement }) => statement.Condition?.ArnEquals?.['aws:PrincipalArn'] !== undefined);
    expect(new Set(parties.map(({ statement }) => statement.Condition?.ArnEquals?.['aws:PrincipalArn']))).toEqual(
      new Set(PARTIES.map(SANDBOX_ROLE)),
    );
    for (const { statement } of parties) expect(statement.Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });
    // The rest name the hub's own roles (functions, operator, deployment) by ARN patterns, none of
    // which a sandbox party's role matches, though both live in the same account.
    const hubRoles = named
      .filter((st) => !parties.includes(st))
      .flatMap(({ statement }) => asList(statement.Condition?.ArnLike?.['aws:PrincipalArn']));
    expect(hubRoles.length).toBeGreaterThan(0);
    for (const pattern of hubRoles) {
      const text =
        typeof pattern === 'string' ? pattern : String((pattern as { 'Fn::Sub': string })['Fn::Sub']).replace(`\${AWS::Partition}`, 'aws');
      const glob = new RegExp(
        `^${text
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      );
      for (const party of PARTIES) expect(glob.test(SANDBOX_ROLE(party)), `${text} matches ${party}`).toBe(false);
    }
  });
});

describe('stable names for what partners name (naming.ts)', () => {
  const queueNameOf = (s: Synthesized, id: string) => (resources(s.stateful, 'AWS::SQS::Queue')[id] as Resource).Properties.QueueName;

  it.each([
    [QUEUES.recipientOutbound.VDAB, 'art60-dev-outbound-vdab', 'art60-dev-outbound-vdab-dlq'],
    [QUEUES.recipientOutbound.ACTIRIS, 'art60-dev-outbound-actiris', 'art60-dev-outbound-actiris-dlq'],
    [QUEUES.recipientOutbound.FOREM, 'art60-dev-outbound-forem', 'art60-dev-outbound-forem-dlq'],
    [QUEUES.ppsOutbound, 'art60-dev-outbound-pps', 'art60-dev-outbound-pps-dlq'],
    [QUEUES.ocmwOutbound, 'art60-dev-outbound-ocmw', 'art60-dev-outbound-ocmw-dlq'],
    [QUEUES.recipientInbound.VDAB, 'art60-dev-inbound-vdab', undefined],
    [QUEUES.recipientInbound.ACTIRIS, 'art60-dev-inbound-actiris', undefined],
    [QUEUES.ppsInbound, 'art60-dev-inbound-pps', undefined],
    [QUEUES.batchNotifications, undefined, undefined],
  ] as const)('%o is named %s, its DLQ %s', (spec, name, dlqName) => {
    const q = dev.hub.stateful.queue(spec);
    expect(queueNameOf(dev, logicalId(q.queue))).toBe(name);
    expect(queueNameOf(dev, logicalId(q.deadLetterQueue))).toBe(dlqName);
  });

  it('gives each stage its own names: the sandbox queues are art60-sandbox-…', () => {
    const q = sandbox.hub.stateful.queue(QUEUES.recipientOutbound.VDAB);
    expect(queueNameOf(sandbox, logicalId(q.queue))).toBe('art60-sandbox-outbound-vdab');
  });

  it("names each party's queue key, the inbound key and the reports' key by an alias, art60-<stage>-…", () => {
    const aliases = Object.values(resources(dev.stateful, 'AWS::KMS::Alias')).map((a) => [
      a.Properties.AliasName,
      (a.Properties.TargetKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
    ]);
    const keys = dev.hub.stateful.keys;
    expect(aliases.sort()).toEqual(
      [
        ['alias/art60-dev-queues-vdab', logicalId(keys.partyQueues.VDAB)],
        ['alias/art60-dev-queues-actiris', logicalId(keys.partyQueues.ACTIRIS)],
        ['alias/art60-dev-queues-forem', logicalId(keys.partyQueues.FOREM)],
        ['alias/art60-dev-queues-pps', logicalId(keys.partyQueues.PPS)],
        ['alias/art60-dev-inbound', logicalId(keys.inbound)],
        ['alias/art60-dev-reports', logicalId(keys.storage)],
      ].sort(),
    );
    expect([partyQueuesKeyAlias('dev', 'VDAB'), inboundKeyAlias('dev')]).toEqual([
      'alias/art60-dev-queues-vdab',
      'alias/art60-dev-inbound',
    ]);
  });

  it("names the inbound bucket after the stage, the hub's account and region (bucket names are global)", () => {
    const bucket = resources(dev.stateful, 'AWS::S3::Bucket')[logicalId(dev.hub.stateful.buckets.inbound)]!;
    expect(bucket.Properties.BucketName).toBe('art60-dev-inbound-111111111111-eu-west-1');
    expect(inboundBucketName('dev', '111111111111', 'eu-west-1')).toBe(bucket.Properties.BucketName);
    // The reports bucket too: the PPS reads its reports there, and names it in its own policy.
    const reports = resources(dev.stateful, 'AWS::S3::Bucket')[logicalId(dev.hub.stateful.buckets.reports)]!;
    expect(reports.Properties.BucketName).toBe('art60-dev-reports-111111111111-eu-west-1');
  });

  it("keeps a named resource's name when the resource is retained: every named queue and the bucket are Retain", () => {
    const named = [
      ...Object.values(resources(dev.stateful, 'AWS::SQS::Queue')).filter((q) => typeof q.Properties.QueueName === 'string'),
      resources(dev.stateful, 'AWS::S3::Bucket')[logicalId(dev.hub.stateful.buckets.inbound)]!,
    ];
    expect(named).toHaveLength(14);
    for (const r of named) expect([r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it.each(PARTIES.map((p) => [p] as const))(
    "%s's own IAM policy names only what the template names: its queues, their DLQs, its key alias",
    (party) => {
      const hub = { stageName: 'dev', account: DEV.account, region: DEV.region, partition: 'aws' };
      const statements = partyPolicyStatements(party, hub);
      const queueArns = statements.filter((st) => st.Action.some((a) => a.startsWith('sqs:'))).flatMap((st) => st.Resource);
      const templateNames = new Set(
        Object.values(resources(dev.stateful, 'AWS::SQS::Queue')).map((q) => q.Properties.QueueName as string | undefined),
      );
      for (const arn of queueArns) {
        expect(arn.startsWith('arn:aws:sqs:eu-west-1:111111111111:')).toBe(true);
        expect(templateNames.has(arn.split(':').at(-1))).toBe(true);
      }
      const { consumes, sendsTo } = PARTY_CHANNELS[party];
      expect(queueArns.map((a) => a.split(':').at(-1)).sort()).toEqual(
        [...consumes.flatMap((q) => [q.name, deadLetterQueueOf(q).name]), ...sendsTo.map((q) => q.name)]
          .map((n) => `art60-dev-${n}`)
          .sort(),
      );
      const aliases = statements.flatMap((st) => asList(st.Condition?.['ForAnyValue:StringEquals']?.['kms:ResourceAliases']));
      expect(aliases).toEqual(
        party === 'PPS'
          ? ['alias/art60-dev-queues-pps', 'alias/art60-dev-inbound', 'alias/art60-dev-reports']
          : [partyQueuesKeyAlias('dev', party)],
      );
    },
  );
});

describe("the hub's grants and the parties' own policies agree", () => {
  it.each(PARTIES.map((p) => [p] as const))(
    'the queues whose policies let %s in are exactly those its own policy names (PARTY_CHANNELS)',
    (party) => {
      const queues = resources(dev.stateful, 'AWS::SQS::Queue');
      const letIn = Object.values(resources(dev.stateful, 'AWS::SQS::QueuePolicy'))
        .filter((p) =>
          (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some(
            (st) => st.Condition?.ArnEquals?.['aws:PrincipalArn'] === onlyPartyRole(party).ArnEquals['aws:PrincipalArn'],
          ),
        )
        .flatMap((p) => (p.Properties.Queues as Array<{ Ref: string }>).map((q) => queues[q.Ref]!.Properties.QueueName));
      const named = partyPolicyStatements(party, { stageName: 'dev', account: DEV.account, region: DEV.region, partition: 'aws' })
        .filter((st) => st.Action.some((a) => a.startsWith('sqs:')))
        .flatMap((st) => st.Resource.map((arn) => arn.split(':').at(-1)));
      expect(letIn.sort()).toEqual(named.sort());
    },
  );
});

describe('cross-account principals that need not exist at deploy time (party-access.ts)', () => {
  it('names no role as a principal in any queue, key or bucket policy', () => {
    for (const { on, statement } of resourceStatements(dev)) {
      expect(JSON.stringify(statement.Principal ?? {}), on).not.toContain(':role/');
    }
  });

  it.each(PARTIES.map((p) => [p] as const))(
    "lets %s in only as its account limited to its role's ARN (ArnEquals aws:PrincipalArn), in queue, key and bucket policies",
    (party: Party) => {
      const mine = resourceStatements(dev).filter(({ statement }) =>
        JSON.stringify(statement.Principal ?? {}).includes(partyAccountPrincipal(party).AWS),
      );
      const kinds = new Set(
        mine.map(({ on }) =>
          on in resources(dev.stateful, 'AWS::KMS::Key')
            ? 'key'
            : on in resources(dev.stateful, 'AWS::S3::BucketPolicy')
              ? 'bucket'
              : 'queue',
        ),
      );
      expect([...kinds].sort()).toEqual(party === 'PPS' ? ['bucket', 'key', 'queue'] : ['key', 'queue']);
      for (const { on, statement } of mine) {
        expect(statement.Principal).toEqual(partyAccountPrincipal(party));
        // A key statement also binds the key's use to the party's queues (lock-down.test.ts, point 6).
        const { 'kms:EncryptionContext:aws:sqs:arn': queues, ...who } = statement.Condition?.ArnEquals ?? {};
        expect(who).toEqual(onlyPartyRole(party).ArnEquals);
        expect(queues === undefined || on in resources(dev.stateful, 'AWS::KMS::Key'), on).toBe(true);
      }
    },
  );
});

describe("the deployers' page's partner policies (docs/deployers.md)", () => {
  const section = docSection(readDoc('docs/deployers.md'), 'What the recipients and the PPS configure on their side');
  const jsonBlocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const prod = { stageName: 'prod', account: '<hub-account>', region: '<region>', partition: 'aws' };

  it("gives VDAB's policy exactly as partyPolicyStatements writes it (the sandbox roles carry the same)", () => {
    expect(JSON.parse(jsonBlocks[0]!)).toEqual({ Version: '2012-10-17', Statement: partyPolicyStatements('VDAB', prod) });
  });

  it("gives the PPS's upload and report statements exactly as partyPolicyStatements writes them", () => {
    const sids = ['PutMonthlyFiles', 'EncryptMonthlyFiles', 'ReadOwnReports', 'DecryptOwnReports'];
    const pps = partyPolicyStatements('PPS', prod).filter((st) => sids.includes(st.Sid));
    expect(pps.map((st) => st.Sid)).toEqual(sids);
    expect(JSON.parse(`[${jsonBlocks[1]!}]`)).toEqual(pps);
  });

  it("gives on the PPS's page the statements with which it reads its reports, as partyPolicyStatements writes them", () => {
    const reports = docSection(readDoc('docs/pps.md'), 'Reports');
    const block = [...reports.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!)[0]!;
    const stage = { stageName: '<stage>', account: '<hub-account>', region: '<region>', partition: 'aws' };
    expect(JSON.parse(`[${block}]`)).toEqual(
      partyPolicyStatements('PPS', stage).filter((st) => st.Sid === 'ReadOwnReports' || st.Sid === 'DecryptOwnReports'),
    );
  });
});
