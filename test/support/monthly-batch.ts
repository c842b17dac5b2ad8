import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ReceivedMessage } from '../../local/receive-all';
import { type LocalStandIn, startLocalStandIn } from '../../local/stand-in';
import { s3Client } from '../../shared/adapters/aws-clients';
import type { BatchReport } from '../../shared/domain/batch/report';
import { BUCKETS, QUEUES } from '../../shared/topology';
import { type FillerRow, type HandRow, tempDir } from './batch-files';

/**
 * What the monthly-batch integration tests share (spec monthly-batch.md, messages.md): the
 * recipients' views written out from the contract, not taken from the code under test, and a hub
 * on the local stand-in with the moves a test makes on it.
 */

export const RECIPIENT_NAMES = ['VDAB', 'ACTIRIS', 'FOREM'] as const;
export type RecipientName = (typeof RECIPIENT_NAMES)[number];

/** The fields VDAB and Actiris receive (§6). */
export const FULL_VIEW = [
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
export const SOCIAL_ECONOMY = ['socialEconomyInitiativeNumber', 'socialEconomyInitiativeName'] as const;
/** FOREM's fields (§6): identity and the performance period, no payment data. */
export const FOREM_VIEW = [
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
export function expectedRecord(recipient: RecipientName, row: HandRow, amount: string): Record<string, string> {
  const fields: readonly string[] = recipient === 'FOREM' ? FOREM_VIEW : [...FULL_VIEW, ...SOCIAL_ECONOMY];
  const record: Record<string, string> = {};
  for (const field of fields) {
    const value = field === 'amount' ? amount : row[field];
    if (value !== undefined) record[field] = value;
  }
  return record;
}

/** Orders records by reference (FOREM's have none: by file number). */
export function byReference(a: Record<string, unknown>, b: Record<string, unknown>): number {
  return String(a.reference ?? a.fileNumber).localeCompare(String(b.reference ?? b.fileNumber));
}

/** Cents as the two-decimal text of an amount. */
export function centsText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The sum of the filler rows routed to a recipient, in cents. */
export function sumCents(fillers: readonly FillerRow[], recipient: RecipientName): number {
  return fillers.filter((f) => f.recipient === recipient).reduce((sum, f) => sum + f.amountCents, 0);
}

/** The parsed bodies of received messages. */
export function bodies(messages: readonly ReceivedMessage[]): Array<Record<string, unknown>> {
  return messages.map((m) => JSON.parse(m.body) as Record<string, unknown>);
}

/** The hub of one test file, on its own local stand-in, and the moves a test makes on it. */
export class MonthlyBatchHub {
  #standIn: LocalStandIn | undefined;
  #workDir: string | undefined;

  get standIn(): LocalStandIn {
    if (!this.#standIn) throw new Error('the hub is not started: useMonthlyBatchHub() starts it in beforeAll');
    return this.#standIn;
  }

  /** A temporary folder of this file's batch files and local runs. */
  get workDir(): string {
    if (!this.#workDir) throw new Error('the hub is not started: useMonthlyBatchHub() starts it in beforeAll');
    return this.#workDir;
  }

  async start(tempPrefix: string): Promise<void> {
    this.#standIn = await startLocalStandIn();
    this.#workDir = await tempDir(tempPrefix);
  }

  async stop(): Promise<void> {
    await this.#standIn?.stop();
  }

  /** Puts bytes into the inbound bucket; answers the object's ETag. */
  async putInbound(key: string, body: Uint8Array): Promise<string | undefined> {
    const put = await s3Client().send(new PutObjectCommand({ Bucket: this.standIn.bucketName(BUCKETS.inbound), Key: key, Body: body }));
    return put.ETag;
  }

  /** Everything each recipient's queue holds now. */
  async receiveEveryQueue(): Promise<Record<RecipientName, ReceivedMessage[]>> {
    const out = {} as Record<RecipientName, ReceivedMessage[]>;
    for (const recipient of RECIPIENT_NAMES) out[recipient] = await this.standIn.receiveAll(QUEUES.recipientOutbound[recipient]);
    return out;
  }

  /** Puts bytes under a key, plays S3's notification and Lambda's event source, and reads every recipient queue. */
  async processRaw(key: string, body: Uint8Array): Promise<Record<RecipientName, ReceivedMessage[]>> {
    await this.putInbound(key, body);
    expect(await this.standIn.notifyNewObjects()).toBe(1);
    await this.standIn.drain();
    return this.receiveEveryQueue();
  }

  async listKeys(bucket: string): Promise<string[]> {
    const listing = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket }));
    return (listing.Contents ?? []).map((o) => o.Key ?? '');
  }

  /** The report of the batch with these bytes, received for this period. */
  async getReport(period: string, sha256: string): Promise<BatchReport> {
    return this.#readReport(`${period}/${sha256}.json`);
  }

  async allReports(): Promise<BatchReport[]> {
    const reports: BatchReport[] = [];
    for (const key of await this.listKeys(this.standIn.bucketName(BUCKETS.reports))) reports.push(await this.#readReport(key));
    return reports;
  }

  async #readReport(key: string): Promise<BatchReport> {
    const response = await s3Client().send(new GetObjectCommand({ Bucket: this.standIn.bucketName(BUCKETS.reports), Key: key }));
    return JSON.parse((await response.Body?.transformToString('utf-8')) ?? 'null') as BatchReport;
  }
}

/** A hub started before the tests of the calling file and stopped after them. */
export function useMonthlyBatchHub(tempPrefix: string): MonthlyBatchHub {
  const hub = new MonthlyBatchHub();
  beforeAll(() => hub.start(tempPrefix));
  afterAll(() => hub.stop());
  return hub;
}
