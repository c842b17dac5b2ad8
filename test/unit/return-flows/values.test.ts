import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCents as centsToEuros, parseAmountCents as eurosToCents } from '../../../shared/domain/money';
import {
  correctionDisclosureOf,
  disclosureOf,
  entryKeyParts,
  inszHmac,
  LEGAL_BASIS,
  maskInsz,
} from '../../../shared/domain/return-flows/disclosures';
import { contentHash, correctionIdOf } from '../../../shared/domain/return-flows/ids';
import { INSZ, KEY } from './fakes';

describe('amounts in cents', () => {
  it('reads decimal euros exactly', () => {
    expect([eurosToCents('120.5'), eurosToCents('0.01'), eurosToCents('999999999.99'), eurosToCents('-0.00'), eurosToCents('1,5')]).toEqual(
      [12050, 1, 99_999_999_999, 0, null],
    );
  });
  it('writes back what it read, with two decimals, for every amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }), (cents) => {
        expect(eurosToCents(centsToEuros(cents))).toBe(cents);
        expect(centsToEuros(cents)).toMatch(/^-?\d+\.\d{2}$/);
      }),
    );
  });
});

describe('stable ids and hashes', () => {
  it('derives the same correctionId from the same requester and requestId, and different ones otherwise', () => {
    expect(correctionIdOf('VDAB', 'r1')).toBe(correctionIdOf('VDAB', 'r1'));
    expect(correctionIdOf('VDAB', 'r1')).not.toBe(correctionIdOf('ACTIRIS', 'r1'));
    expect(correctionIdOf('VDAB', 'r1')).not.toContain('r1');
  });
  it('hashes content independently of key order', () => {
    expect(contentHash({ a: 1, b: 'x' })).toBe(contentHash({ b: 'x', a: 1 }));
    expect(contentHash({ a: 1, b: 'x' })).not.toBe(contentHash({ a: 1, b: 'y' }));
  });
});

describe('the record of disclosures (§4)', () => {
  const batch = { batchId: 'batch-1', period: '2025-10', receivedAt: new Date('2025-11-01T08:00:00Z') };
  const record = { period: '2025-10', insz: INSZ, regulation: 'ART60_7', fileNumber: 'F1', ocmwKbo: '0212351212' };

  it('names the deliberation as amended, exactly', () => {
    expect(LEGAL_BASIS).toBe('19/122 of 2 July 2019, as amended on 4 May 2021 and 1 October 2024 (IVC/KSZG/24/342)');
  });

  it('says in its entry key who received what, by which flow: the item need not repeat it', () => {
    const at = new Date('2026-02-01T10:00:00Z');
    const delivered = disclosureOf(KEY, batch, 'VDAB', record, at)!;
    const redelivered = disclosureOf(KEY, batch, 'VDAB', record, at, new Date('2026-03-01T10:00:00Z'))!;
    const correction = { correctionId: 'cor-1', inszHmac: 'h', ocmwKbo: '0212351212', regulation: 'ART60_7', expiresAt: 1 };
    const toOcmw = correctionDisclosureOf({ ...correction, performanceStart: '2025-10-01', performanceEnd: '2025-10-31' }, 'OCMW', at);
    expect(redelivered.entryKey).not.toBe(delivered.entryKey);
    expect(redelivered.deliveredAt).toBe('2026-03-01T10:00:00.000Z');
    expect(redelivered.expiresAt).toBe(delivered.expiresAt);
    for (const d of [delivered, redelivered, toOcmw]) {
      const { recipient, flow, batchId, correctionId } = d;
      expect(entryKeyParts(d.entryKey)).toEqual({
        recipient,
        flow,
        ...(batchId ? { batchId } : {}),
        ...(correctionId ? { correctionId } : {}),
      });
    }
    expect(toOcmw).toMatchObject({
      recipient: 'OCMW',
      flow: 'CORRECTION_APPROVED',
      ocmwKbo: '0212351212',
      period: '2025-10-01/2025-10-31',
    });
    expect(entryKeyParts('ONEM#x')).toBeUndefined();
  });

  it('keys the person by an HMAC that depends on the key and holds no national number', () => {
    const d = disclosureOf(KEY, batch, 'FOREM', record, new Date('2025-11-01T08:05:00Z'))!;
    expect(d.personKey).toBe(inszHmac(KEY, INSZ));
    expect(d.personKey).not.toBe(inszHmac(Buffer.alloc(32, 8), INSZ));
    expect(JSON.stringify(d)).not.toContain(INSZ);
    expect(d).toMatchObject({ recipient: 'FOREM', batchId: 'batch-1', period: '2025-10', regulation: 'ART60_7', legalBasis: LEGAL_BASIS });
  });

  it('keeps FOREM’s disclosures 3,653 days and VDAB’s 5,440 days (backups count as keeping) from receipt', () => {
    const forem = disclosureOf(KEY, batch, 'FOREM', record, new Date())!;
    const vdab = disclosureOf(KEY, batch, 'VDAB', record, new Date())!;
    expect(forem.expiresAt).toBe(Date.parse('2025-11-01T08:00:00Z') / 1000 + 3653 * 86_400);
    expect(vdab.expiresAt).toBe(Date.parse('2025-11-01T08:00:00Z') / 1000 + 5440 * 86_400);
  });

  it('gives the same row the same item on a retry and another row another item', () => {
    const a = disclosureOf(KEY, batch, 'VDAB', record, new Date('2025-11-01T08:05:00Z'))!;
    const again = disclosureOf(KEY, batch, 'VDAB', record, new Date('2025-11-01T09:05:00Z'))!;
    const other = disclosureOf(KEY, batch, 'VDAB', { ...record, fileNumber: 'F2' }, new Date('2025-11-01T08:05:00Z'))!;
    expect(again.entryKey).toBe(a.entryKey);
    expect(other.entryKey).not.toBe(a.entryKey);
    expect(other.personKey).toBe(a.personKey);
  });

  it('masks an INSZ for printing', () => {
    expect(maskInsz(INSZ)).toBe('******033**');
  });
});
