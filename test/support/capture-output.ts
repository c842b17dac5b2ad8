import { vi } from 'vitest';
import { AUDIT_MESSAGE } from '../../shared/domain/operations/operator-tool';

/**
 * Everything the code under test writes to stdout, stderr and the console, captured (and kept off
 * the test output) while an action runs: the JSON log lines of the logger and the CloudWatch EMF
 * lines of the metrics are read from it.
 */

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Captures (and silences) everything written to stdout, stderr and the console while `action` runs. */
export async function captureOutput<T>(action: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const chunks: string[] = [];
  const record = (chunk: unknown): void => {
    chunks.push(
      typeof chunk === 'string'
        ? chunk
        : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array
          ? Buffer.from(chunk).toString('utf8')
          : String(chunk),
    );
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      record(chunk);
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      record(chunk);
      return true;
    }),
    ...CONSOLE_METHODS.map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        record(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '));
      }),
    ),
  ];
  try {
    const result = await action();
    return {
      result,
      lines: chunks
        .join('\n')
        .split('\n')
        .filter((line) => line.trim().length > 0),
    };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The lines that are JSON objects, parsed; the others are left out. */
export function parsedLines(lines: readonly string[]): Array<Record<string, unknown>> {
  return lines.flatMap((line) => {
    try {
      const value = JSON.parse(line) as unknown;
      return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

/** The operator tools' audit lines (`AUDIT_MESSAGE`, operator-tool.ts) among the captured lines, parsed. */
export function auditLines(lines: readonly string[]): Array<Record<string, unknown>> {
  return parsedLines(lines).filter((line) => line.message === AUDIT_MESSAGE);
}
