import { createHmac } from 'node:crypto';
import { secretKeyOf } from '../../secret-keys';
import type { DeliveredBatch } from '../batch/ports';
import type { Recipient, RecipientRecord } from '../recipients';
import { expiresAtEpochSeconds, RECIPIENT_TTL_DAYS } from '../retention';

/**
 * The record of disclosures (return-flows §4): for every flow that carries a person's data out of
 * the hub, which recipient received data about which person, for which period, under which
 * regulation and legal basis, and when. The person is keyed by HMAC-SHA-256 of the INSZ with a key
 * kept outside the table, so the record holds no national number in clear and cannot be reversed
 * by hashing every possible INSZ. Four flows are recorded:
 *
 * - `BATCH`: each row a batch delivered to VDAB, Actiris or FOREM;
 * - `REDELIVERY`: the same rows delivered again by an operator, a new disclosure of the same records;
 * - `CORRECTION_REQUEST`: a correction request forwarded to the PPS (recipient `PPS`);
 * - `CORRECTION_APPROVED`: an approved correction passed on for the OCMW (recipient `OCMW`, with its KBO).
 */

/**
 * The legal basis of every disclosure the hub makes: deliberation 19/122 of the Information
 * Security Committee as amended (return-flows §4).
 */
export const LEGAL_BASIS = '19/122 of 2 July 2019, as amended on 4 May 2021 and 1 October 2024 (IVC/KSZG/24/342)';

/** Who may be named as the recipient of a disclosure: the regions, the PPS (correction requests) and the OCMW (approved corrections). */
export const DISCLOSURE_RECIPIENTS = ['VDAB', 'ACTIRIS', 'FOREM', 'PPS', 'OCMW'] as const;
export type DisclosureRecipient = (typeof DISCLOSURE_RECIPIENTS)[number];

/** The flows that disclose a person's data. */
export type DisclosureFlow = 'BATCH' | 'REDELIVERY' | 'CORRECTION_REQUEST' | 'CORRECTION_APPROVED';

export function isDisclosureRecipient(value: unknown): value is DisclosureRecipient {
  return typeof value === 'string' && (DISCLOSURE_RECIPIENTS as readonly string[]).includes(value);
}

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

/** One disclosure in the record; `expiresAt` in epoch seconds (§5). */
export interface Disclosure {
  /** HMAC of the INSZ. */
  readonly personKey: string;
  /**
   * The disclosure's own key under the person, starting with its recipient (so that "did this
   * recipient?" is a prefix): `<recipient>#<batchId>#<row digest>` for a batch's row (one item per
   * row, the same on a retry), `…#redelivered#<instant>` for an operator's re-delivery of it, and
   * `<PPS|OCMW>#<correctionId>` for a correction.
   */
  readonly entryKey: string;
  readonly recipient: DisclosureRecipient;
  readonly flow: DisclosureFlow;
  /** A batch's period (`YYYY-MM`), or a correction's performance period (`<start>/<end>`, ISO 8601). */
  readonly period: string;
  /** The batch that delivered the row (`BATCH`, `REDELIVERY`). */
  readonly batchId?: string;
  /** The correction disclosed (`CORRECTION_REQUEST`, `CORRECTION_APPROVED`). */
  readonly correctionId?: string;
  /** The OCMW an approved correction was passed on for (`CORRECTION_APPROVED`). */
  readonly ocmwKbo?: string;
  readonly regulation: string;
  readonly legalBasis: string;
  /** When the data went out. */
  readonly deliveredAt: string;
  readonly expiresAt: number;
}

/** The entry key of a row a batch delivered (`BATCH`). */
export function batchEntryKey(recipient: Recipient, batchId: string, rowDigest: string): string {
  return `${recipient}#${batchId}#${rowDigest}`;
}

const REDELIVERED = '#redelivered#';

/** The entry key of a row an operator delivered again at `redeliveredAt` (`REDELIVERY`). */
export function redeliveryEntryKey(recipient: Recipient, batchId: string, rowDigest: string, redeliveredAt: Date): string {
  return `${batchEntryKey(recipient, batchId, rowDigest)}${REDELIVERED}${redeliveredAt.toISOString()}`;
}

/** The entry key of a correction disclosed to the PPS or for the OCMW. */
export function correctionEntryKey(recipient: 'PPS' | 'OCMW', correctionId: string): string {
  return `${recipient}#${correctionId}`;
}

/** What an entry key says of its disclosure: recipient, flow, and its batch or correction. */
export function entryKeyParts(
  entryKey: string,
): { recipient: DisclosureRecipient; flow: DisclosureFlow; batchId?: string; correctionId?: string } | undefined {
  const [recipient, id] = entryKey.split('#');
  if (!isDisclosureRecipient(recipient) || id === undefined) return undefined;
  if (recipient === 'PPS') return { recipient, flow: 'CORRECTION_REQUEST', correctionId: id };
  if (recipient === 'OCMW') return { recipient, flow: 'CORRECTION_APPROVED', correctionId: id };
  return { recipient, flow: entryKey.includes(REDELIVERED) ? 'REDELIVERY' : 'BATCH', batchId: id };
}

/**
 * The disclosure of one delivered record (`BATCH`), or of the same record delivered again by an
 * operator at `redeliveredAt` (`REDELIVERY`); `undefined` when the record names no person. Both
 * are kept as long as the batch's rows: the recipient's retention from when the hub received the file.
 */
export function disclosureOf(
  key: Uint8Array,
  batch: DeliveredBatch,
  recipient: Recipient,
  record: RecipientRecord,
  deliveredAt: Date,
  redeliveredAt?: Date,
): Disclosure | undefined {
  if (!record.insz) return undefined;
  const rowDigest = recordHmac(key, record);
  return {
    personKey: inszHmac(key, record.insz),
    entryKey:
      redeliveredAt === undefined
        ? batchEntryKey(recipient, batch.batchId, rowDigest)
        : redeliveryEntryKey(recipient, batch.batchId, rowDigest, redeliveredAt),
    recipient,
    flow: redeliveredAt === undefined ? 'BATCH' : 'REDELIVERY',
    period: record.period ?? batch.period,
    batchId: batch.batchId,
    regulation: record.regulation ?? '',
    legalBasis: LEGAL_BASIS,
    deliveredAt: (redeliveredAt ?? deliveredAt).toISOString(),
    // The clock starts when the hub received what it delivered (§5).
    expiresAt: expiresAtEpochSeconds(batch.receivedAt, RECIPIENT_TTL_DAYS[recipient]),
  };
}

/** What a correction's disclosure records of it: its person's key, id, fields and retention. */
export interface DisclosedCorrection {
  readonly correctionId: string;
  readonly inszHmac: string;
  readonly ocmwKbo: string;
  readonly regulation: string;
  readonly performanceStart: string;
  readonly performanceEnd: string;
  readonly expiresAt: number;
}

/**
 * The disclosure of a correction: its request forwarded to the PPS, or, approved, passed on for the
 * OCMW (with the OCMW's KBO). Kept as long as the correction it records (§5).
 */
export function correctionDisclosureOf(c: DisclosedCorrection, recipient: 'PPS' | 'OCMW', sentAt: Date): Disclosure {
  return {
    personKey: c.inszHmac,
    entryKey: correctionEntryKey(recipient, c.correctionId),
    recipient,
    flow: recipient === 'PPS' ? 'CORRECTION_REQUEST' : 'CORRECTION_APPROVED',
    period: `${c.performanceStart}/${c.performanceEnd}`,
    correctionId: c.correctionId,
    ...(recipient === 'OCMW' ? { ocmwKbo: c.ocmwKbo } : {}),
    regulation: c.regulation,
    legalBasis: LEGAL_BASIS,
    deliveredAt: sentAt.toISOString(),
    expiresAt: c.expiresAt,
  };
}

/**
 * Records a disclosure of the return flows before the message that makes it is sent. A put of an
 * item keyed by the disclosure: recording it again (a retry) leaves one item, with the latest
 * attempt's time.
 */
export interface DisclosureLog {
  record(disclosure: Disclosure): Promise<void>;
}

/** An INSZ as an operator may see it printed: the birth date part and the check digits hidden. */
export function maskInsz(insz: string): string {
  return insz.length === 11 ? `******${insz.slice(6, 9)}**` : '***********';
}
