/**
 * `npm run disclosures -- --insz <n> [--recipient VDAB|ACTIRIS|FOREM] [--json]`: which recipients
 * received data about this person, when, in which batch and under which regulation and legal
 * basis (return-flows §4; GDPR art. 15). Reads the disclosures table (FOREM's) and the
 * payment-lines table's index `byInszHmac` (VDAB's and Actiris's) with the standard AWS settings:
 * the deployed tables (set TABLE_DISCLOSURES and TABLE_PAYMENT_LINES to their names, and DISCLOSURE_KEY_PARAMETER),
 * or the local stand-in's (AWS_ENDPOINT_URL_DYNAMODB and DISCLOSURE_KEY_LOCAL, as `npm run local`
 * prints them). The INSZ is only ever printed masked.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { loadDisclosureKey } from '../shared/adapters/disclosure-key';
import { type DisclosureView, DynamoDisclosures } from '../shared/adapters/dynamo-disclosures';
import { readDisclosureKeySource } from '../shared/configuration/disclosure-key-source';
import { readConfig, text } from '../shared/configuration/read-config';
import { isValidInsz, normaliseInsz } from '../shared/domain/checksums';
import { isRecipient, type Recipient } from '../shared/domain/recipients';
import { inszHmac, maskInsz } from '../shared/domain/return-flows/disclosures';
import { TABLES } from '../shared/topology';

export interface DisclosuresQuery {
  readonly insz: string;
  readonly recipient?: Recipient;
}

/** Reads the command line; throws a usage message on anything else. */
export function parseDisclosuresArgs(argv: readonly string[], now: Date): DisclosuresQuery & { readonly json: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: { insz: { type: 'string' }, recipient: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const usage = 'usage: npm run disclosures -- --insz <national number> [--recipient VDAB|ACTIRIS|FOREM] [--json]';
  if (!values.insz) throw new Error(usage);
  const insz = normaliseInsz(values.insz);
  if (insz === null || !isValidInsz(insz, now)) throw new Error(`not a valid INSZ/NISS (check digits): ${maskInsz(insz ?? '')}\n${usage}`);
  if (values.recipient !== undefined && !isRecipient(values.recipient)) throw new Error(`unknown recipient ${values.recipient}\n${usage}`);
  return { insz, ...(values.recipient ? { recipient: values.recipient as Recipient } : {}), json: values.json ?? false };
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

async function main(): Promise<void> {
  const now = new Date();
  const args = parseDisclosuresArgs(process.argv.slice(2), now);
  const key = await loadDisclosureKey(readDisclosureKeySource());
  // FOREM's disclosures are in their own table; VDAB's and Actiris's are their payment lines.
  const tables = readConfig({
    [TABLES.disclosures.env]: text().default(TABLES.disclosures.name),
    [TABLES.paymentLines.env]: text().default(TABLES.paymentLines.name),
  });
  const store = new DynamoDisclosures(dynamoDocumentClient(), {
    disclosures: tables[TABLES.disclosures.env],
    paymentLines: tables[TABLES.paymentLines.env],
  });
  const rows = await findDisclosures(args, store, key, now);
  process.stdout.write(args.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatDisclosures(args.insz, rows)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
