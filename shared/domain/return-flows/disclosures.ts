import { createHmac } from 'node:crypto';
import { secretKeyOf } from '../../secret-keys';
import type { DeliveredBatch } from '../batch/ports';
import type { Recipient, RecipientRecord } from '../recipients';
import { expiresAtEpochSeconds, RECIPIENT_TTL_DAYS } from '../retention';

/**
 * The record of disclosures (return-flows §4): for every delivered row, which recipient received
 * data about which person, for which period, in which batch, under which regulation and legal
 * basis. The person is keyed by HMAC-SHA-256 of the INSZ with a key kept outside the table, so the
 * record holds no national number in clear and cannot be reversed by hashing every possible INSZ.
 */

/** The legal basis of every disclosure the hub makes. */
export const LEGAL_BASIS = 'IVC/KSZG 19/122';

/** The keyed hash of a (normalised, 11-digit) INSZ: the person's key in the record of disclosures. */
export function inszHmac(key: Uint8Array, insz: string): string {
  return createHmac('sha256', secretKeyOf(key)).update(`insz:${insz}`).digest('hex');
}

/** A keyed digest of a whole record, so that each delivered row has its own stable item. */
export function recordHmac(key: Uint8Array, record: RecipientRecord): string {
  const canonical = JSON.stringify(
    Object.keys(record)
      .sort()
      .map((field) => [field, record[field as keyof RecipientRecord]]),
  );
  return createHmac('sha256', secretKeyOf(key)).update(`record:${canonical}`).digest('hex').slice(0, 32);
}

/** One delivered row in the record of disclosures; `expiresAt` in epoch seconds (§5). */
export interface Disclosure {
  /** HMAC of the INSZ. */
  readonly personKey: string;
  /** `<recipient>#<batchId>#<row digest>`: one item per delivered row, the same on a retry. */
  readonly entryKey: string;
  readonly recipient: Recipient;
  readonly period: string;
  readonly batchId: string;
  readonly regulation: string;
  readonly legalBasis: typeof LEGAL_BASIS;
  readonly deliveredAt: string;
  readonly expiresAt: number;
}

/** The disclosure of one delivered record; `undefined` when the record names no person. */
export function disclosureOf(
  key: Uint8Array,
  batch: DeliveredBatch,
  recipient: Recipient,
  record: RecipientRecord,
  deliveredAt: Date,
): Disclosure | undefined {
  if (!record.insz) return undefined;
  return {
    personKey: inszHmac(key, record.insz),
    entryKey: `${recipient}#${batch.batchId}#${recordHmac(key, record)}`,
    recipient,
    period: record.period ?? batch.period,
    batchId: batch.batchId,
    regulation: record.regulation ?? '',
    legalBasis: LEGAL_BASIS,
    deliveredAt: deliveredAt.toISOString(),
    // The clock starts when the hub received what it delivered (§5).
    expiresAt: expiresAtEpochSeconds(batch.receivedAt, RECIPIENT_TTL_DAYS[recipient]),
  };
}

/** An INSZ as an operator may see it printed: the birth date part and the check digits hidden. */
export function maskInsz(insz: string): string {
  return insz.length === 11 ? `******${insz.slice(6, 9)}**` : '***********';
}
