import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBatchFile } from '../../../scripts/lib/batch-generator';
import { COLUMNS, sha256Hex } from '../../support/batch-files';
import { assertValidMessage } from '../../support/message-schemas';
import { bodies, centsText, FOREM_VIEW, FULL_VIEW, RECIPIENT_NAMES, SOCIAL_ECONOMY, useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * The monthly batch end to end (spec monthly-batch.md, messages.md): files go through the local
 * stand-in (fauxqs, dynalite) and the unchanged split-batch handler, and the tests read what each
 * recipient's queue received and the report.
 */

const hub = useMonthlyBatchHub('monthly-batch-large-file');

describe('a large generated file through the queues (messages.md batch.records, batch.completed)', () => {
  it('sends valid messages of at most 64 KiB, seq 1..n, and a batch.completed that matches them and the report', async () => {
    const period = '2025-02';
    const path = join(hub.workDir, 't7-large.csv');
    await writeBatchFile(path, { rows: 20_000, format: 'csv', seed: 7_2025, period });
    const bytes = await readFile(path);
    const key = `monthly/${period}/t7-large.csv`;
    const received = await hub.processRaw(key, bytes);
    const report = await hub.getReport(period, sha256Hex(bytes));

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
    // Every delivered row is in a record sent; FOREM's equal records are one (§6), so rows may outnumber records.
    expect(deliveredTotal).toBeLessThanOrEqual(report.delivered);

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
