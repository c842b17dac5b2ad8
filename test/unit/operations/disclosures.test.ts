import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInsz } from '../../../scripts/lib/identity-numbers';
import {
  auditedPersonKey,
  type DisclosureReader,
  type DisclosureView,
  disclosuresQueryOf,
  disclosuresTool,
  formatDisclosures,
} from '../../../shared/domain/operations/disclosures';
import { type AuditEntry, answerOperator } from '../../../shared/domain/operations/operator-tool';
import type { Recipient } from '../../../shared/domain/recipients';
import { type DisclosureRecipient, inszHmac, LEGAL_BASIS } from '../../../shared/domain/return-flows/disclosures';
import { nationalNumberRegExp } from '../../../shared/national-number-pattern';

/** "Which recipients received data about this person?", as the CLI and the operator function ask it. */

const NOW = new Date('2026-01-15T10:00:00Z');
const KEY = Buffer.from('ab'.repeat(32), 'hex');
const INSZ = '85073003328';

function view(recipient: Recipient, deliveredAt: string, batchId = 'f'.repeat(64)): DisclosureView {
  return {
    recipient,
    flow: 'BATCH',
    period: '2025-11',
    batchId,
    regulation: 'ART60_7',
    legalBasis: LEGAL_BASIS,
    deliveredAt,
    expiresAt: 2_000_000_000,
  };
}

/** A correction's disclosure: its request forwarded to the PPS, or approved and passed on for the OCMW. */
function correctionView(recipient: 'PPS' | 'OCMW', deliveredAt: string): DisclosureView {
  return {
    recipient,
    flow: recipient === 'PPS' ? 'CORRECTION_REQUEST' : 'CORRECTION_APPROVED',
    period: '2025-10-01/2025-10-31',
    correctionId: 'cor-1',
    ...(recipient === 'OCMW' ? { ocmwKbo: '0212351212' } : {}),
    regulation: 'ART60_7',
    legalBasis: LEGAL_BASIS,
    deliveredAt,
    expiresAt: 2_000_000_000,
  };
}

/** The record of disclosures in memory, keyed by the person's HMAC as the table is. */
class MemoryDisclosures implements DisclosureReader {
  readonly asked: Array<{ personKey: string; recipient?: DisclosureRecipient }> = [];
  constructor(private readonly byPerson: ReadonlyMap<string, readonly DisclosureView[]>) {}
  async forPerson(personKey: string, _now: Date, recipient?: DisclosureRecipient): Promise<DisclosureView[]> {
    this.asked.push({ personKey, ...(recipient ? { recipient } : {}) });
    return (this.byPerson.get(personKey) ?? []).filter((d) => recipient === undefined || d.recipient === recipient);
  }
}

describe('disclosuresQueryOf', () => {
  it('normalises an INSZ as written and keeps the recipient asked for', () => {
    expect(disclosuresQueryOf({ insz: ' 85.07.30-033.28 ' }, NOW)).toEqual({ insz: INSZ });
    expect(disclosuresQueryOf({ insz: '85 07 30 033 28', recipient: 'FOREM' }, NOW)).toEqual({ insz: INSZ, recipient: 'FOREM' });
  });

  it('refuses a number whose check digits are wrong, repeating it masked only, and an unknown recipient', () => {
    expect(() => disclosuresQueryOf({ insz: '85073003329' }, NOW)).toThrow('not a valid INSZ/NISS (check digits): ******033**');
    expect(() => disclosuresQueryOf({ insz: 'abc' }, NOW)).toThrow('not a valid INSZ/NISS (check digits): ***********');
    expect(() => disclosuresQueryOf({ insz: INSZ, recipient: 'ONEM' }, NOW)).toThrow(
      'unknown recipient ONEM: one of VDAB, ACTIRIS, FOREM, PPS, OCMW',
    );
  });

  it('asks for the PPS and the OCMW too: the correction flows carry an INSZ', () => {
    expect(disclosuresQueryOf({ insz: INSZ, recipient: 'PPS' }, NOW)).toEqual({ insz: INSZ, recipient: 'PPS' });
    expect(disclosuresQueryOf({ insz: INSZ, recipient: 'OCMW' }, NOW)).toEqual({ insz: INSZ, recipient: 'OCMW' });
  });
});

describe('formatDisclosures', () => {
  it('prints the person masked and one row per disclosure, columns aligned', () => {
    const text = formatDisclosures(INSZ, [
      view('VDAB', '2025-12-03T09:00:00.000Z', 'a'.repeat(8)),
      correctionView('OCMW', '2025-12-05T10:00:00.000Z'),
    ]);
    const rule = '-'.repeat(LEGAL_BASIS.length);
    expect(text.split('\n')).toEqual([
      'Disclosures about ******033**: 2',
      'recipient  flow                 deliveredAt               period                 batch/correction  ocmwKbo     regulation  legalBasis',
      `---------  -------------------  ------------------------  ---------------------  ----------------  ----------  ----------  ${rule}`,
      `VDAB       BATCH                2025-12-03T09:00:00.000Z  2025-11                aaaaaaaa                      ART60_7     ${LEGAL_BASIS}`,
      `OCMW       CORRECTION_APPROVED  2025-12-05T10:00:00.000Z  2025-10-01/2025-10-31  cor-1             0212351212  ART60_7     ${LEGAL_BASIS}`,
    ]);
    expect(formatDisclosures(INSZ, [])).toBe(
      'Disclosures about ******033**: 0\n(no recipient received data about this person, or it is past its retention)',
    );
  });
});

describe('the disclosures tool', () => {
  const rows = [view('VDAB', '2025-12-03T09:00:00.000Z'), view('FOREM', '2025-12-03T09:00:01.000Z')];
  const deps = (store: DisclosureReader) => ({ disclosures: store, disclosureKey: async () => KEY, clock: () => NOW });

  it('answers the disclosures of the person, found by the keyed hash of the INSZ, with the person masked', async () => {
    const store = new MemoryDisclosures(new Map([[inszHmac(KEY, INSZ), rows]]));
    const entries: AuditEntry[] = [];
    const answer = await answerOperator(
      disclosuresTool(deps(store)),
      { success: true, data: { insz: '85.07.30-033.28' } },
      { requestId: 'req-1' },
      { record: (e) => entries.push(e) },
    );
    expect(answer).toEqual({ ok: true, person: '******033**', count: 2, disclosures: rows });
    expect(store.asked).toEqual([{ personKey: inszHmac(KEY, INSZ) }]);
    expect(entries).toEqual([
      {
        tool: 'disclosures',
        requestId: 'req-1',
        outcome: 'answered',
        asked: { person: '******033**', personKey: Buffer.from(inszHmac(KEY, INSZ), 'hex').toString('base64url') },
        results: 2,
      },
    ]);
  });

  it('answers for the correction flows: "did the OCMW receive data about this person?"', async () => {
    const all = [...rows, correctionView('PPS', '2025-12-04T10:00:00.000Z'), correctionView('OCMW', '2025-12-05T10:00:00.000Z')];
    const store = new MemoryDisclosures(new Map([[inszHmac(KEY, INSZ), all]]));
    const answer = await answerOperator(
      disclosuresTool(deps(store)),
      { success: true, data: { insz: INSZ, recipient: 'OCMW' } },
      { requestId: 'r' },
      { record: () => {} },
    );
    expect(answer).toEqual({ ok: true, person: '******033**', recipient: 'OCMW', count: 1, disclosures: [all[3]] });
    expect(store.asked).toEqual([{ personKey: inszHmac(KEY, INSZ), recipient: 'OCMW' }]);
  });

  it('asks only for the recipient named', async () => {
    const store = new MemoryDisclosures(new Map([[inszHmac(KEY, INSZ), rows]]));
    const answer = await answerOperator(
      disclosuresTool(deps(store)),
      { success: true, data: { insz: INSZ, recipient: 'FOREM' } },
      { requestId: 'r' },
      { record: () => {} },
    );
    expect(answer).toEqual({ ok: true, person: '******033**', recipient: 'FOREM', count: 1, disclosures: [rows[1]] });
  });

  it('for every valid INSZ, in any of its written forms, neither the answer nor the audit line holds it in clear', async () => {
    const insz = fc
      .record({
        yy: fc.integer({ min: 0, max: 99 }),
        mm: fc.integer({ min: 1, max: 12 }),
        dd: fc.integer({ min: 1, max: 28 }),
        serial: fc.integer({ min: 1, max: 998 }),
      })
      .map(({ yy, mm, dd, serial }) => makeInsz({ yy, mm, dd }, serial));
    await fc.assert(
      fc.asyncProperty(insz, fc.boolean(), async (number, dotted) => {
        const written = dotted
          ? `${number.slice(0, 2)}.${number.slice(2, 4)}.${number.slice(4, 6)}-${number.slice(6, 9)}.${number.slice(9)}`
          : number;
        const store = new MemoryDisclosures(new Map([[inszHmac(KEY, number), rows]]));
        const entries: AuditEntry[] = [];
        const answer = await answerOperator(
          disclosuresTool(deps(store)),
          { success: true, data: { insz: written } },
          { requestId: 'r' },
          { record: (e) => entries.push(e) },
        );
        const text = JSON.stringify([answer, entries]);
        expect(answer.ok).toBe(true);
        expect(text.match(nationalNumberRegExp())).toBeNull();
      }),
    );
  });
});

describe('auditedPersonKey', () => {
  it('never holds eleven digits in a row that the logger would mask as a national number, whatever the key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const personKey = Buffer.from(bytes).toString('hex');
        expect(auditedPersonKey(personKey).match(nationalNumberRegExp())).toBeNull();
        expect(Buffer.from(auditedPersonKey(personKey), 'base64url').toString('hex')).toBe(personKey);
      }),
      { numRuns: 2000 },
    );
  });
});
