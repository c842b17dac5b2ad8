import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFileLocally } from '../../local/run-file';
import { objectCreatedEvent } from '../../local/s3-notification';
import { type LocalStandIn, type ReceivedMessage, startLocalStandIn } from '../../local/stand-in';
import { makeInsz, writeBatchFile } from '../../scripts/lib/batch-generator';
import { s3Client, sqsClient } from '../../shared/adapters/aws-clients';
import type { BatchReport } from '../../shared/domain/batch/report';
import { BUCKETS, QUEUES } from '../../shared/topology';
import {
  COLUMNS,
  csvLine,
  csvText,
  type FillerRow,
  filesIn,
  fillerRows,
  gzip,
  type HandRow,
  ndjsonLine,
  readNdjson,
  sha256Hex,
  tempDir,
  truncate,
  utf8,
  validRow,
  writeBatch,
} from '../support/batch-files';
import { assertValidMessage } from '../support/message-schemas';

/**
 * The monthly batch end to end (spec monthly-batch.md, messages.md batch.records /
 * batch.completed): files go through the local stand-in (fauxqs, dynalite) and the unchanged
 * split-batch handler, and the tests read what each recipient's queue received and the report.
 */

const RECIPIENT_NAMES = ['VDAB', 'ACTIRIS', 'FOREM'] as const;
type RecipientName = (typeof RECIPIENT_NAMES)[number];

/** The fields VDAB and Actiris receive (§6), written out here, not taken from the code under test. */
const FULL_VIEW = [
  'period',
  'ocmwKbo',
  'ocmwNis',
  'ocmwName',
  'regulation',
  'fileNumber',
  'insz',
  'beneficiaryRole',
  'performanceStart',
  'performanceEnd',
  'accountingStart',
  'accountingEnd',
  'reference',
  'amount',
  'paymentType',
  'decidingOrganisation',
  'budgetArticle',
  'assistanceType',
  'paymentRecipient',
  'employmentType',
  'employmentPlace',
  'workSchedule',
  'activationType',
] as const;
const SOCIAL_ECONOMY = ['socialEconomyInitiativeNumber', 'socialEconomyInitiativeName'] as const;
/** FOREM's fields (§6): identity and the performance period, no payment data. */
const FOREM_VIEW = [
  'period',
  'ocmwKbo',
  'ocmwNis',
  'ocmwName',
  'regulation',
  'fileNumber',
  'insz',
  'beneficiaryRole',
  'performanceStart',
  'performanceEnd',
] as const;

/** The record a recipient must receive for an already-normalised row, amount given as two-decimal text. */
function expectedRecord(recipient: RecipientName, row: HandRow, amount: string): Record<string, string> {
  const fields: readonly string[] = recipient === 'FOREM' ? FOREM_VIEW : [...FULL_VIEW, ...SOCIAL_ECONOMY];
  const record: Record<string, string> = {};
  for (const field of fields) {
    const value = field === 'amount' ? amount : row[field];
    if (value !== undefined) record[field] = value;
  }
  return record;
}

function byReference(a: Record<string, unknown>, b: Record<string, unknown>): number {
  return String(a.reference ?? a.fileNumber).localeCompare(String(b.reference ?? b.fileNumber));
}

function centsText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function sumCents(fillers: readonly FillerRow[], recipient: RecipientName): number {
  return fillers.filter((f) => f.recipient === recipient).reduce((sum, f) => sum + f.amountCents, 0);
}

let standIn: LocalStandIn;
let workDir: string;

beforeAll(async () => {
  standIn = await startLocalStandIn();
  workDir = await tempDir('monthly-batch-it');
});

afterAll(async () => {
  await standIn?.stop();
});

async function putInbound(key: string, body: Uint8Array): Promise<string | undefined> {
  const put = await s3Client().send(new PutObjectCommand({ Bucket: standIn.bucketName(BUCKETS.inbound), Key: key, Body: body }));
  return put.ETag;
}

async function receiveEveryQueue(): Promise<Record<RecipientName, ReceivedMessage[]>> {
  const out = {} as Record<RecipientName, ReceivedMessage[]>;
  for (const recipient of RECIPIENT_NAMES) out[recipient] = await standIn.receiveAll(QUEUES.recipientOutbound[recipient]);
  return out;
}

/** Puts bytes under a key, plays S3's notification and Lambda's event source, and reads every recipient queue. */
async function processRaw(key: string, body: Uint8Array): Promise<Record<RecipientName, ReceivedMessage[]>> {
  await putInbound(key, body);
  expect(await standIn.notifyNewObjects()).toBe(1);
  await standIn.drain();
  return receiveEveryQueue();
}

async function listKeys(bucket: string): Promise<string[]> {
  const listing = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listing.Contents ?? []).map((o) => o.Key ?? '');
}

async function getReport(period: string, sha256: string): Promise<BatchReport> {
  const response = await s3Client().send(
    new GetObjectCommand({ Bucket: standIn.bucketName(BUCKETS.reports), Key: `${period}/${sha256}.json` }),
  );
  return JSON.parse((await response.Body?.transformToString('utf-8')) ?? 'null') as BatchReport;
}

async function allReports(): Promise<BatchReport[]> {
  const reports: BatchReport[] = [];
  for (const key of await listKeys(standIn.bucketName(BUCKETS.reports))) {
    const response = await s3Client().send(new GetObjectCommand({ Bucket: standIn.bucketName(BUCKETS.reports), Key: key }));
    reports.push(JSON.parse((await response.Body?.transformToString('utf-8')) ?? 'null') as BatchReport);
  }
  return reports;
}

function bodies(messages: readonly ReceivedMessage[]): Array<Record<string, unknown>> {
  return messages.map((m) => JSON.parse(m.body) as Record<string, unknown>);
}

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
    const path = await writeBatch(workDir, 't1-hand-made.csv', bytes);
    outDir = join(workDir, 'out-t1');
    result = await runFileLocally(standIn, path, outDir);
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

describe('NDJSON, gzipped: JSON numbers, null, wrong types, broken lines (monthly-batch §2)', () => {
  const period = '2025-09';
  const fillers = fillerRows(period, 'T2-FILL', 80);
  const number100 = {
    ...validRow(period, 'T2-NUM-100'),
    amount: 100,
    socialEconomyInitiativeNumber: null,
    socialEconomyInitiativeName: null,
    internalNote: 'T2-NOTE',
  };
  const exponent = { ...validRow(period, 'T2-EXP-1E2', { ocmwNis: '21001', ocmwName: "CPAS d'Anderlecht" }), amount: 'AMOUNT' };
  const forem = {
    ...validRow(period, 'T2-FOREM', { ocmwNis: '92094', ocmwName: 'CPAS de Namur' }),
    amount: -5,
    socialEconomyInitiativeName: null,
  };
  const lines = [
    ndjsonLine(number100), // 1
    ndjsonLine(exponent).replace('"amount":"AMOUNT"', '"amount":1e2'), // 2
    ndjsonLine({ ...validRow(period, 'T2-BAD-AMOUNT'), amount: 12.345 }), // 3
    ndjsonLine({ ...validRow(period, 'T2-BOOL'), fileNumber: true }), // 4
    'this is not JSON {', // 5
    '["T2-ARRAY", 1]', // 6
    '', // 7
    ndjsonLine(forem), // 8
    ...fillers.map((f) => ndjsonLine(f.row)), // 9…88
  ];
  let result: Awaited<ReturnType<typeof runFileLocally>>;
  let outDir: string;
  let bytes: Buffer;

  beforeAll(async () => {
    expect(lines[1]).toContain('"amount":1e2');
    bytes = gzip(utf8(`${lines.join('\n')}\n`));
    const path = await writeBatch(workDir, 't2-numbers.jsonl.gz', bytes);
    outDir = join(workDir, 'out-t2');
    result = await runFileLocally(standIn, path, outDir);
  });

  it('accepts the file and lists the four rejected rows with their lines and codes', () => {
    expect(result.report).toMatchObject({
      sha256: sha256Hex(bytes),
      period,
      source: `monthly/${period}/t2-numbers.jsonl.gz`,
      rows: 87,
      delivered: 83,
      withheld: 0,
      unroutable: 0,
      rejected: 4,
      refused: null,
    });
    expect(result.report.issues).toEqual([
      { line: 3, reference: 'T2-BAD-AMOUNT', outcome: 'rejected', codes: ['INVALID_AMOUNT'] },
      { line: 4, reference: 'T2-BOOL', outcome: 'rejected', codes: ['INVALID_FIELD'] },
      { line: 5, reference: null, outcome: 'rejected', codes: ['MALFORMED_ROW'] },
      { line: 6, reference: null, outcome: 'rejected', codes: ['MALFORMED_ROW'] },
    ]);
    expect(result.report.perRecipient).toEqual({
      VDAB: { records: 1 + 27, withheld: 0, amountCents: String(10_000 + sumCents(fillers, 'VDAB')) },
      ACTIRIS: { records: 1 + 27, withheld: 0, amountCents: String(10_000 + sumCents(fillers, 'ACTIRIS')) },
      FOREM: { records: 1 + 26, withheld: 0 },
    });
  });

  it('turns JSON number amounts into two-decimal strings (100 and 1e2 → "100.00") and null into an absent field', async () => {
    const vdab = await readNdjson(join(outDir, 'VDAB.ndjson'));
    const actiris = await readNdjson(join(outDir, 'ACTIRIS.ndjson'));
    const forem = await readNdjson(join(outDir, 'FOREM.ndjson'));
    expect(vdab.find((r) => r.reference === 'T2-NUM-100')).toEqual(expectedRecord('VDAB', validRow(period, 'T2-NUM-100'), '100.00'));
    expect(actiris.find((r) => r.reference === 'T2-EXP-1E2')).toEqual(
      expectedRecord('ACTIRIS', validRow(period, 'T2-EXP-1E2', { ocmwNis: '21001', ocmwName: "CPAS d'Anderlecht" }), '100.00'),
    );
    const foremRecord = forem.find((r) => r.fileNumber === 'F-T2-FOREM');
    expect(foremRecord).toEqual(expectedRecord('FOREM', validRow(period, 'T2-FOREM', { ocmwNis: '92094', ocmwName: 'CPAS de Namur' }), ''));
    expect([vdab.length, actiris.length, forem.length]).toEqual([28, 28, 27]);
    const all = JSON.stringify([vdab, actiris, forem]);
    expect(all).not.toContain('socialEconomy');
    expect(all).not.toContain('T2-NOTE');
    expect(all).not.toContain('T2-BAD-AMOUNT');
    expect(all).not.toContain('T2-BOOL');
  });
});

describe('the same bytes are delivered once (monthly-batch §8)', () => {
  const period = '2025-08';

  it('delivers nothing again, and writes no second report, for the same bytes under another key', async () => {
    const rows = fillerRows(period, 'T3-DUP', 6).map((f) => f.row);
    const bytes = utf8(csvText(COLUMNS, rows));
    const path = await writeBatch(workDir, 't3-first.csv', bytes);
    const first = await runFileLocally(standIn, path, join(workDir, 'out-t3'));
    expect(first.report.refused).toBeNull();
    expect(first.report.delivered).toBe(6);
    expect(first.deliveries.VDAB).toEqual({ records: 2, messages: 1, complete: true });

    await putInbound(`monthly/${period}/other-name.csv`, bytes);
    expect(await standIn.notifyNewObjects()).toBe(1);
    await standIn.drain();

    expect(await receiveEveryQueue()).toEqual({ VDAB: [], ACTIRIS: [], FOREM: [] });
    const reports = await allReports();
    expect(reports.filter((r) => r.source === `monthly/${period}/other-name.csv`)).toEqual([]);
    expect(reports.filter((r) => r.sha256 === sha256Hex(bytes)).map((r) => r.source)).toEqual([`monthly/${period}/t3-first.csv`]);
    expect(await listKeys(standIn.bucketName(BUCKETS.staging))).toEqual([]);
  });

  it('delivers once when the same S3 notification arrives twice (at-least-once SQS)', async () => {
    const rows = fillerRows(period, 'T3-TWICE', 3).map((f) => f.row);
    const bytes = utf8(csvText(COLUMNS, rows));
    const key = `monthly/${period}/t3-twice.csv`;
    const eTag = await putInbound(key, bytes);
    const event = objectCreatedEvent({
      region: standIn.region,
      bucket: standIn.bucketName(BUCKETS.inbound),
      key,
      size: bytes.length,
      eTag: eTag ?? '"etag"',
      eventTime: new Date(),
    });
    const body = JSON.stringify(event);
    for (let i = 0; i < 2; i += 1) {
      await sqsClient().send(new SendMessageCommand({ QueueUrl: standIn.queueUrl(QUEUES.batchNotifications), MessageBody: body }));
    }
    await standIn.drain();

    const received = await receiveEveryQueue();
    for (const recipient of RECIPIENT_NAMES) {
      const messages = bodies(received[recipient]);
      expect(messages.map((m) => m.type).sort()).toEqual(['batch.completed', 'batch.records']);
      const records = messages.find((m) => m.type === 'batch.records')?.records as unknown[];
      expect(records).toHaveLength(1);
      expect(messages.find((m) => m.type === 'batch.completed')).toMatchObject({ batchId: sha256Hex(bytes), messages: 1, records: 1 });
    }
    expect((await allReports()).filter((r) => r.sha256 === sha256Hex(bytes))).toHaveLength(1);

    // And S3's own notification of the same object, a third time: still nothing new.
    expect(await standIn.notifyNewObjects()).toBe(1);
    await standIn.drain();
    expect(await receiveEveryQueue()).toEqual({ VDAB: [], ACTIRIS: [], FOREM: [] });
  });
});

describe('refused files deliver nothing (monthly-batch §2, §7, §9)', () => {
  const asOf = new Date('2025-06-15T12:00:00Z');

  async function expectRefused(name: string, content: Uint8Array | string, code: string): Promise<BatchReport> {
    const path = await writeBatch(workDir, name, content);
    const outDir = join(workDir, `out-${name}`);
    const result = await runFileLocally(standIn, path, outDir, asOf);
    expect(result.report.refused).toBe(code);
    expect(result.report.delivered).toBe(0);
    expect(result.report.perRecipient).toEqual({
      VDAB: { records: 0, withheld: expect.any(Number), amountCents: '0' },
      ACTIRIS: { records: 0, withheld: expect.any(Number), amountCents: '0' },
      FOREM: { records: 0, withheld: expect.any(Number) },
    });
    for (const recipient of RECIPIENT_NAMES) expect(result.deliveries[recipient]).toEqual({ records: 0, messages: 0, complete: false });
    expect(await filesIn(outDir)).toEqual(['report.json']);
    expect(JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8'))).toEqual(result.report);
    expect(await listKeys(standIn.bucketName(BUCKETS.staging))).toEqual([]);
    return result.report;
  }

  it('refuses a truncated gzip as UNREADABLE, leaving staging and the archive empty of it', async () => {
    const whole = join(workDir, 't4-whole.csv.gz');
    // Large enough that the VDAB records fill a staged part (100 messages) before the end is reached.
    await writeBatchFile(whole, { rows: 40_000, format: 'csv', seed: 404, period: '2025-07', gzip: true });
    const cut = truncate(await readFile(whole), 16);
    const report = await expectRefused('t4-truncated.csv.gz', cut, 'UNREADABLE');
    expect(report.period).toBe('2025-07');
    expect(report.sha256).toBe(sha256Hex(cut));
    expect(report.rows).toBeGreaterThan(39_000);
    expect((await listKeys(standIn.bucketName(BUCKETS.archive))).filter((k) => k.includes(report.batchId))).toEqual([]);
  });

  it('refuses a CSV that ends inside a quoted field as UNREADABLE', async () => {
    const open = csvLine(COLUMNS, validRow('2025-06', 'T5-QUOTE-2')).replace(';WORK_EXPERIENCE;;', ';"WORK_EXPERIENCE;;');
    expect(open).toContain(';"WORK_EXPERIENCE;;');
    const text = `${csvText(COLUMNS, [validRow('2025-06', 'T5-QUOTE-1')])}${open}\nand more\n`;
    const report = await expectRefused('t5-open-quote.csv', text, 'UNREADABLE');
    expect(report.period).toBe('2025-06');
    expect(report.issues).toEqual([]);
  });

  it('refuses invalid UTF-8 as UNREADABLE', async () => {
    const header = utf8(`${COLUMNS.join(';')}\n`);
    const row = utf8(`${csvLine(COLUMNS, validRow('2025-06', 'T5-UTF8', { ocmwName: 'OCMW XX' }))}\n`);
    const at = row.indexOf('XX');
    row[at] = 0xc3;
    row[at + 1] = 0x28; // a lead byte followed by an ASCII byte: not UTF-8
    const report = await expectRefused('t5-latin.csv', Buffer.concat([header, row]), 'UNREADABLE');
    expect(report.rows).toBe(0);
  });

  it('refuses a .txt file as UNSUPPORTED_FILE', async () => {
    const report = await expectRefused('t5-notes.txt', csvText(COLUMNS, [validRow('2025-06', 'T5-TXT')]), 'UNSUPPORTED_FILE');
    expect(report).toMatchObject({ rows: 0, period: '2025-06', source: 'monthly/2025-06/t5-notes.txt', issues: [] });
  });

  it('refuses a CSV without the insz column as MISSING_COLUMNS', async () => {
    const columns = COLUMNS.filter((c) => c !== 'insz');
    const report = await expectRefused('t5-no-insz.csv', csvText(columns, [validRow('2025-06', 'T5-NO-INSZ')]), 'MISSING_COLUMNS');
    expect(report.rows).toBe(0);
  });

  it('refuses a CSV with a column named twice as MISSING_COLUMNS', async () => {
    const columns = [...COLUMNS, 'reference'];
    const report = await expectRefused('t5-twice.csv', csvText(columns, [validRow('2025-06', 'T5-TWICE')]), 'MISSING_COLUMNS');
    expect(report.rows).toBe(0);
  });

  it('refuses a CSV without a header line (only blank lines) as MISSING_COLUMNS', async () => {
    await expectRefused('t5-no-header.csv', '\n   \n\t\n', 'MISSING_COLUMNS');
  });

  it('refuses a file with 6 of 100 rows rejected as TOO_MANY_REJECTED_ROWS, with its full issues list', async () => {
    const period = '2025-03';
    const rows = fillerRows(period, 'T6-SIX', 100).map((f) => f.row);
    const breaks: Array<[number, HandRow, string]> = [
      [9, { ocmwKbo: '0403019262' }, 'INVALID_KBO'],
      [19, { ocmwNis: '99999' }, 'UNKNOWN_MUNICIPALITY'],
      [29, { regulation: 'ART99' }, 'INVALID_REGULATION'],
      [39, { amount: '12,50' }, 'INVALID_AMOUNT'],
      [49, { performanceStart: `${period}-20`, performanceEnd: `${period}-10` }, 'INVALID_DATE_RANGE'],
      [59, { fileNumber: undefined }, 'MISSING_FIELD'],
    ];
    for (const [index, change] of breaks) rows[index] = { ...rows[index], ...change };
    const report = await expectRefused('t6-six-rejected.csv', csvText(COLUMNS, rows), 'TOO_MANY_REJECTED_ROWS');
    expect(report).toMatchObject({ rows: 100, rejected: 6, withheld: 0, unroutable: 0, delivered: 0, period });
    expect(report.issues).toEqual(
      breaks.map(([index, , code]) => ({
        line: index + 2,
        reference: `T6-SIX-${String(index).padStart(4, '0')}`,
        outcome: 'rejected',
        codes: [code],
      })),
    );
  });

  it('accepts a file with exactly 5 of 100 rows rejected', async () => {
    const period = '2025-03';
    const fillers = fillerRows(period, 'T6-FIVE', 100);
    const rows = fillers.map((f) => f.row);
    for (const index of [0, 25, 50, 75, 99]) rows[index] = { ...rows[index], insz: '85073003329' };
    const path = await writeBatch(workDir, 't6-five-rejected.csv', csvText(COLUMNS, rows));
    const result = await runFileLocally(standIn, path, join(workDir, 'out-t6-five'));
    expect(result.report).toMatchObject({ refused: null, rows: 100, rejected: 5, delivered: 95, withheld: 0, unroutable: 0 });
    expect(result.report.issues.map((i) => [i.line, i.codes])).toEqual([0, 25, 50, 75, 99].map((i) => [i + 2, ['INVALID_INSZ']]));
    expect(result.deliveries.VDAB.records + result.deliveries.ACTIRIS.records + result.deliveries.FOREM.records).toBe(95);
  });

  it('accepts an empty .ndjson file: rows 0, no records, and a batch.completed of 0 to each recipient', async () => {
    const key = 'monthly/2025-05/t5-empty.ndjson';
    const bytes = Buffer.alloc(0);
    const received = await processRaw(key, bytes);
    const batchId = sha256Hex(bytes);
    for (const recipient of RECIPIENT_NAMES) {
      expect(received[recipient]).toHaveLength(1);
      const [message] = received[recipient];
      assertValidMessage(message?.body ?? '');
      expect(message?.attributes.type).toBe('batch.completed');
      const body = JSON.parse(message?.body ?? '{}') as Record<string, unknown>;
      expect(body).toEqual({
        type: 'batch.completed',
        schemaVersion: 1,
        messageId: `${batchId}:${recipient}:completed`,
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        batchId,
        period: '2025-05',
        recipient,
        messages: 0,
        records: 0,
        ...(recipient === 'FOREM' ? {} : { amountCents: '0', amount: '0.00' }),
      });
    }
    expect(await getReport('2025-05', batchId)).toEqual({
      batchId,
      period: '2025-05',
      source: key,
      sha256: batchId,
      rows: 0,
      delivered: 0,
      withheld: 0,
      unroutable: 0,
      rejected: 0,
      perRecipient: {
        VDAB: { records: 0, withheld: 0, amountCents: '0' },
        ACTIRIS: { records: 0, withheld: 0, amountCents: '0' },
        FOREM: { records: 0, withheld: 0 },
      },
      issues: [],
      refused: null,
    });
  });
});

describe('every row is delivered, and a file is all or nothing (monthly-batch §7, §8)', () => {
  it('delivers two payment lines of one person that FOREM sees as identical records (monthly pay and a regularisation)', async () => {
    const period = '2024-11';
    const person = {
      ocmwNis: '52011',
      ocmwName: 'CPAS de Charleroi',
      insz: makeInsz({ yy: 88, mm: 2, dd: 14 }, 77),
      fileNumber: '52011/2024/00077',
    };
    const rows = [
      validRow(period, 'T9-VDAB-1', { insz: makeInsz({ yy: 90, mm: 5, dd: 5 }, 5) }),
      validRow(period, 'T9-FOREM-MONTHLY', { ...person, paymentType: 'MONTHLY', amount: '1500.00' }),
      validRow(period, 'T9-FOREM-REGUL', { ...person, paymentType: 'REGULARISATION', amount: '120.00' }),
    ];
    const path = await writeBatch(workDir, 't9-same-person.csv', csvText(COLUMNS, rows));
    const result = await runFileLocally(standIn, path, join(workDir, 'out-t9'));
    expect(result.report).toMatchObject({ refused: null, rows: 3, delivered: 3, rejected: 0 });
    expect(result.report.perRecipient.FOREM).toEqual({ records: 2, withheld: 0 });
    // What the recipients received: each its records and a batch.completed that counts them.
    expect(result.deliveries).toEqual({
      VDAB: { records: 1, messages: 1, complete: true },
      ACTIRIS: { records: 0, messages: 0, complete: true },
      FOREM: { records: 2, messages: 1, complete: true },
    });
    const forem = await readNdjson(join(workDir, 'out-t9', 'FOREM.ndjson'));
    expect(forem).toHaveLength(2);
    expect(forem[0]).toEqual(forem[1]);
  });

  it('processes bytes first refused under a wrong month folder once they are put under the right one', async () => {
    // Rows of 2024-10 dropped under monthly/2024-09/: every row is PERIOD_MISMATCH, the file refused.
    const rows = fillerRows('2024-10', 'T10-MOVED', 3).map((f) => f.row);
    const bytes = utf8(csvText(COLUMNS, rows));
    await processRaw('monthly/2024-09/t10-moved.csv', bytes);
    const refused = await getReport('2024-09', sha256Hex(bytes));
    expect(refused).toMatchObject({ refused: 'TOO_MANY_REJECTED_ROWS', rows: 3, rejected: 3 });
    expect(refused.issues.map((i) => i.codes)).toEqual([['PERIOD_MISMATCH'], ['PERIOD_MISMATCH'], ['PERIOD_MISMATCH']]);

    // The PPS moves the same bytes to the right folder: they were never delivered, so now they are.
    const received = await processRaw('monthly/2024-10/t10-moved.csv', bytes);
    expect(
      Object.fromEntries(RECIPIENT_NAMES.map((r) => [r, bodies(received[r]).filter((b) => b.type === 'batch.records').length])),
    ).toEqual({
      VDAB: 1,
      ACTIRIS: 1,
      FOREM: 1,
    });
    expect((await allReports()).filter((r) => r.source === 'monthly/2024-10/t10-moved.csv').map((r) => r.refused)).toEqual([null]);
  });
});

describe('a large generated file through the queues (messages.md batch.records, batch.completed)', () => {
  it('sends valid messages of at most 64 KiB, seq 1..n, and a batch.completed that matches them and the report', async () => {
    const period = '2025-02';
    const path = join(workDir, 't7-large.csv');
    await writeBatchFile(path, { rows: 20_000, format: 'csv', seed: 7_2025, period });
    const bytes = await readFile(path);
    const key = `monthly/${period}/t7-large.csv`;
    const received = await processRaw(key, bytes);
    const report = await getReport(period, sha256Hex(bytes));

    expect(report.refused).toBeNull();
    expect(report.rows).toBe(20_000);
    expect(report.rows).toBe(report.delivered + report.withheld + report.unroutable + report.rejected);
    expect(report.rejected).toBeGreaterThan(0);
    expect(report.unroutable).toBeGreaterThan(0);
    expect(report.withheld).toBeGreaterThan(0);

    // All or nothing (§7): every recipient got its batch.completed, or none did.
    const completedBy = Object.fromEntries(RECIPIENT_NAMES.map((r) => [r, bodies(received[r]).some((b) => b.type === 'batch.completed')]));
    expect(completedBy).toEqual({ VDAB: true, ACTIRIS: true, FOREM: true });

    let deliveredTotal = 0;
    for (const recipient of RECIPIENT_NAMES) {
      const messages = received[recipient];
      const ids = new Set<string>();
      const seqs: number[] = [];
      let records = 0;
      let cents = 0n;
      let completed: Record<string, unknown> | undefined;
      for (const message of messages) {
        assertValidMessage(message.body);
        const body = JSON.parse(message.body) as Record<string, unknown>;
        expect(message.attributes.type).toBe(body.type);
        expect(body).toMatchObject({ batchId: report.batchId, period, recipient, schemaVersion: 1 });
        ids.add(String(body.messageId));
        if (body.type === 'batch.records') {
          expect(Buffer.byteLength(message.body, 'utf8')).toBeLessThanOrEqual(65_536);
          seqs.push(Number(body.seq));
          const list = body.records as Array<Record<string, string>>;
          expect(list.length).toBeGreaterThan(0);
          records += list.length;
          for (const record of list) {
            const keys = Object.keys(record).sort();
            if (recipient === 'FOREM') expect(keys).toEqual([...FOREM_VIEW].sort());
            else {
              expect(keys.filter((k) => !(SOCIAL_ECONOMY as readonly string[]).includes(k))).toEqual([...FULL_VIEW].sort());
              cents += BigInt((record.amount ?? '').replace('.', ''));
            }
          }
        } else {
          expect(body.type).toBe('batch.completed');
          expect(completed).toBeUndefined();
          completed = body;
        }
      }
      expect(ids.size).toBe(messages.length);
      seqs.sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(seqs.length).toBeGreaterThan(1);
      expect(completed).toMatchObject({ messages: seqs.length, records });
      expect(records).toBe(report.perRecipient[recipient].records);
      deliveredTotal += records;
      if (recipient === 'FOREM') {
        expect(completed).not.toHaveProperty('amountCents');
        expect(completed).not.toHaveProperty('amount');
        expect(report.perRecipient.FOREM).not.toHaveProperty('amountCents');
      } else {
        expect(completed?.amountCents).toBe(cents.toString());
        expect(completed?.amount).toBe(centsText(Number(cents)));
        expect(report.perRecipient[recipient].amountCents).toBe(cents.toString());
      }
    }
    expect(deliveredTotal).toBe(report.delivered);

    // The report names rows by line and reference, never by national number (§8).
    const reportText = JSON.stringify(report);
    const inszColumn = COLUMNS.indexOf('insz');
    const inputInsz = new Set(
      bytes
        .toString('utf8')
        .split('\n')
        .slice(1)
        .filter((l) => l.length > 0)
        .map((l) => l.split(';')[inszColumn] ?? ''),
    );
    expect(inputInsz.size).toBeGreaterThan(1000);
    for (const insz of inputInsz) expect(reportText.includes(insz)).toBe(false);
  });
});
