import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTIES } from '../../../../infra/party-access';
import { docSection, readDoc } from '../../../support/docs';
import { removeOutdir } from '../helpers';
import type { Call } from './evaluate';
import { type Evaluation, evaluateHub } from './evaluation';
import { ADMIN_ARN, type Caller, type PolicyDocument } from './hub-model';
import { allowed, type Principal } from './matrix';
import type { Target } from './operations';

/**
 * Two parts of the lock-down the matrix does not show cell by cell: each KMS grant is bound by its
 * encryption context to its own resources (a party decrypts through SQS or S3 only for the queues and
 * buckets it may use), and the organisation's SCP, evaluated as an SCP, keeps the deployment path the
 * only one: nobody of the hub's account assumes or passes the CDK bootstrap's roles but the pipeline.
 */

let e: Evaluation;
beforeAll(() => {
  e = evaluateHub();
}, 180_000);
afterAll(() => removeOutdir(e?.synthesized));

/** Every hub resource whose data a KMS key protects through S3 or SQS, with its key and context. */
function encrypted(): Array<{ target: Target; keyArn: string; service: 's3' | 'sqs'; context: Record<string, string> }> {
  const { model } = e;
  return [
    ...Object.entries(model.buckets)
      .filter(([, b]) => b.keyArn !== undefined)
      .map(([name, b]) => ({
        target: `bucket:${name}` as Target,
        keyArn: b.keyArn as string,
        service: 's3' as const,
        context: { 'aws:s3:arn': b.arn },
      })),
    ...[...model.queues].map(([name, q]) => ({
      target: `queue:${name}` as Target,
      keyArn: q.keyArn,
      service: 'sqs' as const,
      context: { 'aws:sqs:arn': q.arn },
    })),
  ];
}

describe('every KMS grant is bound to its resources by the encryption context', () => {
  it.each(PARTIES.map((p) => [p] as const))(
    '%s decrypts through S3 or SQS with a hub key only for a bucket or queue of its own, and generates a data key only for one it writes',
    (party) => {
      const caller = e.model.callers().get(party) as Caller;
      const wrong: string[] = [];
      for (const r of encrypted()) {
        for (const [keyName, key] of Object.entries(e.model.keys)) {
          for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
            const mine = allowed(party as Principal, r.target);
            const expected =
              key.arn === r.keyArn && (action === 'kms:Decrypt' ? mine.length > 0 : mine.some((op) => op === 'send' || op === 'write'));
            const decision = e.withScp.call(caller, e.withScp.kms(action, key.arn, r.service, r.context));
            if ((decision === 'Allowed') !== expected) wrong.push(`${action} key:${keyName} for ${r.target}: ${decision}`);
          }
        }
      }
      expect(wrong).toEqual([]);
    },
  );

  it('lets no principal use a hub key through SQS or S3 for a queue or bucket outside the hub’s account', () => {
    const foreign: Array<{ service: 's3' | 'sqs'; context: Record<string, string> }> = [
      { service: 'sqs', context: { 'aws:sqs:arn': 'arn:aws:sqs:eu-west-1:999999999999:art60-dev-outbound-vdab' } },
      { service: 's3', context: { 'aws:s3:arn': 'arn:aws:s3:::someone-elses-bucket' } },
    ];
    const allowedUses: string[] = [];
    for (const caller of e.model.callers().values())
      for (const [keyName, key] of Object.entries(e.model.keys))
        for (const f of foreign)
          for (const action of ['kms:Decrypt', 'kms:GenerateDataKey'])
            if (e.withScp.call(caller, e.withScp.kms(action, key.arn, f.service, f.context)) === 'Allowed')
              allowedUses.push(`${caller.name} ${keyName} ${f.service}`);
    // The hub's own roles are bound to the hub's queues by pattern (their names are CloudFormation's).
    // Through S3 their key uses carry no bucket context: a function reaches only the buckets its IAM
    // policy names, and its code is the deployment's alone (the SCP); the parties' grants carry one.
    expect(allowedUses.filter((u) => u.includes(' sqs'))).toEqual([]);
    expect(allowedUses.filter((u) => PARTIES.some((p) => u.startsWith(`${p} `)))).toEqual([]);
  });
});

describe('the organisation’s SCP, evaluated as an SCP', () => {
  it('is the SCP the deployers’ page gives, character for character', () => {
    const section = docSection(readDoc('docs/deployers.md'), 'The organisation’s service control policy'.replace('’', "'"));
    const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.trim()).toBe(readDoc('infra/policies/scp.json').trim());
  });

  it('fits in an SCP (5,120 characters) once the hub’s twelve key ARNs are filled in', () => {
    expect(Object.keys(e.model.keys)).toHaveLength(12);
    expect(JSON.stringify(e.scp).length).toBeLessThanOrEqual(5120);
    expect(JSON.stringify(e.scp)).not.toContain('HUB_KEY_ARNS');
  });

  const { account, region } = { account: '111111111111', region: 'eu-west-1' };
  const DEPLOY_ROLE = `arn:aws:iam::${account}:role/cdk-hnb659fds-deploy-role-${account}-${region}`;
  const EXEC_ROLE = `arn:aws:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${region}`;
  const PIPELINE = 'arn:aws:iam::777777777777:role/art60-hub-pipeline';
  /** The deploy role's trust policy as `cdk bootstrap --trust 777777777777` writes it: its own account and the pipeline's. */
  const deployRoleTrust: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::777777777777:root' }, Action: 'sts:AssumeRole' },
    ],
  };
  const everything: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const caller = (name: string, roleArn: string, inHubAccount: boolean): Caller => ({
    name,
    roleArn,
    account: roleArn.split(':')[4] as string,
    identity: [everything],
    inHubAccount,
  });
  const assumeDeployRole: Call = { action: 'sts:AssumeRole', resource: DEPLOY_ROLE, resourcePolicy: deployRoleTrust };
  const passExecRole: Call = { action: 'iam:PassRole', resource: EXEC_ROLE };

  it('lets only the pipeline assume the bootstrap’s deploy role, though the bootstrap trusts the hub’s own account too', () => {
    const admin = caller('administrator', ADMIN_ARN(account), true);
    expect(e.templateAlone.call(admin, assumeDeployRole)).toBe('Allowed');
    expect(e.withScp.call(admin, assumeDeployRole)).toBe('ExplicitlyDenied');
    expect(e.withScp.call(caller('pipeline', PIPELINE, false), assumeDeployRole)).toBe('Allowed');
  });

  it('lets only the deploy role pass the execution role to CloudFormation', () => {
    expect(e.withScp.call(caller('administrator', ADMIN_ARN(account), true), passExecRole)).toBe('ExplicitlyDenied');
    expect(e.withScp.call(caller('deploy role', DEPLOY_ROLE, true), passExecRole)).toBe('Allowed');
  });

  it('lets the break-glass role alone create the disclosure key’s parameter, and nobody delete it', () => {
    const { model } = e;
    const breakGlass = caller('break-glass', `arn:aws:iam::${account}:role/art60-hub-break-glass`, true);
    const put: Call[] = [
      { action: 'ssm:PutParameter', resource: model.disclosureParameterArn },
      e.withScp.kms('kms:Encrypt', model.keys.disclosureParameter.arn, 'ssm', { PARAMETER_ARN: model.disclosureParameterArn }),
    ];
    expect(e.withScp.all(breakGlass, put)).toBe('Allowed');
    // Not another parameter with the same key: the context binds it to this one.
    const other = `${model.disclosureParameterArn}-2`;
    expect(
      e.withScp.call(breakGlass, e.withScp.kms('kms:Encrypt', model.keys.disclosureParameter.arn, 'ssm', { PARAMETER_ARN: other })),
    ).toBe('ImplicitlyDenied');
    expect(e.withScp.all(caller('administrator', ADMIN_ARN(account), true), put)).not.toBe('Allowed');
  });

  it('lets nobody of the account change the bootstrap’s roles but the break-glass role', () => {
    const change: Call = { action: 'iam:UpdateAssumeRolePolicy', resource: DEPLOY_ROLE };
    expect(e.withScp.call(caller('administrator', ADMIN_ARN(account), true), change)).toBe('ExplicitlyDenied');
    expect(e.withScp.call(caller('break-glass', `arn:aws:iam::${account}:role/art60-hub-break-glass`, true), change)).toBe('Allowed');
  });
});
