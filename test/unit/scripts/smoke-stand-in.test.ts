import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStandIn, startLocalStandIn } from '../../../local/stand-in';
import { runSmoke } from '../../../scripts/lib/smoke';
import { createS3Client, createSqsClient } from '../../../shared/adapters/aws-clients';
import { nationalNumberRegExp } from '../../../shared/national-number-pattern';
import { BUCKETS, deadLetterQueueOf, QUEUES } from '../../../shared/topology';

/**
 * The smoke test's every step against the local stand-in: the real functions on fauxqs and
 * dynalite, the parties' S3 and SQS calls through the stand-in's endpoints. Only what the stand-in
 * has no emulator for is answered by aws-sdk-client-mock, as the sandbox would: CloudFormation
 * (the stacks' outputs, pointing at the stand-in's queues and bucket), STS and CloudWatch.
 */

let standIn: LocalStandIn;
beforeAll(async () => {
  standIn = await startLocalStandIn();
});
afterAll(async () => {
  await standIn?.stop();
});

const ROLE = (party: string) => `arn:aws:iam::000000000000:role/art60-sandbox-party-${party.toLowerCase()}`;

function stackOutputs(): {
  stateful: Array<{ OutputKey: string; OutputValue: string }>;
  parties: Array<{ OutputKey: string; OutputValue: string }>;
} {
  const stateful = [
    ...[
      QUEUES.recipientOutbound.VDAB,
      QUEUES.recipientOutbound.ACTIRIS,
      QUEUES.recipientOutbound.FOREM,
      QUEUES.recipientInbound.VDAB,
      QUEUES.ppsOutbound,
    ].map((q) => ({ OutputKey: `QueueUrl${q.name.replace(/-/g, '')}`, OutputValue: standIn.queueUrl(q) })),
    { OutputKey: 'BucketNameinbound', OutputValue: standIn.bucketName(BUCKETS.inbound) },
    { OutputKey: 'InboundKeyArn', OutputValue: 'arn:aws:kms:eu-west-1:000000000000:key/00000000-0000-0000-0000-000000000000' },
  ];
  const parties = ['VDAB', 'ACTIRIS', 'FOREM', 'PPS'].map((p) => ({ OutputKey: `RoleArn${p}`, OutputValue: ROLE(p) }));
  return { stateful, parties };
}

describe('npm run smoke against the local stand-in', () => {
  it('puts a file as the PPS, reads every recipient batch complete, has VDAB validate a line the PPS then reads, raises an alarm', async () => {
    const outputs = stackOutputs();
    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Art60Hub-sandbox-Stateful' })
      .resolves({
        Stacks: [
          { StackName: 'Art60Hub-sandbox-Stateful', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: outputs.stateful },
        ],
      })
      .on(DescribeStacksCommand, { StackName: 'Art60Hub-sandbox-Parties' })
      .resolves({
        Stacks: [
          { StackName: 'Art60Hub-sandbox-Parties', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: outputs.parties },
        ],
      });
    const sts = mockClient(STSClient);
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'local', SecretAccessKey: 'local', SessionToken: 'local', Expiration: new Date() },
    });
    const cloudWatch = mockClient(CloudWatchClient);
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolves({
        MetricAlarms: [
          { AlarmName: 'Art60Hub-sandbox-Stateless-DeadLetters-outbound-vdab' },
          { AlarmName: 'Art60Hub-sandbox-Stateless-RefusedFile' },
        ],
      })
      .on(SetAlarmStateCommand)
      .resolves({});

    // The hub, meanwhile: S3's notifications and the functions' triggers, as `npm run local` plays them.
    let hubRuns = true;
    const hub = (async () => {
      while (hubRuns) {
        await standIn.notifyNewObjects();
        await standIn.drain();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const lines: string[] = [];
    try {
      await runSmoke(
        {
          cloudFormation: new CloudFormationClient({ region: standIn.region }),
          sts: new STSClient({ region: standIn.region }),
          cloudWatch: new CloudWatchClient({ region: standIn.region }),
          // The account's organization trail, multi-Region, logging every management event.
          cloudTrail: {
            describeTrails: async () => [
              {
                name: 'org',
                trailArn: 'arn:aws:cloudtrail:eu-west-1:1:trail/org',
                homeRegion: 'eu-west-1',
                isMultiRegionTrail: true,
                isOrganizationTrail: true,
              },
            ],
            eventSelectors: async () => ({ basic: [{ readWriteType: 'All', includeManagementEvents: true }] }),
            isLogging: async () => true,
          },
          asParty: (credentials) => ({ s3: createS3Client({ credentials }), sqs: createSqsClient({ credentials }) }),
        },
        { stage: 'sandbox', rows: 100, timeoutSeconds: 60, receiveWaitSeconds: 1, runId: 'local-1' },
        (line) => lines.push(line),
      );
    } finally {
      hubRuns = false;
      await hub;
    }

    expect(lines.filter((l) => l.startsWith('→'))).toEqual([
      '→ read the outputs of Art60Hub-sandbox-Stateful and Art60Hub-sandbox-Parties',
      '→ assume the roles that play the parties',
      '→ PPS puts monthly/2025-11/smoke-local-1.csv (100 rows, SSE-KMS with the inbound key, If-None-Match: *)',
      '→ VDAB reads its queue until batch.completed is complete',
      '→ ACTIRIS reads its queue until batch.completed is complete',
      '→ FOREM reads its queue until batch.completed is complete',
      '→ VDAB sends a validation decision on its inbound queue',
      '→ PPS reads the decision on its outbound queue',
      '→ set an alarm to ALARM (SetAlarmState), so that its e-mail is sent',
      `→ a CloudTrail trail logs ${standIn.region}'s management events (the tamper alarms see nothing without one)`,
    ]);
    expect(lines.filter((l) => l.startsWith('  ✓'))).toHaveLength(10);
    expect(lines).toContain('  ✓ org (multi-Region, organization), logging');
    expect(lines).toContain('  ✓ validation.decision smoke-val-local-1 from VDAB: VALIDATED');
    // Each recipient got as many records as its batch.completed counts.
    for (const line of lines.filter((l) => l.includes('batch.records messages'))) {
      const [, got, said] = /, (\d+) records \(batch.completed says (\d+)\)/.exec(line) ?? [];
      expect(got).toBe(said);
      expect(Number(got)).toBeGreaterThan(0);
    }
    // The roles assumed were the parties', one session each; the alarm raised was a real one.
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual(['VDAB', 'ACTIRIS', 'FOREM', 'PPS'].map(ROLE));
    expect(cloudWatch.commandCalls(SetAlarmStateCommand).map((c) => [c.args[0].input.AlarmName, c.args[0].input.StateValue])).toEqual([
      ['Art60Hub-sandbox-Stateless-RefusedFile', 'ALARM'],
    ]);
    // Nothing the smoke test prints holds a national number; nothing it did was dead-lettered.
    expect(lines.join('\n')).not.toMatch(nationalNumberRegExp());
    for (const q of [QUEUES.recipientInbound.VDAB, QUEUES.batchNotifications])
      expect(await standIn.receiveAll(deadLetterQueueOf(q))).toEqual([]);
    cloudFormation.restore();
    sts.restore();
    cloudWatch.restore();
  }, 240_000); // each wait may take 60 s on a loaded machine; idle, the whole run takes about 5 s
});
