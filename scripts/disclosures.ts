/**
 * `npm run disclosures -- --insz <n> [--recipient VDAB|ACTIRIS|FOREM] [--json]`: which recipients
 * received data about this person, when, in which batch and under which regulation and legal
 * basis (return-flows §4; GDPR art. 15). Reads the disclosures table with the standard AWS
 * settings: the deployed table (set TABLE_DISCLOSURES to its name, and DISCLOSURE_KEY_PARAMETER),
 * or the local stand-in's (AWS_ENDPOINT_URL_DYNAMODB and DISCLOSURE_KEY_LOCAL, as `npm run local`
 * prints them). The INSZ is only ever printed masked.
 */
import { pathToFileURL } from 'node:url';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { loadDisclosureKey } from '../shared/adapters/disclosure-key';
import { type DisclosureView, DynamoDisclosures } from '../shared/adapters/dynamo-disclosures';
import { readDisclosureKeySource } from '../shared/configuration/disclosure-key-source';
import { readConfig, text } from '../shared/configuration/read-config';
import { isValidInsz, normaliseInsz } from '../shared/domain/checksums';
import { RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import { inszHmac, maskInsz } from '../shared/domain/return-flows/disclosures';
import { TABLES } from '../shared/topology';
import { oneOf, parseCommandLine, required, runCommand, UsageError } from './lib/cli';

const USAGE = 'usage: npm run disclosures -- --insz <national number> [--recipient VDAB|ACTIRIS|FOREM] [--json]';

export interface DisclosuresQuery {
  readonly insz: string;
  readonly recipient?: Recipient;
}

/** Reads the command line. @throws UsageError on anything the usage does not allow (the message never shows the INSZ in clear) */
export function parseDisclosuresArgs(argv: readonly string[], now: Date): DisclosuresQuery & { readonly json: boolean } {
  const { values } = parseCommandLine(argv, {
    usage: USAGE,
    options: { insz: { type: 'string' }, recipient: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const insz = normaliseInsz(required('insz', values.insz));
  if (insz === null || !isValidInsz(insz, now)) throw new UsageError(`not a valid INSZ/NISS (check digits): ${maskInsz(insz ?? '')}`);
  const recipient = oneOf('recipient', values.recipient, RECIPIENTS);
  return { insz, ...(recipient ? { recipient } : {}), json: values.json ?? false };
}

/** The disclosures about one person, unexpired, oldest first. */
export async function findDisclosures(
  query: DisclosuresQuery,
  store: DynamoDisclosures,
  key: Uint8Array,
  now: Date,
): Promise<DisclosureView[]> {
  return store.forPerson(inszHmac(key, query.insz), now, query.recipient);
}

/** A plain table for a terminal. */
export function formatDisclosures(insz: string, rows: readonly DisclosureView[]): string {
  const header = `Disclosures about ${maskInsz(insz)}: ${rows.length}`;
  if (rows.length === 0) return `${header}\n(no recipient received data about this person, or it is past its retention)`;
  const columns = ['recipient', 'deliveredAt', 'period', 'batchId', 'regulation', 'legalBasis'] as const;
  const cells = rows.map((row) => columns.map((c) => String(row[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [header, line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main(): Promise<undefined> {
  const now = new Date();
  const args = parseDisclosuresArgs(process.argv.slice(2), now);
  const key = await loadDisclosureKey(readDisclosureKeySource());
  const { [TABLES.disclosures.env]: table } = readConfig({ [TABLES.disclosures.env]: text().default(TABLES.disclosures.name) });
  const rows = await findDisclosures(args, new DynamoDisclosures(dynamoDocumentClient(), table), key, now);
  process.stdout.write(args.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatDisclosures(args.insz, rows)}\n`);
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await runCommand(USAGE, main);
