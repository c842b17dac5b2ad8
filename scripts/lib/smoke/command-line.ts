import { parseArgs } from 'node:util';
import type { SmokeOptions } from './definitions';

/** The command line of `npm run smoke` (scripts/smoke.ts). */

export const SMOKE_USAGE =
  'usage: npm run smoke -- --stage <name> [--rows N] [--timeout SECONDS]\n' +
  '  Runs against a deployed stage whose parties are played by roles of its own account (the sandbox):\n' +
  '  puts a generated file as the PPS, reads each recipient queue until batch.completed is complete,\n' +
  "  sends a validation decision as VDAB, reads it on the PPS's queue, and sets an alarm to ALARM.";

/** Parsed command line; `usage` when the arguments are wrong (printed instead of a stack trace). */
export type SmokeArguments =
  | { readonly kind: 'run'; readonly options: SmokeOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage'; readonly problem: string };

/** Reads `--stage <name> [--rows N] [--timeout S] [--help]`. */
export function parseSmokeArguments(argv: readonly string[]): SmokeArguments {
  let values: { stage?: string; rows?: string; timeout?: string; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: { stage: { type: 'string' }, rows: { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { kind: 'usage', problem: (error as Error).message };
  }
  if (values.help) return { kind: 'help' };
  if (values.stage === undefined || !/^[a-z][a-z0-9-]{0,15}$/.test(values.stage))
    return { kind: 'usage', problem: values.stage === undefined ? '--stage is required' : `--stage "${values.stage}" is not a stage name` };
  const whole = (text: string | undefined, name: string, fallback: number, min: number): number | string => {
    if (text === undefined) return fallback;
    const n = Number(text);
    return Number.isInteger(n) && n >= min ? n : `--${name} must be a whole number, at least ${min}, got ${text}`;
  };
  const rows = whole(values.rows, 'rows', 100, 1);
  if (typeof rows === 'string') return { kind: 'usage', problem: rows };
  const timeoutSeconds = whole(values.timeout, 'timeout', 600, 1);
  if (typeof timeoutSeconds === 'string') return { kind: 'usage', problem: timeoutSeconds };
  return { kind: 'run', options: { stage: values.stage, rows, timeoutSeconds } };
}
