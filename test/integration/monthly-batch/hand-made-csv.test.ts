import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFileLocally } from '../../../local/run-file';
import { makeInsz } from '../../../scripts/lib/batch-generator';
import { COLUMNS, csvLine, filesIn, fillerRows, readNdjson, sha256Hex, utf8, validRow, writeBatch } from '../../support/batch-files';
import {
  byReference,
  centsText,
  expectedRecord,
  FOREM_VIEW,
  FULL_VIEW,
  SOCIAL_ECONOMY,
  sumCents,
  useMonthlyBatchHub,
} from '../../support/monthly-batch';

/**
 * The monthly batch end to end (spec monthly-batch.md, messages.md): files go through the local
 * stand-in (fauxqs, dynalite) and the unchanged split-batch handler, and the tests read what each
 * recipient's queue received and the report.
 */

const hub = useMonthlyBatchHub('monthly-batch-hand-made-csv');

describe('a hand-made CSV: BOM, CRLF, blank lines, quoting, every region (monthly-batch §2, §5–§8)', () => {
  const period = '2025-10';
  // Columns in another order than the contract's, with an unknown column in the middle.
  const columns = ['insz', ...COLUMNS.filter((c) => c !== 'insz' && c !== 'reference'), 'internalNote', 'reference'];
  const forInsz = makeInsz({ yy: 79, mm: 4, dd: 12 }, 321);
  const rows = {
    vdab60: validRow(period, 'T1-VDAB-60', {
      ocmwKbo: '0403.019.261',
      insz: '85.07.30-033.28',
      ocmwName: '  OCMW Antwerpen  ',
      amount: '1234.5',
      employmentPlace: 'Atelier "De Brug"; textiel',
      socialEconomyInitiativeNumber: 'SE-000412',
      socialEconomyInitiativeName: 'De Kringwinkel',
      internalNote: 'NOTE-T1-SECRET-1',
    }),
    vdab61: validRow(period, 'T1-VDAB-61', {
      regulation: 'ART61',
      ocmwKbo: '403019261',
      insz: '17073003384',
      amount: '-12',
      beneficiaryRole: 'SECONDARY',
      internalNote: 'NOTE-T1-SECRET-2',
    }),
    actiris60: validRow(period, 'T1-ACT-60', { ocmwNis: '21004', ocmwName: 'CPAS de Bruxelles', insz: '98472899765', amount: '250.00' }),
    actiris61: validRow(period, 'T1-ACT-61', { ocmwNis: '21004', ocmwName: 'CPAS de Bruxelles', regulation: 'ART61', amount: '300.00' }),
    forem60: validRow(period, 'T1-FOR-60', { ocmwNis: '62063', ocmwName: 'CPAS de Liège', insz: forInsz, amount: '99.99' }),
    forem57: validRow(period, 'T1-FOR-57', { ocmwNis: '62063', ocmwName: 'CPAS de Liège', regulation: 'ART57QUATER' }),
    eupen: validRow(period, 'T1-DG-60', { ocmwNis: '63023', ocmwName: 'ÖSHZ Eupen', ocmwKbo: '0403 019 261' }),
    multiLine: validRow(period, 'T1-MULTILINE', { workSchedule: 'FULLTIME\r\n38H' }),
    badInsz: validRow(period, 'T1-BAD-INSZ', { insz: '85073003329' }),
  };
  const fillers = fillerRows(period, 'T1-FILL', 36);
  // Physical lines: 1 header, 2 vdab60, 3 vdab61, 4 blank, 5 actiris60, 6 white space, 7 actiris61,
  // 8 forem60, 9 forem57, 10 eupen, 11–12 multiLine (a quoted CR LF inside), 13 badInsz, 14… fillers.
  const text =
    '\uFEFF' +
    [
      columns.join(';'),
      csvLine(columns, rows.vdab60),
      csvLine(columns, rows.vdab61),
      '',
      csvLine(columns, rows.actiris60),
      ' \t  ',
      csvLine(columns, rows.actiris61),
      csvLine(columns, rows.forem60),
      csvLine(columns, rows.forem57),
      csvLine(columns, rows.eupen),
      csvLine(columns, rows.multiLine),
      csvLine(columns, rows.badInsz),
      ...fillers.map((f) => csvLine(columns, f.row)),
    ].join('\r\n') +
    '\r\n';

  let result: Awaited<ReturnType<typeof runFileLocally>>;
  let outDir: string;
  const bytes = utf8(text);

  beforeAll(async () => {
    expect(text.split('\r\n')[10]).toMatch(/"FULLTIME$/); // the multi-line row really spans lines 11 and 12
    expect(text).toContain('"Atelier ""De Brug""; textiel"');
    const path = await writeBatch(hub.workDir, 't1-hand-made.csv', bytes);
    outDir = join(hub.workDir, 'out-t1');
    result = await runFileLocally(hub.standIn, path, outDir);
  });

  it('reports every row once, with exact counts, sums and issues', () => {
    const vdabCents = 123_450 - 1_200 + sumCents(fillers, 'VDAB');
    const actirisCents = 25_000 + sumCents(fillers, 'ACTIRIS');
    expect(result.key).toBe(`monthly/${period}/t1-hand-made.csv`);
    expect(result.report).toEqual({
      batchId: sha256Hex(bytes),
      period,
      source: `monthly/${period}/t1-hand-made.csv`,
      sha256: sha256Hex(bytes),
      rows: 45,
      delivered: 40,
      withheld: 2,
      unroutable: 1,
      rejected: 2,
      perRecipient: {
        VDAB: { records: 14, withheld: 0, amountCents: String(vdabCents) },
        ACTIRIS: { records: 13, withheld: 1, amountCents: String(actirisCents) },
        FOREM: { records: 13, withheld: 1 },
      },
      issues: [
        { line: 10, reference: 'T1-DG-60', outcome: 'unroutable', codes: ['NO_AUTHORISED_RECIPIENT'] },
        { line: 11, reference: 'T1-MULTILINE', outcome: 'rejected', codes: ['INVALID_FIELD'] },
        { line: 13, reference: 'T1-BAD-INSZ', outcome: 'rejected', codes: ['INVALID_INSZ'] },
      ],
      refused: null,
      refusedDetail: null,
    });
    const r = result.report;
    expect(r.rows).toBe(r.delivered + r.withheld + r.unroutable + r.rejected);
  });

  it('writes report.json and each recipient file, delivered completely', async () => {
    expect(await filesIn(outDir)).toEqual(['ACTIRIS.ndjson', 'FOREM.ndjson', 'VDAB.ndjson', 'report.json']);
    expect(JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8'))).toEqual(result.report);
    expect(result.deliveries).toEqual({
      VDAB: { records: 14, messages: 1, complete: true },
      ACTIRIS: { records: 13, messages: 1, complete: true },
      FOREM: { records: 13, messages: 1, complete: true },
    });
  });

  it('gives VDAB exactly its records, normalised (KBO and INSZ bare digits, trimmed, two-decimal amounts)', async () => {
    const records = (await readNdjson(join(outDir, 'VDAB.ndjson'))).sort(byReference);
    const expected = [
      {
        period,
        ocmwKbo: '0403019261',
        ocmwNis: '11002',
        ocmwName: 'OCMW Antwerpen',
        regulation: 'ART60_7',
        fileNumber: 'F-T1-VDAB-60',
        insz: '85073003328',
        beneficiaryRole: 'PRIMARY',
        performanceStart: '2025-10-01',
        performanceEnd: '2025-10-31',
        accountingStart: '2025-10-01',
        accountingEnd: '2025-10-31',
        reference: 'T1-VDAB-60',
        amount: '1234.50',
        paymentType: 'MONTHLY',
        decidingOrganisation: 'POD-MI',
        budgetArticle: '44.55.12.3300',
        assistanceType: 'RI',
        paymentRecipient: 'OCMW',
        employmentType: 'ART60_OWN_SERVICE',
        employmentPlace: 'Atelier "De Brug"; textiel',
        workSchedule: 'FULLTIME_38H',
        activationType: 'WORK_EXPERIENCE',
        socialEconomyInitiativeNumber: 'SE-000412',
        socialEconomyInitiativeName: 'De Kringwinkel',
      },
      expectedRecord('VDAB', { ...rows.vdab61, ocmwKbo: '0403019261' }, '-12.00'),
      ...fillers.filter((f) => f.recipient === 'VDAB').map((f) => expectedRecord('VDAB', f.row, centsText(f.amountCents))),
    ].sort(byReference);
    expect(records).toEqual(expected);
    for (const record of records) {
      const keys = Object.keys(record).sort();
      const withSocialEconomy = [...FULL_VIEW, ...SOCIAL_ECONOMY].sort();
      expect(keys).toEqual(record.socialEconomyInitiativeNumber === undefined ? [...FULL_VIEW].sort() : withSocialEconomy);
      expect(record.insz).toMatch(/^\d{11}$/);
      expect(record.ocmwKbo).toMatch(/^\d{10}$/);
      expect(record.amount).toMatch(/^-?\d+\.\d\d$/);
    }
    const vdab61 = records.find((r) => r.reference === 'T1-VDAB-61');
    expect(vdab61).toMatchObject({ regulation: 'ART61', amount: '-12.00', insz: '17073003384', ocmwKbo: '0403019261' });
  });

  it('gives ACTIRIS its ART60_7 rows only (ART61 withheld), with the bis number as it is', async () => {
    const records = (await readNdjson(join(outDir, 'ACTIRIS.ndjson'))).sort(byReference);
    const expected = [
      expectedRecord('ACTIRIS', rows.actiris60, '250.00'),
      ...fillers.filter((f) => f.recipient === 'ACTIRIS').map((f) => expectedRecord('ACTIRIS', f.row, centsText(f.amountCents))),
    ].sort(byReference);
    expect(records).toEqual(expected);
    expect(records.find((r) => r.reference === 'T1-ACT-60')?.insz).toBe('98472899765');
    for (const record of records) expect(Object.keys(record).sort()).toEqual([...FULL_VIEW].sort());
    expect(records.some((r) => r.reference === 'T1-ACT-61' || r.regulation !== 'ART60_7')).toBe(false);
  });

  it('gives FOREM exactly the ten identity and employment-period fields, no payment data', async () => {
    const records = (await readNdjson(join(outDir, 'FOREM.ndjson'))).sort(byReference);
    const expected = [
      expectedRecord('FOREM', rows.forem60, ''),
      ...fillers.filter((f) => f.recipient === 'FOREM').map((f) => expectedRecord('FOREM', f.row, '')),
    ].sort(byReference);
    expect(records).toEqual(expected);
    expect(records).toHaveLength(13);
    for (const record of records) {
      expect(Object.keys(record).sort()).toEqual([...FOREM_VIEW].sort());
      expect(record.regulation).toBe('ART60_7');
    }
    expect(records.filter((r) => r.insz === forInsz && r.fileNumber === 'F-T1-FOR-60')).toHaveLength(1);
  });

  it('forwards neither the unknown column nor the German-speaking, withheld or rejected rows anywhere', async () => {
    const everything = (
      await Promise.all(['VDAB.ndjson', 'ACTIRIS.ndjson', 'FOREM.ndjson', 'report.json'].map((f) => readFile(join(outDir, f), 'utf8')))
    ).join('\n');
    expect(everything).not.toContain('internalNote');
    expect(everything).not.toContain('NOTE-T1-SECRET');
    const recipientFiles = (
      await Promise.all(['VDAB.ndjson', 'ACTIRIS.ndjson', 'FOREM.ndjson'].map((f) => readFile(join(outDir, f), 'utf8')))
    ).join('\n');
    for (const reference of ['T1-DG-60', 'T1-ACT-61', 'T1-FOR-57', 'T1-MULTILINE', 'T1-BAD-INSZ', 'F-T1-DG-60', 'F-T1-FOR-57']) {
      expect(recipientFiles).not.toContain(reference);
    }
    expect(recipientFiles).not.toContain('63023');
    expect(recipientFiles).not.toContain('ÖSHZ');
  });
});
