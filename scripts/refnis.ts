import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MUNICIPALITY_SPANS, MUNICIPALITY_TABLE_HEADER, type MunicipalitySpan } from '../shared/domain/municipalities';
import { GERMAN_SPEAKING_MUNICIPALITIES, routeMunicipality } from '../shared/domain/routing';

/**
 * Turns Statbel's REFNIS file into the project's table of municipalities (spec monthly-batch §5):
 *
 *     npm run refnis -- <TU_COM_REFNIS.txt> [--out <file.ts | file.csv>]
 *
 * The input is the pipe-separated `TU_COM_REFNIS.txt` of Statbel's open data set "Code REFNIS"
 * (columns read by name: `LVL_REFNIS`, `CD_REFNIS`, `TX_REFNIS_FR`, `TX_REFNIS_NL`, `DT_VLDT_START`,
 * `DT_VLDT_END`; dates `dd/mm/yyyy`, `31/12/9999` for open; a BOM and CRLF allowed). It keeps the
 * municipalities (level 4) still valid on or after 2015-01-01, writes them as
 * `nis;name_nl;name_fr;valid_from;valid_to` sorted by code and start, runs the checks of the REFNIS
 * extract's README (the counts of 2018-12-31, 2019-01-01 and 2025-01-01, the German-speaking and
 * Brussels municipalities, no overlap, every code in an arrondissement for its whole span, every
 * code routable) and prints how the new table differs from the project's. Without `--out` it rewrites `shared/domain/municipalities-table.ts` (a module,
 * so that esbuild bundles it into the Lambdas); an `--out` ending in `.csv` gets the bare table.
 * A table that fails a check is not written (exit 1).
 */

const USAGE = 'usage: npm run refnis -- <TU_COM_REFNIS.txt> [--out <file.ts | file.csv>]';

/** The project's copy of the table. */
export const TABLE_MODULE = fileURLToPath(new URL('../shared/domain/municipalities-table.ts', import.meta.url));

/** The first day a kept span must reach: the table lists every code valid on a day from then on. */
export const TABLE_SINCE = '2015-01-01';

const COLUMNS = ['LVL_REFNIS', 'CD_REFNIS', 'TX_REFNIS_FR', 'TX_REFNIS_NL', 'DT_VLDT_START', 'DT_VLDT_END'] as const;
type Column = (typeof COLUMNS)[number];

/** `dd/mm/yyyy` → `yyyy-mm-dd` (a real calendar date), `31/12/9999` → null (open), else undefined. */
function isoDateOf(text: string): string | null | undefined {
  if (text === '31/12/9999') return null;
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) return undefined;
  const [, dd, mm, yyyy] = match as unknown as [string, string, string, string];
  const date = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd)));
  if (date.getUTCFullYear() !== Number(yyyy) || date.getUTCMonth() !== Number(mm) - 1 || date.getUTCDate() !== Number(dd)) {
    return undefined;
  }
  return `${yyyy}-${mm}-${dd}`;
}

/** A span of a Statbel record: its code and its validity, both dates inclusive, null while open. */
export interface RefnisSpan {
  readonly code: string;
  readonly validFrom: string;
  readonly validTo: string | null;
}

/** What the project takes from a Statbel REFNIS file: its municipalities (level 4) and arrondissements (level 3). */
export interface StatbelRefnis {
  /** The municipality spans valid on `since` or later, sorted by code then start. */
  readonly municipalities: MunicipalitySpan[];
  /** Every arrondissement span, whatever its dates. */
  readonly arrondissements: RefnisSpan[];
}

/**
 * Reads a Statbel `TU_COM_REFNIS` file. Columns are read by their header names (the file's name
 * columns come in the order DE, FR, NL). Throws, naming the line, on anything it cannot read.
 */
export function readStatbelRefnis(text: string, since: string = TABLE_SINCE): StatbelRefnis {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split('|').map((name) => name.trim());
  const index = {} as Record<Column, number>;
  for (const column of COLUMNS) {
    index[column] = header.indexOf(column);
    if (index[column] < 0) throw new Error(`line 1: no column ${column} in the header`);
    if (header.lastIndexOf(column) !== index[column]) throw new Error(`line 1: the column ${column} is named twice`);
  }
  const municipalities: MunicipalitySpan[] = [];
  const arrondissements: RefnisSpan[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = line.split('|').map((cell) => cell.trim());
    const where = `line ${i + 1}`;
    if (cells.length !== header.length) throw new Error(`${where}: ${cells.length} cells, the header has ${header.length}`);
    const cell = (column: Column) => cells[index[column]] as string;
    const level = cell('LVL_REFNIS');
    if (level !== '3' && level !== '4') continue;
    const code = cell('CD_REFNIS');
    const validFrom = isoDateOf(cell('DT_VLDT_START'));
    const validTo = isoDateOf(cell('DT_VLDT_END'));
    if (!/^\d{5}$/.test(code)) throw new Error(`${where}: CD_REFNIS ${code} is not five digits`);
    if (!validFrom) throw new Error(`${where}: DT_VLDT_START ${cell('DT_VLDT_START')} is not dd/mm/yyyy`);
    if (validTo === undefined) throw new Error(`${where}: DT_VLDT_END ${cell('DT_VLDT_END')} is not dd/mm/yyyy`);
    if (validTo !== null && validTo < validFrom) throw new Error(`${where}: ${code} ends before it starts`);
    if (level === '3') arrondissements.push({ code, validFrom, validTo });
    else if (validTo === null || validTo >= since) {
      municipalities.push({ nis: code, nameNl: cell('TX_REFNIS_NL'), nameFr: cell('TX_REFNIS_FR'), validFrom, validTo });
    }
  }
  municipalities.sort((a, b) => (a.nis === b.nis ? compare(a.validFrom, b.validFrom) : compare(a.nis, b.nis)));
  return { municipalities, arrondissements };
}

/** The municipality spans of a Statbel `TU_COM_REFNIS` file that are valid on `since` or later, sorted by code then start. */
export function municipalitiesOfStatbelRefnis(text: string, since: string = TABLE_SINCE): MunicipalitySpan[] {
  return readStatbelRefnis(text, since).municipalities;
}

/** The day after `date` (`YYYY-MM-DD`). */
function dayAfter(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

/**
 * The extract's arrondissement check: every municipality's first two digits name an arrondissement
 * (`<dd>000`, level 3) that exists for the whole of the municipality's span from `since` on.
 */
export function checkArrondissements(
  municipalities: readonly MunicipalitySpan[],
  arrondissements: readonly RefnisSpan[],
  since: string = TABLE_SINCE,
): string[] {
  const problems: string[] = [];
  for (const span of municipalities) {
    const code = `${span.nis.slice(0, 2)}000`;
    const own = arrondissements.filter((a) => a.code === code).sort((a, b) => compare(a.validFrom, b.validFrom));
    const end = span.validTo ?? '9999-12-31';
    let cursor: string | null = span.validFrom > since ? span.validFrom : since;
    for (const arrondissement of own) {
      if (cursor === null || cursor > end) break;
      if (arrondissement.validFrom <= cursor && (arrondissement.validTo === null || arrondissement.validTo >= cursor)) {
        cursor = arrondissement.validTo === null ? null : dayAfter(arrondissement.validTo);
      }
    }
    if (cursor !== null && cursor <= end) problems.push(`${span.nis} ${span.nameNl}: no arrondissement ${code} on ${cursor}`);
  }
  return problems;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The table as text: `nis;name_nl;name_fr;valid_from;valid_to`, LF line ends, a final LF. */
export function formatMunicipalityTable(spans: readonly MunicipalitySpan[]): string {
  const lines = spans.map((span) => {
    for (const name of [span.nameNl, span.nameFr]) {
      if (/[;\n\r`\\]|\$\{/.test(name) || name === '') throw new Error(`${span.nis}: the name "${name}" cannot be written in the table`);
    }
    return [span.nis, span.nameNl, span.nameFr, span.validFrom, span.validTo ?? ''].join(';');
  });
  return `${[MUNICIPALITY_TABLE_HEADER, ...lines].join('\n')}\n`;
}

/** The module that holds the project's table (`shared/domain/municipalities-table.ts`). */
export function formatTableModule(table: string): string {
  return `// Written by \`npm run refnis\` (scripts/refnis.ts) from Statbel's REFNIS: do not edit by hand (README, "Municipalities").

/**
 * The project's copy of Statbel's REFNIS municipalities (level 4), every code valid on at least one
 * day since ${TABLE_SINCE}: \`nis;name_nl;name_fr;valid_from;valid_to\`, both dates inclusive, \`valid_to\`
 * empty while the code is valid. Read once by \`municipalities.ts\`.
 */
export const REFNIS_MUNICIPALITIES_CSV = \`${table}\`;
`;
}

/** How many codes were valid on the day `date` (`YYYY-MM-DD`). */
export function countValidOn(spans: readonly MunicipalitySpan[], date: string): number {
  return new Set(spans.filter((s) => s.validFrom <= date && (s.validTo === null || date <= s.validTo)).map((s) => s.nis)).size;
}

/** The counts the REFNIS extract's README gives, which a new edition must keep. */
export const EXPECTED_COUNTS: ReadonlyArray<readonly [date: string, municipalities: number]> = [
  ['2018-12-31', 589],
  ['2019-01-01', 581],
  ['2025-01-01', 565],
];

/** The 19 municipalities of the Brussels-Capital Region. */
const BRUSSELS = Array.from({ length: 19 }, (_, i) => String(21001 + i));

export interface TableCheck {
  /** What makes the table wrong: it must not be used. */
  readonly problems: string[];
  /** What a reviewer should see: changes that do not fall on 1 January (a month with both the old and the new codes). */
  readonly notes: string[];
}

/** The checks of the REFNIS extract's README, and that routing knows every code of the table. */
export function checkMunicipalityTable(spans: readonly MunicipalitySpan[]): TableCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  for (let i = 1; i < spans.length; i++) {
    const before = spans[i - 1] as MunicipalitySpan;
    const span = spans[i] as MunicipalitySpan;
    if (before.nis > span.nis || (before.nis === span.nis && before.validFrom >= span.validFrom)) {
      problems.push(`${span.nis} ${span.validFrom}: not sorted by code, then start`);
    } else if (before.nis === span.nis && (before.validTo === null || before.validTo >= span.validFrom)) {
      problems.push(`${span.nis}: the spans from ${before.validFrom} and ${span.validFrom} overlap`);
    }
  }
  for (const [date, expected] of EXPECTED_COUNTS) {
    const count = countValidOn(spans, date);
    if (count !== expected) problems.push(`${count} municipalities on ${date}, ${expected} expected`);
  }
  for (const [group, codes] of [
    ['German-speaking', [...GERMAN_SPEAKING_MUNICIPALITIES.keys()]],
    ['Brussels', BRUSSELS],
  ] as const) {
    for (const nis of codes) {
      const own = spans.filter((s) => s.nis === nis);
      if (own.length !== 1 || own[0]?.validTo !== null || (own[0]?.validFrom ?? '') >= TABLE_SINCE) {
        problems.push(`${nis} (${group}): not one open span starting before ${TABLE_SINCE}`);
      }
    }
  }
  for (const span of spans) {
    if (routeMunicipality(span.nis).kind === 'unknown-municipality') {
      problems.push(`${span.nis} ${span.nameNl}: routing.ts knows no recipient for its province`);
    }
    if (span.validFrom > TABLE_SINCE && !span.validFrom.endsWith('-01-01')) {
      notes.push(`${span.nis} ${span.nameNl} starts on ${span.validFrom}, not on 1 January`);
    }
    if (span.validTo !== null && !span.validTo.endsWith('-12-31')) {
      notes.push(`${span.nis} ${span.nameNl} ends on ${span.validTo}, not on 31 December`);
    }
  }
  return { problems, notes };
}

/** The rows that differ between two tables, for a reviewer: by code and start, each old row (`- `) before its new one (`+ `). */
export function tableDifferences(before: readonly MunicipalitySpan[], after: readonly MunicipalitySpan[]): string[] {
  const rows = (spans: readonly MunicipalitySpan[]) => new Set(formatMunicipalityTable(spans).split('\n').slice(1, -1));
  const old = rows(before);
  const now = rows(after);
  const key = (line: string) => {
    const [nis, , , validFrom] = line.slice(2).split(';');
    return `${nis};${validFrom}`;
  };
  const removed = [...old].filter((row) => !now.has(row)).map((row) => `- ${row}`);
  const added = [...now].filter((row) => !old.has(row)).map((row) => `+ ${row}`);
  return [...removed, ...added].sort((a, b) => compare(key(a), key(b)) || compare(b.slice(0, 1), a.slice(0, 1)));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });
  const [input] = positionals;
  if (input === undefined || positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const { municipalities: spans, arrondissements } = readStatbelRefnis(await readFile(input, 'utf8'));
  const { problems, notes } = checkMunicipalityTable(spans);
  problems.push(...checkArrondissements(spans, arrondissements));
  const say = (line: string) => process.stderr.write(`${line}\n`);
  say(`${spans.length} spans, ${new Set(spans.map((s) => s.nis)).size} codes valid on a day since ${TABLE_SINCE}`);
  for (const [date] of EXPECTED_COUNTS) say(`  municipalities on ${date}: ${countValidOn(spans, date)}`);
  for (const note of notes) say(`note: ${note}`);
  if (problems.length > 0) {
    for (const problem of problems) say(`problem: ${problem}`);
    say('the table was not written');
    process.exit(1);
  }
  const differences = tableDifferences(MUNICIPALITY_SPANS, spans);
  say(differences.length === 0 ? 'no row differs from the project table' : `rows that differ from the project table:`);
  for (const line of differences) say(`  ${line}`);
  const out = values.out === undefined ? TABLE_MODULE : resolve(values.out);
  const table = formatMunicipalityTable(spans);
  await writeFile(out, out.endsWith('.csv') ? table : formatTableModule(table));
  say(`written: ${out}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(1);
  });
}
