import { z } from 'zod';
import type { Clock } from '../../ports';
import { isValidInsz, normaliseInsz } from '../checksums';
import {
  DISCLOSURE_RECIPIENTS,
  type Disclosure,
  type DisclosureRecipient,
  inszHmac,
  isDisclosureRecipient,
  maskInsz,
} from '../return-flows/disclosures';
import { InvalidRequestError, type OperatorTool } from './operator-tool';

/**
 * "Which recipients received data about this person, and when?" (return-flows §4; GDPR art. 15):
 * the query, its check and its answer, for `npm run disclosures` and the operator-disclosures
 * function alike, over every flow that carries an INSZ: the batch's rows, an operator's
 * re-deliveries, correction requests forwarded to the PPS and approved corrections passed on for
 * the OCMW. The INSZ asked for is only ever shown masked; the record is read by its keyed hash.
 */

/** A disclosure as an operator may see it: no key, no national number. */
export type DisclosureView = Omit<Disclosure, 'personKey' | 'entryKey'>;

/**
 * The record of disclosures as an operator reads it (shared/adapters/dynamo-disclosures.ts
 * implements it): every unexpired disclosure about the person with this key, optionally to one
 * recipient, oldest first.
 */
export interface DisclosureReader {
  forPerson(personKey: string, now: Date, recipient?: DisclosureRecipient): Promise<DisclosureView[]>;
}

/** A checked query: a normalised 11-digit INSZ, and optionally one recipient. */
export interface DisclosuresQuery {
  readonly insz: string;
  readonly recipient?: DisclosureRecipient;
}

/**
 * Checks and normalises what an operator typed (`85.07.30-033.28` or `85073003328`).
 * @throws InvalidRequestError naming the problem; an INSZ is repeated masked only.
 */
export function disclosuresQueryOf(input: { readonly insz: string; readonly recipient?: string | undefined }, now: Date): DisclosuresQuery {
  const insz = normaliseInsz(input.insz.trim());
  if (insz === null || !isValidInsz(insz, now))
    throw new InvalidRequestError(`not a valid INSZ/NISS (check digits): ${maskInsz(insz ?? '')}`);
  if (input.recipient !== undefined && !isDisclosureRecipient(input.recipient)) {
    throw new InvalidRequestError(`unknown recipient ${input.recipient}: one of ${DISCLOSURE_RECIPIENTS.join(', ')}`);
  }
  return { insz, ...(input.recipient !== undefined ? { recipient: input.recipient } : {}) };
}

/** The disclosures about one person, unexpired, oldest first. */
export async function findDisclosures(
  query: DisclosuresQuery,
  store: DisclosureReader,
  key: Uint8Array,
  now: Date,
): Promise<DisclosureView[]> {
  return store.forPerson(inszHmac(key, query.insz), now, query.recipient);
}

/** A plain table for a terminal. */
export function formatDisclosures(insz: string, rows: readonly DisclosureView[]): string {
  const header = `Disclosures about ${maskInsz(insz)}: ${rows.length}`;
  if (rows.length === 0) return `${header}\n(no recipient received data about this person, or it is past its retention)`;
  const columns = ['recipient', 'flow', 'deliveredAt', 'period', 'batch/correction', 'ocmwKbo', 'regulation', 'legalBasis'] as const;
  const cell = (row: DisclosureView, column: (typeof columns)[number]): string =>
    column === 'batch/correction' ? (row.batchId ?? row.correctionId ?? '') : String(row[column] ?? '');
  const cells = rows.map((row) => columns.map((c) => cell(row, c)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [header, line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** The request of the operator-disclosures function, as typed in the console's Test tab. */
export const disclosuresRequestSchema = z.strictObject({
  /** The national number, as written (dots, dashes and spaces accepted). */
  insz: z.string().min(1),
  recipient: z.enum(DISCLOSURE_RECIPIENTS).optional(),
});
export type DisclosuresRequest = z.infer<typeof disclosuresRequestSchema>;

/** The function's answer: the person masked, and the disclosures as `npm run disclosures -- --json` prints them. */
export interface DisclosuresAnswer {
  readonly person: string;
  readonly recipient?: DisclosureRecipient;
  readonly count: number;
  readonly disclosures: readonly DisclosureView[];
}

/** What the disclosures query needs. */
export interface DisclosuresDeps {
  readonly disclosures: DisclosureReader;
  /** The disclosure HMAC key, read at each use (cached by its reader). */
  readonly disclosureKey: () => Promise<Uint8Array>;
  readonly clock: Clock;
}

/**
 * The person's key as the audit line holds it: the record of disclosures' key (HMAC-SHA-256 of
 * the INSZ), in base64url, whose rare digits never form the eleven in a row that the logger
 * masks as a national number (hex would, in about one key in twenty-five).
 */
export function auditedPersonKey(personKey: string): string {
  return Buffer.from(personKey, 'hex').toString('base64url');
}

/** The disclosures query as an operator tool: audited with the INSZ masked and as its keyed hash. */
export function disclosuresTool(deps: DisclosuresDeps): OperatorTool<DisclosuresRequest, DisclosuresAnswer> {
  return {
    name: 'disclosures',
    async prepare(request) {
      const now = deps.clock();
      const query = disclosuresQueryOf(request, now);
      const key = await deps.disclosureKey();
      const person = maskInsz(query.insz);
      return {
        asked: {
          person,
          personKey: auditedPersonKey(inszHmac(key, query.insz)),
          ...(query.recipient ? { recipient: query.recipient } : {}),
        },
        async run() {
          const rows = await findDisclosures(query, deps.disclosures, key, now);
          const answer: DisclosuresAnswer = {
            person,
            ...(query.recipient ? { recipient: query.recipient } : {}),
            count: rows.length,
            disclosures: rows,
          };
          return { answer, results: rows.length };
        },
      };
    },
  };
}
