import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub } from '../../../infra/hub';
import { allQueues, FUNCTIONS } from '../../../shared/topology';
import { DEV, logicalId, removeOutdir, type Synthesized, synthesizeHub } from './helpers';

let s: Synthesized;
beforeAll(() => {
  // cdk-nag runs as a validation plugin: synthesis throws on any unacknowledged error finding.
  s = synthesizeHub({ cloudFormationValidation: true });
  // Two packs and CloudFormation's schema check over both stacks: minutes on a loaded machine.
}, 300_000);
afterAll(() => removeOutdir(s));

/** Every acknowledgement in the app: construct path, finding id, reason. */
function acknowledgements(): Array<{ path: string; id: string; reason: string }> {
  return s.hub.app.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
    );
}

describe('cdk-nag AwsSolutions and Serverless', () => {
  it('reports no finding, error or warning, that is not acknowledged, nor any CloudFormation schema problem', () => {
    const reportPath = path.join(s.outdir, 'validation-report.json');
    expect(existsSync(reportPath)).toBe(true);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
      pluginReports: Array<{ pluginName: string; conclusion: string; violations: unknown[] }>;
    };
    for (const pack of ['AwsSolutions', 'Serverless']) {
      expect(report.pluginReports.find((p) => p.pluginName === pack)).toEqual(
        expect.objectContaining({ conclusion: 'success', violations: [] }),
      );
    }
    // Warnings too, from any plugin (CDK's CloudFormation schema check included).
    for (const plugin of report.pluginReports) expect(plugin.violations, plugin.pluginName).toEqual([]);
  });

  it('acknowledges exactly these findings, one at a time, each with a real reason', () => {
    const acks = acknowledgements();
    const STATEFUL = 'Art60Hub-dev-Stateful';
    const STATELESS = 'Art60Hub-dev-Stateless';
    const iam5 = (resource: string) => `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`;
    const ref = (construct: Parameters<typeof logicalId>[0]) => `<${logicalId(construct)}.Arn>`;
    const { buckets } = s.hub.stateful;
    const expected = [
      // CDK's own deployment-time handler.
      [
        `${STATEFUL}/BucketNotificationsHandler050a0587b7544547bf325f094a3db834`,
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ],
      // Object keys made at run time: the functions' and the operator's S3 object statements.
      [`${STATELESS}/Fn-split-batch/Role`, iam5(`${STATEFUL}:InboundBucketArn/monthly/*`)],
      [`${STATELESS}/Fn-split-batch/Role`, iam5(`${STATEFUL}:StagingBucketArn/*`)],
      [`${STATELESS}/Fn-split-batch/Role`, iam5(`${STATEFUL}:ArchiveBucketArn/*`)],
      [`${STATELESS}/Fn-split-batch/Role`, iam5(`${STATEFUL}:ReportsBucketArn/*`)],
      [`${STATELESS}/Fn-operator-redeliver/Role`, iam5(`${STATEFUL}:ArchiveBucketArn/*`)],
      // The re-notify tool runs split-batch's use case, with split-batch's grants.
      [`${STATELESS}/Fn-operator-renotify-file/Role`, iam5(`${STATEFUL}:InboundBucketArn/monthly/*`)],
      [`${STATELESS}/Fn-operator-renotify-file/Role`, iam5(`${STATEFUL}:StagingBucketArn/*`)],
      [`${STATELESS}/Fn-operator-renotify-file/Role`, iam5(`${STATEFUL}:ArchiveBucketArn/*`)],
      [`${STATELESS}/Fn-operator-renotify-file/Role`, iam5(`${STATEFUL}:ReportsBucketArn/*`)],
      [`${STATEFUL}/Operator/Role`, iam5(`${ref(buckets.archive)}/*`)],
      [`${STATEFUL}/Operator/Role`, iam5(`${ref(buckets.reports)}/*`)],
      // Serverless: a DLQ has no DLQ (the tamper rules' DLQs are EventBridge's, which cdk-nag does not see); the alarm mail and the alarm endpoint have none.
      ...allQueues().map((q) => [`${STATEFUL}/Queue-${q.name}/DeadLetterQueue`, 'Serverless::Serverless-SQSRedrivePolicy']),
      [`${STATEFUL}/AlarmTopic/${DEV.alarmEmail}`, 'Serverless::Serverless-SNSRedrivePolicy'],
      // The HTTPS subscription: CDK names it by its URL, each `/` made `--`.
      [`${STATEFUL}/AlarmTopic/${DEV.alarmHttpsEndpoint!.replace(/\//g, '--')}`, 'Serverless::Serverless-SNSRedrivePolicy'],
      ...[STATEFUL, STATELESS].flatMap((stack) => [
        [`${stack}/TamperAlarm/DeadLetters`, 'Serverless::Serverless-SQSRedrivePolicy'],
        [`${stack}/TamperAlarm/DeadLetters`, 'AwsSolutions::AwsSolutions-SQS3'],
      ]),
      // Serverless: functions invoked only by SQS mappings, and no X-Ray on purpose.
      ...Object.values(FUNCTIONS).flatMap((fn) => [
        [`${STATELESS}/Fn-${fn.name}/Function`, 'Serverless::Serverless-LambdaDLQ'],
        [`${STATELESS}/Fn-${fn.name}/Function`, 'Serverless::Serverless-LambdaTracing'],
        ...fn.triggers.map((q) => [
          `${STATELESS}/Trigger-${fn.name}-${q.name}`,
          'Serverless::Serverless-LambdaEventSourceMappingDestination',
        ]),
      ]),
    ];
    const sorted = (list: string[][]) => list.map((x) => x.join(' ')).sort();
    expect(sorted(acks.map(({ path: p, id }) => [p, id]))).toEqual(sorted(expected));
    expect(acks).toHaveLength(expected.length);
    for (const { reason } of acks) expect(reason.length).toBeGreaterThan(80);
    expect(DEV.stageName).toBe('dev');
  });

  it('fails synthesis when a finding is not acknowledged', () => {
    // Same app with one extra, deliberately non-compliant resource: an unencrypted queue without DLQ.
    expect(() => {
      const other = synthesizeWithExtraQueue();
      other.app.synth();
    }).toThrow(/AwsSolutions-SQS3|AwsSolutions-SQS4/);
  });
});

function synthesizeWithExtraQueue() {
  const hub = buildHub(DEV, {
    outdir: path.join(s.outdir, 'non-compliant'),
    context: { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  new Queue(hub.stateful, 'NonCompliant');
  return hub;
}
