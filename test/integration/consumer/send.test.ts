import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStandIn, startLocalStandIn } from '../../../local/stand-in';
import { consume, parseConsumeArgs } from '../../../scripts/consume';
import { USAGE_EXIT_CODE } from '../../../scripts/lib/cli';
import { QUEUES } from '../../../shared/topology';

/**
 * The consumer's command line against the stand-in, with the environment the banner prints: it
 * sends a file of return messages, and prints what the hub answers.
 */

let standIn: LocalStandIn;
beforeAll(async () => {
  standIn = await startLocalStandIn();
});
afterAll(() => standIn.stop());

async function run(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await consume(argv, standIn.clientEnv, { stdout: (t) => void stdout.push(t), stderr: (t) => void stderr.push(t) });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('npm run consume', () => {
  it('sends the decisions of a file and prints the refusal the hub sends back', async () => {
    const work = await mkdtemp(join(tmpdir(), 'art60-consume-send-'));
    const file = join(work, 'decisions.ndjson');
    const decision = {
      type: 'validation.decision',
      decisionId: 'd-1',
      reference: 'PPS-202511-999999999',
      fileNumber: '11002/2020/55333',
      decision: 'VALIDATED',
      decidedAt: '2025-12-02T10:00:00+01:00',
      messageId: 'vdab-msg-1',
    };
    const notAChoice = { ...decision, decisionId: 'd-3', messageId: 'vdab-msg-3', decision: 'MAYBE' };
    await writeFile(
      file,
      `${JSON.stringify(decision)}\n${JSON.stringify({ type: 'validation.decision', decisionId: 'd-2' })}\n${JSON.stringify(notAChoice)}\n`,
    );
    const out = join(work, 'out');

    const sent = await run(['--recipient', 'VDAB', '--out', out, '--send', file, '--once', '--wait-seconds', '0']);
    // The hub's return-flows function answers: the line was never delivered to VDAB.
    await standIn.drain();
    const answered = await run(['--recipient', 'VDAB', '--out', out, '--once', '--wait-seconds', '0']);

    expect(sent.stdout).toContain('sent validation.decision vdab-msg-1');
    expect(sent.stdout).toMatch(
      /not sent: message 2 of the file: not valid by validation\.decision\.inbound\.schema\.json: \/ must have required property/,
    );
    // A value outside a set names the set (the schema's values, never the message's).
    expect(sent.stdout).toContain(
      'not sent: message 3 of the file: not valid by validation.decision.inbound.schema.json: /decision must be one of "VALIDATED", "REFUSED"',
    );
    expect(sent.stdout).not.toContain('MAYBE');
    expect(sent.code).toBe(2);
    expect(answered.stdout.split('\n')[0]).toBe('message.refused: the hub refused your message vdab-msg-1: UNKNOWN_LINE');
    expect(answered.stdout).toContain(
      'VDAB: 1 message received, 0 batches written (0 records), 0 duplicates dropped, 0 messages kept aside, 1 answer',
    );
    expect(answered.code).toBe(0);
    const kept = JSON.parse(await readFile(join(out, 'answers.ndjson'), 'utf8')) as Record<string, unknown>;
    expect(kept).toMatchObject({ type: 'message.refused', refusedMessageId: 'vdab-msg-1', code: 'UNKNOWN_LINE' });
  });

  it('--once waits one second at the end, not twenty, and exits 3 naming a batch it leaves incomplete', async () => {
    expect(parseConsumeArgs(['--recipient', 'FOREM', '--out', 'x', '--once']).waitSeconds).toBe(1);
    expect(parseConsumeArgs(['--recipient', 'FOREM', '--out', 'x']).waitSeconds).toBe(20);
    const sqs = new SQSClient({ region: standIn.region, endpoint: standIn.clientEnv.AWS_ENDPOINT_URL_SQS ?? '' });
    const half = {
      type: 'batch.completed',
      schemaVersion: 1,
      messageId: 'forem-completed-1',
      sentAt: '2025-12-01T08:00:00Z',
      batchId: 'b-half',
      period: '2025-11',
      recipient: 'FOREM',
      messages: 2,
      records: 3,
    };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: standIn.queueUrl(QUEUES.recipientOutbound.FOREM),
        MessageBody: JSON.stringify(half),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'batch.completed' } },
      }),
    );
    sqs.destroy();
    const out = await mkdtemp(join(tmpdir(), 'art60-consume-once-'));
    const started = Date.now();

    const result = await run(['--recipient', 'FOREM', '--out', out, '--once']);

    expect(result.code).toBe(3);
    expect(result.stdout).toContain(
      'batch b-half incomplete: 0 of 2 batch.records messages held (missing seq 1, 2); its messages go back to the queue for the next run',
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await standIn.receiveAll(QUEUES.recipientOutbound.FOREM)).toHaveLength(1);
  });

  it('refuses --send for FOREM, which sends nothing back, with the usage', async () => {
    const result = await run(['--recipient', 'FOREM', '--out', join(tmpdir(), 'never'), '--send', 'x.json']);
    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stderr.split('\n')[0]).toBe(
      '--send is for VDAB, ACTIRIS and the PPS: FOREM receives no amounts and sends nothing back to the hub (messages.md)',
    );
    expect(result.stderr).toContain('usage: npm run consume -- --recipient VDAB|ACTIRIS|FOREM|PPS --out <dir>');
    expect(existsSync(join(tmpdir(), 'never'))).toBe(false);
  });

  it.each([
    [['--recipient', 'VDAB'], '--out is required'],
    [['--recipient', 'NOPE', '--out', 'x'], '--recipient must be one of VDAB, ACTIRIS, FOREM, PPS, got NOPE'],
    [['--recipient', 'VDAB', '--out', 'x', '--colour'], "Unknown option '--colour'"],
    [['--recipient', 'VDAB', '--out', 'x', '--wait-seconds', '30'], '--wait-seconds must be at most 20'],
  ])('prints the usage, not a stack trace, for %j', async (argv, problem) => {
    const result = await run(argv);
    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stderr).toContain(problem);
    expect(result.stderr).toContain('usage: npm run consume');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
