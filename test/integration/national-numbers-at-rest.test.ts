import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemoReturnFlows } from '../../local/demo';
import { lambdaContextFor } from '../../local/event-source';
import { loadFunctionHandler } from '../../local/event-source-mapping';
import { correctionFieldsOf, type DeliveredLine } from '../../local/return-flow-demo';
import { runFileLocally } from '../../local/run-file';
import { type LocalStandIn, startLocalStandIn } from '../../local/stand-in';
import { LOCAL_RECIPIENT_KBOS } from '../../local/stand-in-environment';
import { writeBatchFile } from '../../scripts/lib/batch-generator';
import { dynamoDocumentClient, sqsClient } from '../../shared/adapters/aws-clients';
import { loadDisclosureKey } from '../../shared/adapters/disclosure-key';
import { DynamoDisclosures } from '../../shared/adapters/dynamo-disclosures';
import { readDisclosureKeySource } from '../../shared/configuration/disclosure-key-source';
import { findDisclosures } from '../../shared/domain/operations/disclosures';
import type { Correction } from '../../shared/domain/return-flows/correction';
import { isOpen } from '../../shared/domain/return-flows/correction';
import { nationalNumberRegExp } from '../../shared/national-number-pattern';
import { FUNCTIONS, QUEUES, TABLES, type TableSpec } from '../../shared/topology';
import { captureOutput } from '../support/capture-output';
import { withoutHexDigests } from '../support/digests';

/**
 * No national number in clear is kept for long (return-flows §5): the demonstration's batch and
 * return flows run on the stand-in, an operator re-delivers the batch, and every item of every
 * table is scanned for national numbers in clear, both by their shape (shared/national-number-pattern.ts)
 * and by the very numbers the batch delivered. Only an open correction and a refused message may
 * hold one: at rest, everything kept longer holds the keyed hash.
 */

let standIn: LocalStandIn;
let outDir: string;
let batchId: string;
/** Every INSZ the batch delivered, from what the recipients received. */
const delivered = new Set<string>();
const linesOf: Record<'VDAB' | 'ACTIRIS', DeliveredLine[]> = { VDAB: [], ACTIRIS: [] };

type Item = Record<string, unknown>;

async function scan(table: TableSpec): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new ScanCommand({ TableName: standIn.tableName(table), ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/**
 * Whether an item holds a national number in clear: one the batch delivered, or any eleven digits
 * shaped like one once the hex digests it may hold (keyed hashes, SHA-256s, batch ids) are taken out.
 */
function holdsNationalNumber(item: Item): boolean {
  const text = JSON.stringify(item);
  if ([...delivered].some((insz) => text.includes(insz))) return true;
  return nationalNumberRegExp().test(withoutHexDigests(text));
}

/** Where a national number in clear may rest (return-flows §5): an open correction, a refused message. */
function mayHoldOne(table: TableSpec, item: Item): boolean {
  if (table === TABLES.refusedMessages) return true;
  return table === TABLES.corrections && isOpen(item as unknown as Correction);
}

/** Every item holding a national number in clear, as `<table> <pk> <sk>`, and those of them it may hold. */
async function nationalNumbersAtRest(): Promise<{ forbidden: string[]; allowed: string[] }> {
  const forbidden: string[] = [];
  const allowed: string[] = [];
  for (const table of Object.values(TABLES) as TableSpec[]) {
    for (const item of await scan(table)) {
      if (!holdsNationalNumber(item)) continue;
      (mayHoldOne(table, item) ? allowed : forbidden).push(`${table.name} ${String(item.pk)} ${String(item.sk ?? '')}`);
    }
  }
  return { forbidden, allowed };
}

async function deliveredLines(recipient: 'VDAB' | 'ACTIRIS' | 'FOREM'): Promise<DeliveredLine[]> {
  const text = await readFile(join(outDir, `${recipient}.ndjson`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as DeliveredLine);
}

beforeAll(async () => {
  standIn = await startLocalStandIn();
  const dir = await mkdtemp(join(tmpdir(), 'at-rest-'));
  outDir = join(dir, 'out');
  // The demonstration's batch (npm start), smaller.
  const file = join(dir, 'ocmw-activations-2025-11.csv');
  await writeBatchFile(file, { rows: 300, format: 'csv', seed: 20251, period: '2025-11', invalidShare: 0.01, extraColumns: true });
  const { result } = await captureOutput(() => runFileLocally(standIn, file, outDir));
  expect(result.report.refused).toBeNull();
  batchId = result.report.batchId;
  for (const recipient of ['VDAB', 'ACTIRIS', 'FOREM'] as const) {
    const lines = await deliveredLines(recipient);
    for (const line of lines) delivered.add(line.insz);
    if (recipient !== 'FOREM') linesOf[recipient] = lines;
  }
  expect(delivered.size).toBeGreaterThan(50);
}, 120_000);

afterAll(async () => {
  await standIn?.stop();
});

describe('national numbers at rest, on the stand-in', () => {
  it('after the batch: no table holds one (the lines, their disclosures and the proofs hold keyed hashes and digests)', async () => {
    expect(await nationalNumbersAtRest()).toEqual({ forbidden: [], allowed: [] });
    expect((await scan(TABLES.deliveryProofs)).length).toBeGreaterThan(3);
  });

  it('after the demo’s return flows: its two corrections are closed and hold none; an open one does, and only it', async () => {
    await captureOutput(() => runDemoReturnFlows(standIn, outDir));
    const corrections = await scan(TABLES.corrections);
    expect(corrections.map((c) => c.status).sort()).toEqual(['FORWARDED_TO_OCMW', 'REJECTED']);
    expect(await nationalNumbersAtRest()).toEqual({ forbidden: [], allowed: [] });

    // A request the PPS has not decided yet: open, it holds the INSZ to forward it (and the scan finds it).
    const line = linesOf.VDAB[5] as DeliveredLine;
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: standIn.queueUrl(QUEUES.recipientInbound.VDAB),
        MessageBody: JSON.stringify({
          type: 'correction.request',
          schemaVersion: 1,
          messageId: 'at-rest-open-1',
          sentAt: new Date().toISOString(),
          requestId: 'at-rest-open',
          requesterKbo: LOCAL_RECIPIENT_KBOS.VDAB,
          ...correctionFieldsOf(line),
          kind: 'ARREARS',
          amount: '10.00',
        }),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'correction.request' } },
      }),
    );
    await captureOutput(() => standIn.drain());
    const state = await nationalNumbersAtRest();
    expect(state.forbidden).toEqual([]);
    expect(state.allowed).toEqual([expect.stringMatching(/^corrections CORRECTION#VDAB#at-rest-open CORRECTION$/)]);
  });

  it('after an operator’s re-delivery: still none, and the record of disclosures answers for every flow by keyed hash', async () => {
    const handler = (await loadFunctionHandler(FUNCTIONS.operatorRedeliver)) as unknown as (e: unknown, c: unknown) => Promise<unknown>;
    const { result } = await captureOutput(() =>
      handler({ batchId, recipient: 'VDAB' }, lambdaContextFor(FUNCTIONS.operatorRedeliver, standIn.region)),
    );
    expect(result).toMatchObject({ ok: true, recipient: 'VDAB' });
    expect((await nationalNumbersAtRest()).forbidden).toEqual([]);

    // The demo's VDAB correction (its first line), approved: the batch, the re-delivery, the PPS, the OCMW.
    const key = await loadDisclosureKey(readDisclosureKeySource());
    const store = new DynamoDisclosures(dynamoDocumentClient(), {
      disclosures: standIn.tableName(TABLES.disclosures),
      paymentLines: standIn.tableName(TABLES.paymentLines),
    });
    const first = linesOf.VDAB[0] as DeliveredLine;
    const rows = await findDisclosures({ insz: first.insz }, store, key, new Date());
    const flows = new Set(rows.map((r) => `${r.recipient} ${r.flow}`));
    for (const flow of ['VDAB BATCH', 'VDAB REDELIVERY', 'PPS CORRECTION_REQUEST', 'OCMW CORRECTION_APPROVED'])
      expect(flows).toContain(flow);
    expect(rows.find((r) => r.recipient === 'OCMW')).toMatchObject({ ocmwKbo: correctionFieldsOf(first).ocmwKbo });
    // "Did the OCMW receive data about this person?"
    expect(await findDisclosures({ insz: first.insz, recipient: 'OCMW' }, store, key, new Date())).toHaveLength(1);
    // The demo's Actiris correction was rejected: forwarded to the PPS, never to the OCMW.
    const rejected = await findDisclosures({ insz: (linesOf.ACTIRIS[0] as DeliveredLine).insz }, store, key, new Date());
    expect(rejected.filter((r) => r.flow === 'CORRECTION_REQUEST' && r.recipient === 'PPS').length).toBeGreaterThan(0);
  });
});
