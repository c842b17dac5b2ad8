import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStandIn, startLocalStandIn } from '../../../local/stand-in';
import { consume } from '../../../scripts/consume';
import { USAGE_EXIT_CODE } from '../../../scripts/lib/cli';

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
    await writeFile(file, `${JSON.stringify(decision)}\n${JSON.stringify({ type: 'validation.decision', decisionId: 'd-2' })}\n`);
    const out = join(work, 'out');

    const sent = await run(['--recipient', 'VDAB', '--out', out, '--send', file, '--once', '--wait-seconds', '0']);
    // The hub's return-flows function answers: the line was never delivered to VDAB.
    await standIn.drain();
    const answered = await run(['--recipient', 'VDAB', '--out', out, '--once', '--wait-seconds', '0']);

    expect(sent.stdout).toContain('sent validation.decision vdab-msg-1');
    expect(sent.stdout).toMatch(
      /not sent: message 2 of the file: not valid by validation\.decision\.inbound\.schema\.json: \/ must have required property/,
    );
    expect(sent.code).toBe(2);
    expect(answered.stdout.split('\n')[0]).toBe('message.refused: the hub refused your message vdab-msg-1: UNKNOWN_LINE');
    expect(answered.stdout).toContain(
      'VDAB: 1 message received, 0 batches written (0 records), 0 duplicates dropped, 0 messages kept aside, 1 answer',
    );
    expect(answered.code).toBe(0);
    const kept = JSON.parse(await readFile(join(out, 'answers.ndjson'), 'utf8')) as Record<string, unknown>;
    expect(kept).toMatchObject({ type: 'message.refused', refusedMessageId: 'vdab-msg-1', code: 'UNKNOWN_LINE' });
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
