import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_TABLE_ACTIONS } from '../../../infra/access';
import { KEY_ADMIN_ACTIONS } from '../../../infra/constructs/hub-key';
import { buildHub, PROJECT_ROOT } from '../../../infra/hub';
import { ARCHIVE_RULE_ACTIONS } from '../../../infra/stateful/bucket-policies';
import { INBOUND_MESSAGE_MAX_BYTES } from '../../../infra/stateful/queues';
import { type FunctionKey, TRIGGER_MAX_CONCURRENCY } from '../../../infra/stateless-stack';
import { RECIPIENTS } from '../../../shared/domain/recipients';
import {
  AT_MOST_FIFTEEN_YEARS_TTL_DAYS,
  DYNAMODB_TTL_LAG_DAYS,
  PITR_RECOVERY_PERIOD_DAYS,
  RECIPIENT_TTL_DAYS,
  SHORTEST_FIFTEEN_YEARS_DAYS,
} from '../../../shared/domain/retention';
import { FUNCTIONS, QUEUES, type QueueSpec, type TableKey, TTL_ATTRIBUTE } from '../../../shared/topology';
import { asList, DEV, logicalId, type Resource, removeOutdir, resources, type Statement, type Synthesized, synthesizeHub } from './helpers';

/**
 * The lock-down, point by point, on the synthesized templates (docs/deployers.md, "Lock-down: what
 * the template guarantees"). What only a deployment can confirm is listed there too.
 */

let s: Synthesized;
beforeAll(() => {
  s = synthesizeHub();
}, 180_000);
afterAll(() => removeOutdir(s));

const ACCOUNT = DEV.account;
const REGION = DEV.region;
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const EXEC_ROLE = { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}` };
const functionRole = (name: string) => `arn:aws:iam::${ACCOUNT}:role/art60-hub/${DEV.stageName}/${name}/*`;
const OPERATOR = `arn:aws:iam::${ACCOUNT}:role/art60-hub/${DEV.stageName}/operator/*`;
const _HUB_QUEUES = `arn:aws:sqs:${REGION}:${ACCOUNT}:*`;
const fnKeys = Object.keys(FUNCTIONS) as FunctionKey[];

const keyIdOf = (k: Parameters<typeof logicalId>[0]) => logicalId(k);
const keyStatements = (keyId: string): Statement[] =>
  (resources(s.stateful, 'AWS::KMS::Key')[keyId]!.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
const bucketId = (b: 'inbound' | 'archive') => logicalId(s.hub.stateful.buckets[b]);
const bucketStatements = (id: string): Statement[] => {
  const policy = Object.values(resources(s.stateful, 'AWS::S3::BucketPolicy')).find(
    (p) => (p.Properties.Bucket as { Ref: string }).Ref === id,
  );
  return (policy!.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
};
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const objectsOf = (id: string, suffix: string) => ({ 'Fn::Join': ['', [arn(id), `/${suffix}`]] });
const USE_ACTIONS = /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt|CreateGrant|\*)/;
const allKeyIds = () => Object.keys(resources(s.stateful, 'AWS::KMS::Key'));
const roleStatements = (template: Template, roleId: string): Statement[] =>
  Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

describe('1. the archive’s rules: only the deployment changes them, and any change alarms', () => {
  // That the archive's rules, and every bucket's, are the deployment's alone is evaluated in
  // test/unit/infra/access/access-matrix.test.ts; here, that the deployment is the stack's own.
  it('names the Object Lock configuration among the archive’s rules that only the deployment changes', () => {
    expect(ARCHIVE_RULE_ACTIONS).toEqual([
      's3:PutLifecycleConfiguration',
      's3:PutBucketPolicy',
      's3:DeleteBucketPolicy',
      's3:PutEncryptionConfiguration',
      's3:PutBucketVersioning',
      's3:PutBucketObjectLockConfiguration',
    ]);
  });

  it('takes the deployment role from the stack’s synthesizer: a custom bootstrap qualifier is followed', () => {
    const hub = buildHub(DEV, {
      outdir: path.join(s.outdir, 'qualifier'),
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:bootstrapQualifier': 'art60hub1' },
      builtinCloudFormationValidation: false,
    });
    const statements = (Object.values(Template.fromStack(hub.stateful).findResources('AWS::S3::BucketPolicy')) as Resource[]).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(statements.find((st) => st.Sid === 'DenyArchiveRuleChangesButByDeployment')?.Condition).toEqual({
      ArnNotLike: {
        'aws:PrincipalArn': { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${ACCOUNT}:role/cdk-art60hub1-cfn-exec-role-${ACCOUNT}-${REGION}` },
      },
    });
  });
  // The tamper rules, their dead-letter queues, alarms and grants: tamper-alarms.test.ts.
});

describe('2. key administration apart from key use; use only by name', () => {
  it('gives the account key administration only: no kms:*, no Decrypt, Encrypt, GenerateDataKey, ReEncrypt or CreateGrant', () => {
    expect(allKeyIds()).toHaveLength(12);
    for (const id of allKeyIds()) {
      const statements = keyStatements(id);
      expect(statements[0]).toEqual({
        Sid: 'AccountAdministersKeyButCannotUseIt',
        Effect: 'Allow',
        Principal: { AWS: ROOT },
        Action: KEY_ADMIN_ACTIONS,
        Resource: '*',
      });
      for (const st of statements) expect(asList(st.Action), `${id} ${st.Sid}`).not.toContain('kms:*');
    }
    for (const a of KEY_ADMIN_ACTIONS) expect(a).not.toMatch(USE_ACTIONS);
    expect(KEY_ADMIN_ACTIONS).toEqual(
      expect.arrayContaining(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:EnableKeyRotation']),
    );
  });

  it('grants use to the account only with a named principal: a function role, the operator role, the deployment role (for DynamoDB’s grants) or the break-glass role (to create the disclosure key)', () => {
    const breakGlass = `arn:aws:iam::${ACCOUNT}:role/art60-hub-break-glass`;
    const allowed = new Set([...fnKeys.map((k) => functionRole(FUNCTIONS[k].name)), OPERATOR, JSON.stringify(EXEC_ROLE), breakGlass]);
    let seen = 0;
    for (const id of allKeyIds()) {
      for (const st of keyStatements(id)) {
        if (st.Sid === 'AccountAdministersKeyButCannotUseIt') continue;
        const principal = st.Principal as { AWS?: string; Service?: string };
        if (principal.AWS !== ROOT) continue;
        seen++;
        expect(
          asList(st.Action).every((a) => USE_ACTIONS.test(a) || a === 'kms:DescribeKey'),
          `${id} ${st.Sid}`,
        ).toBe(true);
        const who = st.Condition?.ArnLike?.['aws:PrincipalArn'];
        expect(allowed.has(typeof who === 'string' ? who : JSON.stringify(who)), `${id} ${st.Sid}: ${JSON.stringify(who)}`).toBe(true);
        expect(st.Condition?.StringEquals?.['kms:ViaService'], `${id} ${st.Sid}`).toMatch(
          /^(s3|sqs|dynamodb|ssm)\.eu-west-1\.amazonaws\.com$/,
        );
      }
    }
    expect(seen).toBeGreaterThan(20);
  });

  it('names each function role on each key it uses, for exactly the actions of its IAM policy (both sides of one grant)', () => {
    for (const k of fnKeys) {
      const fn = FUNCTIONS[k];
      const iamUses = roleStatements(s.stateless, logicalId(s.hub.stateless.functions[k].role)).filter((st) =>
        st.Sid?.startsWith('UseKey'),
      );
      expect(iamUses.length).toBeGreaterThan(0);
      for (const use of iamUses) {
        const imported = (use.Resource as { 'Fn::ImportValue': string })['Fn::ImportValue'];
        const keyId = allKeyIds().find((id) => imported.includes(`FnGetAtt${id}Arn`))!;
        const onKey = keyStatements(keyId).filter((st) => st.Condition?.ArnLike?.['aws:PrincipalArn'] === functionRole(fn.name));
        expect(
          onKey.map((st) => asList(st.Action)),
          `${fn.name} on ${keyId}`,
        ).toEqual([asList(use.Action)]);
      }
    }
  });

  it('defines an operator role under its path, one-hour sessions, no managed policy, trusted by the stage’s named roles only (what it may do: the access matrix)', () => {
    const role = resources(s.stateful, 'AWS::IAM::Role')[logicalId(s.hub.stateful.operatorRole.role)]!;
    expect(role.Properties.Path).toBe(`/art60-hub/${DEV.stageName}/operator/`);
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: DEV.operatorPrincipalArns[0] }, Action: 'sts:AssumeRole' }],
    });
  });
});

describe('3. backups count as keeping: the TTL comes from the recovery window, in one place', () => {
  it('configures every table with the TTL attribute and the recovery window that the retention module subtracts', () => {
    expect(AT_MOST_FIFTEEN_YEARS_TTL_DAYS + DYNAMODB_TTL_LAG_DAYS + PITR_RECOVERY_PERIOD_DAYS).toBe(SHORTEST_FIFTEEN_YEARS_DAYS);
    expect([RECIPIENT_TTL_DAYS.VDAB, RECIPIENT_TTL_DAYS.ACTIRIS, SHORTEST_FIFTEEN_YEARS_DAYS]).toEqual([5440, 5440, 5478]);
    const tables = Object.values(resources(s.stateful, 'AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(6);
    for (const t of tables) {
      expect(t.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
      expect(t.Properties.PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
        RecoveryPeriodInDays: PITR_RECOVERY_PERIOD_DAYS,
      });
    }
  });
});

describe('4. uploads to the inbound bucket: the inbound key only, no SSE-C, never over a raw file', () => {
  // Which uploads the bucket takes, and which it refuses, is evaluated in test/unit/infra/access/uploads.test.ts.
  it('encrypts by default with the inbound key (a request that names no key gets it) and blocks SSE-C on every KMS bucket', () => {
    for (const [id, r] of Object.entries(resources(s.stateful, 'AWS::S3::Bucket'))) {
      if (id === logicalId(s.hub.stateful.accessLogs)) continue;
      const rule = (r.Properties.BucketEncryption as { ServerSideEncryptionConfiguration: Array<Record<string, unknown>> })
        .ServerSideEncryptionConfiguration[0]!;
      expect(rule).toMatchObject({ BucketKeyEnabled: true, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } });
    }
    const inbound = resources(s.stateful, 'AWS::S3::Bucket')[bucketId('inbound')]!;
    expect(inbound.Properties.BucketEncryption).toMatchObject({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arn(keyIdOf(s.hub.stateful.keys.inbound)) } },
      ],
    });
  });
});

describe('5. log groups under a customer-managed key; nobody routinely unmasks', () => {
  const logsKey = () => arn(keyIdOf(s.hub.stateful.keys.logs));
  const names = [...fnKeys.map((k) => FUNCTIONS[k].name), 'bucket-notifications-handler'].map((n) => `/art60-hub/${DEV.stageName}/${n}`);

  it('encrypts every log group of both stacks with the logs key', () => {
    const groups = [
      ...Object.values(resources(s.stateless, 'AWS::Logs::LogGroup')),
      ...Object.values(resources(s.stateful, 'AWS::Logs::LogGroup')),
    ];
    expect(groups.map((g) => g.Properties.LogGroupName)).toEqual(names);
    for (const g of Object.values(resources(s.stateful, 'AWS::Logs::LogGroup'))) expect(g.Properties.KmsKeyId).toEqual(logsKey());
    for (const g of Object.values(resources(s.stateless, 'AWS::Logs::LogGroup'))) {
      expect(g.Properties.KmsKeyId).toEqual({
        'Fn::ImportValue': expect.stringContaining(`FnGetAtt${keyIdOf(s.hub.stateful.keys.logs)}Arn`),
      });
    }
  });

  it('lets CloudWatch Logs of this region use the logs key for exactly these log groups, and nobody else use it', () => {
    const statements = keyStatements(keyIdOf(s.hub.stateful.keys.logs));
    expect(statements.slice(1)).toEqual([
      {
        Sid: 'CloudWatchLogsEncryptsHubLogGroups',
        Effect: 'Allow',
        Principal: { Service: `logs.${REGION}.amazonaws.com` },
        Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        Resource: '*',
        Condition: {
          ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': names.map((n) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${n}`) },
        },
      },
    ]);
  });

  it('grants logs:Unmask to no role of either stack', () => {
    for (const template of [s.stateful, s.stateless]) {
      const text = JSON.stringify(template.toJSON());
      expect(text).not.toContain('logs:Unmask');
      expect(text).not.toMatch(/"logs:\*"|"logs:Un\*/);
    }
  });
});

// 6. The parties' key grants, bound to their own queues and buckets by the encryption context, are
// evaluated in test/unit/infra/access/scp-and-keys.test.ts.

describe('7. archive keys outside the recipients’ prefixes are never written', () => {
  it('denies s3:PutObject on every key but VDAB/, ACTIRIS/, FOREM/ (the folders a re-delivery reads), and the lifecycle expires them all', () => {
    const id = bucketId('archive');
    expect(bucketStatements(id)).toContainEqual({
      Sid: 'DenyArchiveKeysOutsideRecipients',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      NotResource: RECIPIENTS.map((r) => objectsOf(id, `${r}/*`)),
    });
    const rules = (resources(s.stateful, 'AWS::S3::Bucket')[id]!.Properties.LifecycleConfiguration as { Rules: Array<{ Prefix?: string }> })
      .Rules;
    // One rule for the whole bucket: no key, inside a recipient's folder or not, escapes the replay window.
    expect(rules.flatMap((r) => (r.Prefix ? [r.Prefix] : []))).toEqual([]);
  });
});

describe('8. a party cannot flood the hub', () => {
  const inbound: QueueSpec[] = [...Object.values(QUEUES.recipientInbound), QUEUES.ppsInbound];
  it('takes messages of 64 KiB at most on the parties’ inbound queues', () => {
    expect(INBOUND_MESSAGE_MAX_BYTES).toBe(64 * 1024);
    for (const spec of inbound) {
      const q = resources(s.stateful, 'AWS::SQS::Queue')[logicalId(s.hub.stateful.queue(spec).queue)]!;
      expect(q.Properties.MaximumMessageSize, spec.name).toBe(65_536);
    }
  });

  it('caps the concurrency of every trigger', () => {
    const mappings = Object.values(resources(s.stateless, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(4);
    for (const m of mappings) expect(m.Properties.ScalingConfig).toEqual({ MaximumConcurrency: TRIGGER_MAX_CONCURRENCY });
    expect(TRIGGER_MAX_CONCURRENCY).toBe(2);
  });
});

describe('9. exact actions', () => {
  /** The adapter each function uses for each table (its functions/<name>.ts wires it). */
  const ADAPTER: Record<string, Partial<Record<TableKey, string>>> = {
    'split-batch': {
      batches: 'dynamo-manifest-store',
      paymentLines: 'dynamo-delivery-ledger',
      disclosures: 'dynamo-delivery-ledger',
      deliveryProofs: 'dynamo-delivery-ledger',
    },
    'region-inbound': {
      paymentLines: 'dynamo-payment-lines',
      corrections: 'dynamo-corrections',
      refusedMessages: 'dynamo-refused-messages',
      disclosures: 'dynamo-disclosures',
    },
    'pps-inbound': { corrections: 'dynamo-corrections', refusedMessages: 'dynamo-refused-messages', disclosures: 'dynamo-disclosures' },
    'operator-redeliver': { batches: 'dynamo-manifest-store', disclosures: 'dynamo-delivery-ledger' },
    'operator-disclosures': { disclosures: 'dynamo-disclosures', paymentLines: 'dynamo-disclosures' },
    'operator-refused-messages': { refusedMessages: 'dynamo-refused-messages' },
    'operator-proof': { deliveryProofs: 'dynamo-delivery-proofs' },
    // The move-only tools run split-batch's and the inbound paths' use cases, through the same adapters.
    'operator-renotify-file': {
      batches: 'dynamo-manifest-store',
      paymentLines: 'dynamo-delivery-ledger',
      disclosures: 'dynamo-delivery-ledger',
      deliveryProofs: 'dynamo-delivery-ledger',
    },
    'operator-reprocess-dead-letters': {
      paymentLines: 'dynamo-payment-lines',
      corrections: 'dynamo-corrections',
      refusedMessages: 'dynamo-refused-messages',
      disclosures: 'dynamo-disclosures',
    },
    'batch-watch': { batches: 'dynamo-batch-watch' },
  };
  const COMMAND_ACTION: Record<string, string> = {
    GetCommand: 'dynamodb:GetItem',
    PutCommand: 'dynamodb:PutItem',
    UpdateCommand: 'dynamodb:UpdateItem',
    QueryCommand: 'dynamodb:Query',
    BatchWriteCommand: 'dynamodb:BatchWriteItem',
  };
  const HELPER_ACTION: Record<string, string> = { putAll: 'dynamodb:BatchWriteItem', queryUnexpired: 'dynamodb:Query' };
  /** The DynamoDB actions an adapter's source can call: its commands and the shared helpers it calls. */
  const adapterActions = (adapter: string): Set<string> => {
    const text = source(`shared/adapters/${adapter}.ts`);
    const found = new Set<string>();
    for (const [, command] of text.matchAll(/new (\w+Command)\(/g)) found.add(COMMAND_ACTION[command!] ?? command!);
    for (const [helper, action] of Object.entries(HELPER_ACTION)) if (new RegExp(`\\b${helper}\\(`).test(text)) found.add(action);
    return found;
  };

  it('grants each function on each table only actions that the adapter it wires sends', () => {
    for (const k of fnKeys) {
      const fn = FUNCTIONS[k];
      const text = wiringSource(fn.entry);
      for (const [table, actions] of Object.entries(FUNCTION_TABLE_ACTIONS[fn.name]!)) {
        const adapter = ADAPTER[fn.name]![table as TableKey]!;
        expect(text, `${fn.name} wires ${adapter}`).toContain(`from '../shared/adapters/${adapter}'`);
        const sent = adapterActions(adapter);
        for (const a of [...actions.table, ...(actions.indexes ?? [])])
          expect(sent.has(a), `${fn.name} ${table} ${a} in ${adapter}`).toBe(true);
      }
    }
    // The adapters send no BatchGetItem, Scan or DeleteItem at all: no function may be granted them.
    for (const adapter of new Set(Object.values(ADAPTER).flatMap((m) => Object.values(m)))) {
      for (const a of adapterActions(adapter)) expect(Object.values(COMMAND_ACTION)).toContain(a);
    }
  });

  it('grants no function a DynamoDB action outside FUNCTION_TABLE_ACTIONS, nor BatchGetItem, Scan or DeleteItem', () => {
    for (const k of fnKeys) {
      const statements = roleStatements(s.stateless, logicalId(s.hub.stateless.functions[k].role));
      const granted = statements.flatMap((st) => asList(st.Action)).filter((a) => a.startsWith('dynamodb:'));
      const declared = Object.values(FUNCTION_TABLE_ACTIONS[FUNCTIONS[k].name]!).flatMap((a) => [...a.table, ...(a.indexes ?? [])]);
      expect(new Set(granted)).toEqual(new Set(declared));
      for (const never of ['dynamodb:BatchGetItem', 'dynamodb:Scan', 'dynamodb:DeleteItem']) expect(granted).not.toContain(never);
    }
  });

  it('gives the archive its own key, on which split-batch (and the re-notify tool, which runs its use case) may generate data keys and never decrypt, and only the re-delivery decrypts', () => {
    const archiveKey = keyIdOf(s.hub.stateful.keys.archive);
    expect(resources(s.stateful, 'AWS::S3::Bucket')[bucketId('archive')]!.Properties.BucketEncryption).toMatchObject({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { KMSMasterKeyID: arn(archiveKey) } }],
    });
    expect(keyStatements(archiveKey).slice(1)).toEqual([
      expect.objectContaining({ Sid: 'OperatorRole', Action: 'kms:Decrypt' }),
      {
        Sid: 'FunctionSplitBatch',
        Effect: 'Allow',
        Principal: { AWS: ROOT },
        Action: 'kms:GenerateDataKey',
        Resource: '*',
        Condition: {
          ArnLike: { 'aws:PrincipalArn': functionRole('split-batch') },
          StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` },
        },
      },
      // An operator's re-delivery reads back what one batch delivered (docs/operators.md, "Operator tools in the console").
      {
        Sid: 'FunctionOperatorRedeliver',
        Effect: 'Allow',
        Principal: { AWS: ROOT },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: {
          ArnLike: { 'aws:PrincipalArn': functionRole('operator-redeliver') },
          StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` },
        },
      },
      {
        Sid: 'FunctionOperatorRenotifyFile',
        Effect: 'Allow',
        Principal: { AWS: ROOT },
        Action: 'kms:GenerateDataKey',
        Resource: '*',
        Condition: {
          ArnLike: { 'aws:PrincipalArn': functionRole('operator-renotify-file') },
          StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` },
        },
      },
    ]);
    // No other bucket shares the archive's key.
    const users = Object.entries(resources(s.stateful, 'AWS::S3::Bucket')).filter(([, r]) =>
      JSON.stringify(r.Properties).includes(archiveKey),
    );
    expect(users.map(([id]) => id)).toEqual([bucketId('archive')]);
  });
});

describe('10. the S3 → SQS notification grant as AWS documents it, and the notification handler’s logs', () => {
  it('lets s3.amazonaws.com generate data keys and decrypt with the notification queue’s key, for the inbound bucket of this account only', () => {
    const key = s.hub.stateful.queue(QUEUES.batchNotifications).queue.encryptionMasterKey!;
    expect(keyStatements(keyIdOf(key))).toContainEqual({
      Sid: 'InboundBucketNotifiesEncrypted',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { ArnEquals: { 'aws:SourceArn': arn(bucketId('inbound')) }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    });
    expect(source('infra/bucket-notifications.ts')).toContain(
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html',
    );
  });

  it('sends the handler’s logs to a log group with the stage’s retention, created before the handler', () => {
    const groups = Object.entries(resources(s.stateful, 'AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(1);
    const [groupId, group] = groups[0]!;
    expect(group.Properties.RetentionInDays).toBe(DEV.logRetentionDays);
    const handler = Object.values(resources(s.stateful, 'AWS::Lambda::Function'));
    expect(handler).toHaveLength(1);
    expect(handler[0]!.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: groupId } });
    expect(handler[0]!.DependsOn).toContain(groupId);
  });
});

function source(file: string): string {
  return readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
}

/**
 * A function's wiring: its entry, and the modules of shared/adapters/ that build the adapters of
 * a use case it shares with another function (`*-dependencies.ts`), their imports as the entry's.
 */
function wiringSource(entry: string): string {
  const text = source(entry);
  const shared = [...text.matchAll(/from '\.\.\/shared\/adapters\/([\w-]+-dependencies)'/g)].map((m) => m[1]!);
  return [text, ...shared.map((m) => source(`shared/adapters/${m}.ts`).replaceAll("from './", "from '../shared/adapters/"))].join('\n');
}
