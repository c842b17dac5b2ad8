import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkArrondissements,
  checkMunicipalityTable,
  formatMunicipalityTable,
  formatTableModule,
  municipalitiesOfStatbelRefnis,
  readStatbelRefnis,
  TABLE_MODULE,
  tableDifferences,
} from '../../scripts/refnis';
import { MUNICIPALITY_SPANS, type MunicipalitySpan, parseMunicipalityTable } from '../../shared/domain/municipalities';

const FIXTURES = fileURLToPath(new URL('../fixtures/refnis/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/refnis.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Statbel's sample: BOM, CRLF, levels 1–4, names in the order DE, FR, NL, rows not sorted, spans ended before 2015. */
const fixture = (name: string) => readFile(join(FIXTURES, name), 'utf8');

/** A Statbel file with the given columns, in this order, for the given level-4 records. */
function statbelFile(columns: readonly string[], records: ReadonlyArray<Record<string, string>>): string {
  return [columns.join('|'), ...records.map((record) => columns.map((column) => record[column] ?? '').join('|'))].join('\r\n');
}

/** A level-4 Statbel record of a span of the table (Statbel's dates, the DE name made up). */
function statbelRecord(span: MunicipalitySpan): Record<string, string> {
  const date = (iso: string | null) => (iso === null ? '31/12/9999' : iso.split('-').reverse().join('/'));
  return {
    LVL_REFNIS: '4',
    CD_REFNIS: span.nis,
    CD_SUP_REFNIS: `${span.nis.slice(0, 2)}000`,
    TX_REFNIS_DE: `DE ${span.nameNl}`,
    TX_REFNIS_FR: span.nameFr,
    TX_REFNIS_NL: span.nameNl,
    DT_VLDT_START: date(span.validFrom),
    DT_VLDT_END: date(span.validTo),
  };
}

const STATBEL_COLUMNS = [
  'LVL_REFNIS',
  'CD_REFNIS',
  'CD_SUP_REFNIS',
  'TX_REFNIS_DE',
  'TX_REFNIS_FR',
  'TX_REFNIS_NL',
  'DT_VLDT_START',
  'DT_VLDT_END',
];

describe("Statbel's TU_COM_REFNIS into the project's table (npm run refnis)", () => {
  it('keeps the municipalities valid on a day since 2015, names NL and FR by their columns, ISO dates, sorted', async () => {
    const spans = municipalitiesOfStatbelRefnis(await fixture('TU_COM_REFNIS-sample.txt'));
    expect(formatMunicipalityTable(spans)).toBe(await fixture('refnis-municipalities-sample.csv'));
  });

  it('reads the columns by their names, in whatever order they come, with LF line ends and no BOM', async () => {
    const spans = parseMunicipalityTable(await fixture('refnis-municipalities-sample.csv'));
    const shuffled = [
      'DT_VLDT_END',
      'TX_REFNIS_NL',
      'CD_REFNIS',
      'TX_REFNIS_DE',
      'DT_VLDT_START',
      'LVL_REFNIS',
      'TX_REFNIS_FR',
      'CD_SUP_REFNIS',
    ];
    const text = statbelFile(shuffled, spans.map(statbelRecord)).replaceAll('\r\n', '\n');
    expect(municipalitiesOfStatbelRefnis(text)).toEqual(spans);
  });

  it('refuses what it cannot read, naming the line', () => {
    const record = statbelRecord({ nis: '11002', nameNl: 'Antwerpen', nameFr: 'Anvers', validFrom: '1970-01-01', validTo: null });
    const file = (patch: Record<string, string>, columns = STATBEL_COLUMNS) => statbelFile(columns, [{ ...record, ...patch }]);
    expect(() => municipalitiesOfStatbelRefnis(file({}, STATBEL_COLUMNS.slice(0, -1)))).toThrow(/line 1: no column DT_VLDT_END/);
    expect(() => municipalitiesOfStatbelRefnis(`${file({})}|x`)).toThrow(/line 2: 9 cells, the header has 8/);
    expect(() => municipalitiesOfStatbelRefnis(file({ DT_VLDT_START: '1970-01-01' }))).toThrow(/line 2: DT_VLDT_START/);
    expect(() => municipalitiesOfStatbelRefnis(file({ DT_VLDT_END: '31/02/2024' }))).toThrow(/line 2: DT_VLDT_END/);
    expect(() => municipalitiesOfStatbelRefnis(file({ CD_REFNIS: '1102' }))).toThrow(/line 2: CD_REFNIS/);
    expect(() => municipalitiesOfStatbelRefnis(file({ DT_VLDT_START: '01/01/2025', DT_VLDT_END: '31/12/2024' }))).toThrow(
      /line 2: 11002 ends/,
    );
    expect(() => formatMunicipalityTable([{ ...MUNICIPALITY_SPANS[0]!, nameFr: 'A;B' }])).toThrow(/cannot be written/);
  });

  it('checks that every municipality lies in an arrondissement for the whole of its span since 2015', async () => {
    expect(readStatbelRefnis(await fixture('TU_COM_REFNIS-sample.txt')).arrondissements).toEqual([
      { code: '54000', validFrom: '1970-01-01', validTo: '2018-12-31' },
      { code: '58000', validFrom: '2019-01-01', validTo: null },
    ]);
    const municipality = (nis: string, validFrom: string, validTo: string | null) => ({
      nis,
      nameNl: 'Test',
      nameFr: 'Test',
      validFrom,
      validTo,
    });
    const arrondissement = (code: string, validFrom: string, validTo: string | null) => ({ code, validFrom, validTo });
    const arrondissements = [
      arrondissement('54000', '1970-01-01', '2018-12-31'),
      arrondissement('57000', '2019-01-01', null),
      arrondissement('57000', '1970-01-01', '2018-12-31'),
      arrondissement('58000', '2019-01-01', '2024-12-31'),
      arrondissement('58000', '2025-02-01', null),
    ];
    expect(
      checkArrondissements(
        [
          municipality('54007', '1970-01-01', '2018-12-31'), // ends with its arrondissement
          municipality('57096', '2019-01-01', null), // Tournai-Mouscron, in two records that meet
          municipality('57081', '1970-01-01', null),
          municipality('54010', '1983-01-01', null), // outlives its arrondissement
          municipality('58001', '2019-01-01', null), // a month without its arrondissement
          municipality('63023', '1970-01-01', null), // no arrondissement at all
        ],
        arrondissements,
      ),
    ).toEqual([
      '54010 Test: no arrondissement 54000 on 2019-01-01',
      '58001 Test: no arrondissement 58000 on 2025-01-01',
      '63023 Test: no arrondissement 63000 on 2015-01-01',
    ]);
  });

  it("runs the extract's checks: counts, overlaps, order, German-speaking and Brussels codes, routing; notes changes off 1 January", async () => {
    const sample = checkMunicipalityTable(parseMunicipalityTable(await fixture('refnis-municipalities-sample.csv')));
    expect(sample.problems).toEqual(
      expect.arrayContaining([
        '9 municipalities on 2018-12-31, 589 expected',
        '63001 (German-speaking): not one open span starting before 2015-01-01',
        '21001 (Brussels): not one open span starting before 2015-01-01',
      ]),
    );
    expect(sample.notes).toEqual([
      '38999 Fixture einde 2015 ends on 2015-01-01, not on 31 December',
      '82003 Bastenaken ends on 2024-12-01, not on 31 December',
      '82039 Bastenaken starts on 2024-12-02, not on 1 January',
    ]);

    const spans = [...MUNICIPALITY_SPANS];
    const at = spans.findIndex((s) => s.nis === '12030');
    const broken = [
      ...spans.slice(0, at),
      { ...spans[at]!, validTo: null }, // Puurs open again: 590 codes on 2019-01-01
      { ...spans[at]!, validFrom: '2016-01-01' }, // overlapping its own span
      ...spans.slice(at + 1),
      { nis: '99001', nameNl: 'Nergens', nameFr: 'Nulle part', validFrom: '2025-01-01', validTo: null },
      { nis: '11001', nameNl: 'Aartselaar', nameFr: 'Aartselaar', validFrom: '2030-01-01', validTo: null },
    ];
    expect(checkMunicipalityTable(broken).problems).toEqual([
      '12030: the spans from 1970-01-01 and 2016-01-01 overlap',
      '11001 2030-01-01: not sorted by code, then start',
      '582 municipalities on 2019-01-01, 581 expected',
      '567 municipalities on 2025-01-01, 565 expected',
      '99001 Nergens: routing.ts knows no recipient for its province',
    ]);
  });

  it('lists the rows that differ from the table before', () => {
    const before = MUNICIPALITY_SPANS.slice(0, 3);
    const after = [before[0]!, { ...before[1]!, nameFr: 'Antwerpen (FR)' }, before[2]!, { ...before[2]!, nis: '11099' }];
    expect(tableDifferences(before, after)).toEqual([
      '- 11002;Antwerpen;Anvers;1970-01-01;',
      '+ 11002;Antwerpen;Antwerpen (FR);1970-01-01;',
      '+ 11099;Boechout;Boechout;1970-01-01;',
    ]);
    expect(tableDifferences(MUNICIPALITY_SPANS, MUNICIPALITY_SPANS)).toEqual([]);
  });

  it('wrote the project table: shared/domain/municipalities-table.ts is exactly what it writes for these spans', async () => {
    expect(await readFile(TABLE_MODULE, 'utf8')).toBe(formatTableModule(formatMunicipalityTable(MUNICIPALITY_SPANS)));
  });
});

describe('npm run refnis, the command', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'refnis-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function run(...args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('writes the table of a Statbel file that passes the checks, and says which rows differ from the project table', async () => {
    const spans = MUNICIPALITY_SPANS.map((s) => (s.nis === '11001' ? { ...s, nameFr: 'Aartselaar (FR)' } : s));
    const arrondissements = [...new Set(spans.map((s) => s.nis.slice(0, 2)))].map((prefix) => ({
      LVL_REFNIS: '3',
      CD_REFNIS: `${prefix}000`,
      DT_VLDT_START: prefix === '58' ? '01/01/2019' : '01/01/1970',
      DT_VLDT_END: prefix === '54' ? '31/12/2018' : '31/12/9999',
    }));
    const records = [
      { LVL_REFNIS: '1', CD_REFNIS: '02000', CD_SUP_REFNIS: '-', DT_VLDT_START: '01/01/1970', DT_VLDT_END: '31/12/9999' },
      ...arrondissements,
      statbelRecord({ nis: '11003', nameNl: 'Berchem', nameFr: 'Berchem', validFrom: '1970-01-01', validTo: '1982-12-31' }),
      ...spans.map(statbelRecord).reverse(),
    ];
    const input = join(dir, 'TU_COM_REFNIS.txt');
    await writeFile(input, `\uFEFF${statbelFile(STATBEL_COLUMNS, records)}\r\n`);
    const out = join(dir, 'table.csv');
    const { code, stderr } = await run(input, '--out', out);
    expect(stderr).toContain('municipalities on 2019-01-01: 581');
    expect(stderr).toContain('- 11001;Aartselaar;Aartselaar;1970-01-01;\n  + 11001;Aartselaar;Aartselaar (FR);1970-01-01;\n');
    expect(code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(formatMunicipalityTable(spans));
  });

  it('writes nothing when a check fails, and exits 1', async () => {
    const out = join(dir, 'sample.csv');
    const { code, stderr } = await run(join(FIXTURES, 'TU_COM_REFNIS-sample.txt'), '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain('problem: 9 municipalities on 2018-12-31, 589 expected');
    expect(stderr).toContain('the table was not written');
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });
});
