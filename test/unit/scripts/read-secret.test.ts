import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSecretLine } from '../../../scripts/lib/read-secret';

/** The way a national number reaches a command: standard input, never echoed on a terminal. */

function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
  const setRawMode = (raw: boolean) => input.rawModes.push(raw);
  let shown = '';
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => {
    shown += chunk.toString();
  });
  return { io: { input: Object.assign(input, { setRawMode }), output }, input, shown: () => shown };
}

describe('readSecretLine', () => {
  it('on a terminal: prompts, does not echo what is typed, honours backspace, and restores the terminal', async () => {
    const t = terminal();
    const read = readSecretLine('INSZ (not shown): ', t.io);
    t.input.write('8507300332x\u007f8\r');
    expect(await read).toBe('85073003328');
    expect(t.shown()).toBe('INSZ (not shown): \n');
    expect(t.input.rawModes).toEqual([true, false]);
  });

  it('on a terminal: Ctrl-C gives nothing', async () => {
    const t = terminal();
    const read = readSecretLine('? ', t.io);
    t.input.write('850\u0003');
    expect(await read).toBe('');
  });

  it('from a pipe: the first line, trimmed, and no prompt', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (c: Buffer) => {
      shown += c.toString();
    });
    const read = readSecretLine('? ', { input, output });
    input.end(' 85073003328 \r\nsecond line\n');
    expect(await read).toBe('85073003328');
    expect(shown).toBe('');
  });

  it('from an empty pipe: an empty string', async () => {
    const input = new PassThrough();
    const read = readSecretLine('? ', { input, output: new PassThrough() });
    input.end();
    expect(await read).toBe('');
  });
});
