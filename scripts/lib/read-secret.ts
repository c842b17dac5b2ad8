import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * How a command reads a value that must never stand on a command line (a national number): the
 * first line of standard input. On a terminal it asks with `prompt` and does not echo what is
 * typed, so the value is in neither the shell's history, `ps`, npm's echo of the command nor the
 * terminal's scrollback; from a pipe or a file (`npm run disclosures < insz.txt`) it reads the
 * first line silently.
 */
export interface SecretInput {
  readonly input: Readable & { readonly isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  readonly output: Writable;
}

const PROCESS_INPUT: SecretInput = { input: process.stdin, output: process.stderr };

/** The first line of the input, trimmed; '' when the input ends before a line. */
export async function readSecretLine(prompt: string, io: SecretInput = PROCESS_INPUT): Promise<string> {
  const { input, output } = io;
  const terminal = input.isTTY === true;
  if (terminal) output.write(prompt);
  const lines = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  // With no echo: readline writes nothing when it is not in terminal mode; raw mode keeps the
  // terminal from echoing (Enter still ends the line, as a carriage return).
  if (terminal) input.setRawMode?.(true);
  try {
    const line = await new Promise<string>((resolve) => {
      let text = '';
      if (terminal) {
        const onData = (chunk: Buffer | string) => {
          for (const ch of chunk.toString()) {
            if (ch === '\r' || ch === '\n') return done(text);
            if (ch === '\u0003') return done('');
            if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
            else text += ch;
          }
        };
        const done = (value: string) => {
          input.off('data', onData);
          resolve(value);
        };
        lines.close();
        input.on('data', onData);
        input.resume();
        return;
      }
      lines.once('line', (first) => resolve(first));
      lines.once('close', () => resolve(''));
    });
    return line.trim();
  } finally {
    if (terminal) {
      input.setRawMode?.(false);
      output.write('\n');
    }
    lines.close();
    input.pause();
  }
}
