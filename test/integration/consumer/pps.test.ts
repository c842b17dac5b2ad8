import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { consume } from '../../../scripts/consume';
import { sqsClient } from '../../../shared/adapters/aws-clients';
import { MESSAGE_EXAMPLES } from '../../../shared/messages/examples';
import { QUEUES } from '../../../shared/topology';
import { COLUMNS, csvText, fillerRows, sha256Hex, utf8 } from '../../support/batch-files';
import { useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * `npm run consume -- --recipient PPS` against the stand-in, with the environment the banner
 * prints: it reads `outbound-pps` and `outbound-ocmw`, prints each file's `batch.outcome` and
 * what else the PPS is sent, and with `--send` sends the PPS's correction decisions.
 */

const hub = useMonthlyBatchHub('art60-consumer-pps-');

async function run(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await consume(argv, hub.standIn.clientEnv, { stdout: (t) => void stdout.push(t), stderr: (t) => void stderr.push(t) });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

async function readNdjson(path: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('npm run consume -- --recipient PPS', () => {
  it('prints the outcome of each file the PPS dropped, keeps it, and drops a repeat by messageId', async () => {
    const period = '2025-06';
    const accepted = utf8(
      csvText(
        COLUMNS,
        fillerRows(period, 'PPS-A', 6).map((f) => f.row),
      ),
    );
    const other = utf8(
      csvText(
        COLUMNS,
        fillerRows(period, 'PPS-B', 2).map((f) => f.row),
      ),
    );
    await hub.processRaw(`monthly/${period}/accepted.csv`, accepted);
    await hub.processRaw(`monthly/${period}/notes.txt`, other);
    await hub.processRaw(`monthly/${period}/accepted-again.csv`, accepted);
    const out = await mkdtemp(join(tmpdir(), 'art60-consume-pps-'));

    const first = await run(['--recipient', 'PPS', '--out', out, '--once', '--wait-seconds', '0']);

    const lines = first.stdout.split('\n').filter((line) => line !== '');
    const about = (source: string) => lines.filter((line) => line.startsWith(`batch.outcome: monthly/${period}/${source} `));
    expect(about('accepted.csv')).toEqual([
      `batch.outcome: monthly/${period}/accepted.csv accepted: 6 rows = 6 delivered + 0 withheld + 0 unroutable + 0 rejected (records: VDAB 2, ACTIRIS 2, FOREM 2); report ${period}/${sha256Hex(accepted)}.json`,
    ]);
    expect(about('notes.txt')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^batch\\.outcome: monthly/${period}/notes\\.txt REFUSED UNSUPPORTED_FILE.* \\(0 rows read, 0 rejected, nothing delivered\\); report ${period}/${sha256Hex(other)}\\.json$`,
        ),
      ),
    ]);
    expect(about('accepted-again.csv')).toEqual([
      `batch.outcome: monthly/${period}/accepted-again.csv holds the bytes of batch ${sha256Hex(accepted)}, delivered before: nothing delivered again (6 rows delivered then); report ${period}/${sha256Hex(accepted)}.json`,
    ]);
    expect(lines.at(-1)).toBe('PPS: 3 messages received, 0 duplicates dropped, 0 messages kept aside, 3 answers');
    expect(first.code).toBe(0);
    const kept = await readNdjson(join(out, 'answers.ndjson'));
    expect(kept.map((m) => [m.type, m.source]).sort()).toEqual([
      ['batch.outcome', `monthly/${period}/accepted-again.csv`],
      ['batch.outcome', `monthly/${period}/accepted.csv`],
      ['batch.outcome', `monthly/${period}/notes.txt`],
    ]);

    // The same outcome again (SQS delivers at least once): dropped by its messageId.
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: hub.standIn.queueUrl(QUEUES.ppsOutbound),
        MessageBody: JSON.stringify(kept[0]),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'batch.outcome' } },
      }),
    );
    const again = await run(['--recipient', 'PPS', '--out', out, '--once', '--wait-seconds', '0']);
    expect(again.stdout).toBe('PPS: 1 message received, 1 duplicate dropped, 0 messages kept aside, 0 answers\n');
  });

  it("reads the OCMWs' queue too, printing an approved correction without its national number", async () => {
    const approved = MESSAGE_EXAMPLES['correction.approved'];
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: hub.standIn.queueUrl(QUEUES.ocmwOutbound),
        MessageBody: JSON.stringify(approved),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'correction.approved' } },
      }),
    );
    const out = await mkdtemp(join(tmpdir(), 'art60-consume-ocmw-'));

    const result = await run(['--recipient', 'PPS', '--out', out, '--once', '--wait-seconds', '0']);

    expect(result.stdout.split('\n')[0]).toBe(
      `correction.approved ${approved.correctionId}: RECOVERY of € 150.00 on line ${approved.reference}, for OCMW ${approved.ocmwKbo}`,
    );
    expect(result.stdout).not.toContain(approved.insz);
    expect(await readNdjson(join(out, 'answers.ndjson'))).toEqual([approved]);
  });

  it("sends the PPS's correction decisions, checked against their schema, and prints the hub's answer", async () => {
    const work = await mkdtemp(join(tmpdir(), 'art60-consume-pps-send-'));
    const file = join(work, 'decisions.ndjson');
    const decision = {
      type: 'correction.decision',
      messageId: 'pps-msg-1',
      correctionId: 'cor-00000000000000000000000000000000',
      decision: 'APPROVED',
      decidedAt: '2025-12-02T10:00:00+01:00',
    };
    const notOurs = { type: 'validation.decision', decisionId: 'd-1' };
    await writeFile(file, `${JSON.stringify(decision)}\n${JSON.stringify(notOurs)}\n`);
    const out = join(work, 'out');

    const sent = await run(['--recipient', 'PPS', '--out', out, '--send', file, '--once', '--wait-seconds', '0']);
    await hub.standIn.drain();
    const answered = await run(['--recipient', 'PPS', '--out', out, '--once', '--wait-seconds', '0']);

    expect(sent.stdout).toContain('sent correction.decision pps-msg-1');
    expect(sent.stdout).toContain('not sent: message 2 of the file: type must be one of correction.decision, got validation.decision');
    expect(sent.code).toBe(2);
    // No such correction: the hub refuses the decision and tells the PPS why.
    expect(answered.stdout.split('\n')[0]).toBe('message.refused: the hub refused your message pps-msg-1: UNKNOWN_CORRECTION');
    expect(answered.code).toBe(0);
  });
});
