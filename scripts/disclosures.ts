/**
 * `npm run disclosures [-- --recipient VDAB|ACTIRIS|FOREM] [--json]`, the INSZ on standard input
 * (typed at the prompt, unechoed, or piped: `npm run disclosures < insz.txt`): which recipients
 * received data about this person, when, in which batch and under which regulation and legal
 * basis (return-flows §4; GDPR art. 15). Reads the disclosures table (FOREM's) and the
 * payment-lines table's index `byInszHmac` (VDAB's and Actiris's) with the standard AWS settings:
 * the deployed tables (set TABLE_DISCLOSURES and TABLE_PAYMENT_LINES to their names, and DISCLOSURE_KEY_PARAMETER),
 * or the local stand-in's (AWS_ENDPOINT_URL_DYNAMODB and DISCLOSURE_KEY_LOCAL, as `npm run local`
 * prints them). The INSZ is only ever printed masked. The query and its table are the
 * operator-disclosures function's (shared/domain/operations/disclosures.ts). A national number is
 * never taken on the command line: npm echoes its command, and the shell keeps a history.
 */
import { pathToFileURL } from 'node:url';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { loadDisclosureKey } from '../shared/adapters/disclosure-key';
import { DynamoDisclosures } from '../shared/adapters/dynamo-disclosures';
import { readDisclosureKeySource } from '../shared/configuration/disclosure-key-source';
import { readConfig, text } from '../shared/configuration/read-config';
import { type DisclosuresQuery, disclosuresQueryOf, findDisclosures, formatDisclosures } from '../shared/domain/operations/disclosures';
import { TABLES } from '../shared/topology';
import { checkedAsUsage, parseCommandLine, runCommand, UsageError } from './lib/cli';
import { readSecretLine } from './lib/read-secret';

const USAGE = [
  'usage: npm run disclosures [-- --recipient VDAB|ACTIRIS|FOREM|PPS|OCMW] [--json]',
  '       the INSZ is read from standard input: typed at the prompt (not shown), or `npm run disclosures < file`',
].join('\n');

/** The INSZ is never a flag: the value given is not repeated, only the way to give it. */
const NOT_ON_THE_COMMAND_LINE =
  '--insz is not taken: a national number never goes on a command line (npm echoes it, the shell keeps it); give it on standard input';

/**
 * Reads the command line and the INSZ (from `readInsz`, standard input).
 * @throws UsageError on anything the usage does not allow (the message never shows the INSZ in clear)
 */
export async function parseDisclosuresArgs(
  argv: readonly string[],
  now: Date,
  readInsz: () => Promise<string>,
): Promise<DisclosuresQuery & { readonly json: boolean }> {
  const { values } = parseCommandLine(argv, {
    usage: USAGE,
    options: { insz: { type: 'string' }, recipient: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (values.insz !== undefined) throw new UsageError(NOT_ON_THE_COMMAND_LINE);
  const insz = await readInsz();
  if (insz === '') throw new UsageError('no INSZ was given on standard input');
  const query = checkedAsUsage(() => disclosuresQueryOf({ insz, recipient: values.recipient }, now));
  return { ...query, json: values.json ?? false };
}

async function main(): Promise<undefined> {
  const now = new Date();
  const args = await parseDisclosuresArgs(process.argv.slice(2), now, () => readSecretLine('INSZ (not shown): '));
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
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await runCommand(USAGE, main);
