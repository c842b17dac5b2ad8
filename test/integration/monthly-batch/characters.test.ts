import { describe, expect, it } from 'vitest';
import { SqsPublisher } from '../../../shared/adapters/sqs-publisher';
import { QUEUES } from '../../../shared/topology';
import { COLUMNS, csvText, fillerRows, ndjsonLine, sha256Hex, utf8, validRow } from '../../support/batch-files';
import { bodies, useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * The characters of a value end to end (spec monthly-batch §2, messages.md): through the local
 * stand-in, whose SQS (fauxqs) accepts a narrower set of characters than AWS (nothing outside the
 * BMP), every allowed character reaches the recipient as it stood in the file, and a forbidden one
 * makes its field INVALID_FIELD.
 */

const hub = useMonthlyBatchHub('monthly-batch-characters');

/** The records a recipient's queue received, from its `batch.records` messages. */
function recordsOf(messages: Parameters<typeof bodies>[0]): Array<Record<string, unknown>> {
  return bodies(messages)
    .filter((b) => b.type === 'batch.records')
    .flatMap((b) => b.records as Array<Record<string, unknown>>);
}

const ALLOWED_NAMES = {
  'T11-EMOJI': 'OCMW 😀',
  'T11-FLAG': 'CPAS 🇧🇪 de Liège',
  'T11-FAMILY': 'OCMW 👩‍👧 Gent',
  'T11-ASTRAL': 'OCMW \u{10000}\u{1fffd}\u{10fffd}',
  'T11-C1': 'OCMW \u0085\u0080\u009f',
  'T11-EDGES': 'OCMW \ufdcf\ufdf0\ufffd',
};

describe('characters outside the BMP, and the forbidden ones (monthly-batch §2)', () => {
  it.each(['csv', 'ndjson'] as const)('carries emoji to the recipient unchanged and refuses noncharacters (%s)', async (format) => {
    const period = format === 'csv' ? '2024-06' : '2024-07';
    const allowed = Object.entries(ALLOWED_NAMES).map(([reference, ocmwName]) => validRow(period, `${reference}-${format}`, { ocmwName }));
    const forbidden = [
      validRow(period, `T11-NONCHAR-${format}`, { ocmwName: 'OCMW \u{1ffff}' }),
      validRow(period, `T11-FFFE-${format}`, { employmentPlace: 'Werf \ufffe' }),
    ];
    const fillers = fillerRows(period, `T11-FILL-${format}`, 60).map((f) => f.row);
    const rows = [...allowed, ...forbidden, ...fillers];
    const bytes = utf8(format === 'csv' ? csvText(COLUMNS, rows) : `${rows.map(ndjsonLine).join('\n')}\n`);

    const received = await hub.processRaw(`monthly/${period}/t11-characters.${format}`, bytes);

    const report = await hub.getReport(period, sha256Hex(bytes));
    expect(report).toMatchObject({ refused: null, rows: rows.length, rejected: 2, delivered: rows.length - 2 });
    expect(report.issues.map((issue) => [issue.reference, issue.codes])).toEqual([
      [`T11-NONCHAR-${format}`, ['INVALID_FIELD']],
      [`T11-FFFE-${format}`, ['INVALID_FIELD']],
    ]);
    // Every allowed name reached VDAB as the very same string.
    const vdab = recordsOf(received.VDAB);
    for (const row of allowed) expect(vdab.find((r) => r.reference === row.reference)?.ocmwName).toBe(row.ocmwName);
    expect(vdab.filter((r) => String(r.reference).startsWith('T11-NONCHAR') || String(r.reference).startsWith('T11-FFFE'))).toEqual([]);
    // The bodies on the queue hold the characters outside the BMP as JSON escapes.
    const emojiBody = received.VDAB.map((m) => m.body).find((body) => body.includes(`T11-EMOJI-${format}`)) ?? '';
    expect(emojiBody).toContain('OCMW \\ud83d\\ude00');
    expect(emojiBody).not.toMatch(/[\ud800-\udfff]/);
  });

  it('delivers the body of a message written raw, as an archive of an earlier version holds it, through the local SQS', async () => {
    const queueUrl = hub.standIn.queueUrl(QUEUES.recipientOutbound.VDAB);
    const value = { type: 'batch.records', messageId: 't11-raw', ocmwName: 'OCMW 😀' };
    await new SqsPublisher().publish(queueUrl, [{ messageId: 't11-raw', type: 'batch.records', body: JSON.stringify(value) }]);
    const received = await hub.standIn.receiveAll(QUEUES.recipientOutbound.VDAB);
    expect(received.map((m) => JSON.parse(m.body))).toEqual([value]);
  });
});
