import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasForbiddenCharacter, isCalendarDate, type ValidationContext, validateRow } from '../../../shared/domain/batch/row-validation';
import { formatCents, parseAmountCents } from '../../../shared/domain/money';
import { ALL_FIELDS, OPTIONAL_FIELDS } from '../../../shared/domain/recipients';
import {
  ALLOWED_SAMPLES,
  anyText,
  breaksCharacterRule,
  FORBIDDEN_SAMPLES,
  isControl,
  isNoncharacter,
  NOT_WHITE_SPACE,
  WHITE_SPACE,
} from '../../support/characters';
import { validRow } from '../../support/rows';

function context(seen: string[] = []): ValidationContext {
  const references = new Set(seen);
  return {
    filePeriod: '2025-11',
    now: new Date('2026-11-28T00:00:00Z'),
    seenBefore: (reference) => {
      const before = references.has(reference);
      references.add(reference);
      return before;
    },
  };
}

function codesOf(values: Record<string, unknown> | null, seen: string[] = []): string[] {
  const result = validateRow(values, context(seen));
  return result.valid ? [] : [...result.codes].sort();
}

describe('row validation (monthly-batch §2–§5, §7)', () => {
  it('accepts a valid row and normalises KBO, INSZ and white space', () => {
    const result = validateRow(validRow({ ocmwKbo: ' 0403.019.261 ', insz: '85.07.30-033.28', ocmwName: '  OCMW Antwerpen  ' }), context());
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.row.values.ocmwKbo).toBe('0403019261');
    expect(result.row.values.insz).toBe('85073003328');
    expect(result.row.values.ocmwName).toBe('OCMW Antwerpen');
    expect(result.row.amountCents).toBe(123450);
    expect(result.row.route).toEqual({ kind: 'recipient', recipient: 'VDAB' });
    expect(validateRow(validRow({ ocmwKbo: '403019261' }), context()).valid).toBe(true);
    expect(validateRow(validRow({ ocmwKbo: '0403 019 261' }), context()).valid).toBe(true);
  });

  it.each([
    [{ insz: '12345678901' }, ['INVALID_INSZ']],
    [{ ocmwKbo: '0431150351' }, ['INVALID_KBO']],
    [{ ocmwKbo: '2000021323' }, ['INVALID_KBO']],
    [{ ocmwNis: '99999' }, ['UNKNOWN_MUNICIPALITY']],
    [{ ocmwNis: '1100' }, ['UNKNOWN_MUNICIPALITY']],
    [{ regulation: 'art60_7' }, ['INVALID_REGULATION']],
    [{ beneficiaryRole: 'primary' }, ['INVALID_BENEFICIARY_ROLE']],
    [{ performanceStart: '2025-02-30' }, ['INVALID_DATE']],
    [{ accountingEnd: '2025-11-31' }, ['INVALID_DATE']],
    [{ accountingEnd: '20251130' }, ['INVALID_DATE']],
    [{ period: '2025-13' }, ['INVALID_DATE']],
    [{ period: '2025-1' }, ['INVALID_DATE']],
    [{ period: '2025-10' }, ['PERIOD_MISMATCH']],
    [{ performanceStart: '2025-12-01' }, ['INVALID_DATE_RANGE']],
    [{ accountingStart: '2025-11-30', accountingEnd: '2025-11-01' }, ['INVALID_DATE_RANGE']],
    [{ amount: '12,50' }, ['INVALID_AMOUNT']],
    [{ amount: '+12.50' }, ['INVALID_AMOUNT']],
    [{ amount: '12.345' }, ['INVALID_AMOUNT']],
    [{ amount: '1234567890' }, ['INVALID_AMOUNT']],
    [{ amount: '.5' }, ['INVALID_AMOUNT']],
    [{ fileNumber: 'x'.repeat(51) }, ['INVALID_FIELD']],
    [{ reference: 'r'.repeat(65) }, ['INVALID_FIELD']],
    [{ paymentType: 'c'.repeat(41) }, ['INVALID_FIELD']],
    [{ ocmwName: 'n'.repeat(121) }, ['INVALID_FIELD']],
    [{ employmentPlace: 'line\nbreak' }, ['INVALID_FIELD']],
    [{ workSchedule: 'tab\there' }, ['INVALID_FIELD']],
    [{ activationType: 'del\u007f' }, ['INVALID_FIELD']],
    [{ fileNumber: '' }, ['MISSING_FIELD']],
    [{ fileNumber: '   ' }, ['MISSING_FIELD']],
    [{ insz: '' }, ['MISSING_FIELD']],
  ])('%o → %o', (overrides, codes) => {
    expect(codesOf(validRow(overrides as Record<string, string>))).toEqual(codes);
  });

  it.each([
    ['1234.50', '1234.50'],
    ['12.5', '12.50'],
    ['12', '12.00'],
    ['01.50', '1.50'],
    ['0.05', '0.05'],
    ['-0.00', '0.00'],
    ['-0', '0.00'],
    ['-12.30', '-12.30'],
    ['-012.30', '-12.30'],
  ])('normalises the amount %s to %s', (amount, normalised) => {
    const result = validateRow(validRow({ amount }), context());
    expect(result.valid && result.row.values.amount).toBe(normalised);
  });

  it.each(ALL_FIELDS.filter((field) => !OPTIONAL_FIELDS.includes(field)))('gives an absent %s only MISSING_FIELD', (field) => {
    const row = validRow();
    delete row[field];
    expect(codesOf(row)).toEqual(['MISSING_FIELD']);
  });

  it("keeps a valid line's values in the order of the full view", () => {
    const result = validateRow(validRow({ socialEconomyInitiativeNumber: 'SE-1', socialEconomyInitiativeName: 'Initiative' }), context());
    expect(result.valid && Object.keys(result.row.values)).toEqual(ALL_FIELDS);
  });

  it('counts lengths in Unicode code points', () => {
    expect(codesOf(validRow({ paymentType: '😀'.repeat(40) }))).toEqual([]);
    expect(codesOf(validRow({ paymentType: '😀'.repeat(41) }))).toEqual(['INVALID_FIELD']);
  });

  it('reports every reason found, once each', () => {
    const row = validRow({
      insz: '12345678901',
      ocmwKbo: '0431150351',
      amount: 'x',
      fileNumber: '',
      budgetArticle: '',
      period: '2025-10',
      reference: 'DUP',
    });
    expect(codesOf(row, ['DUP'])).toEqual([
      'DUPLICATE_REFERENCE',
      'INVALID_AMOUNT',
      'INVALID_INSZ',
      'INVALID_KBO',
      'MISSING_FIELD',
      'PERIOD_MISMATCH',
    ]);
  });

  it('treats an absent required field as MISSING_FIELD only, and an absent optional one as nothing', () => {
    const row = validRow();
    delete row.amount;
    expect(codesOf(row)).toEqual(['MISSING_FIELD']);
    expect(codesOf(validRow({ socialEconomyInitiativeNumber: '', socialEconomyInitiativeName: '  ' }))).toEqual([]);
  });

  it('takes NDJSON values as the spec says: null absent, numbers only for amount', () => {
    expect(validateRow({ ...validRow(), amount: 100 }, context())).toMatchObject({ valid: true, row: { amountCents: 10000 } });
    expect(validateRow({ ...validRow(), amount: 1e2 }, context())).toMatchObject({ valid: true, row: { amountCents: 10000 } });
    expect(codesOf({ ...validRow(), amount: 12.345 })).toEqual(['INVALID_AMOUNT']);
    expect(codesOf({ ...validRow(), amount: null })).toEqual(['MISSING_FIELD']);
    expect(codesOf({ ...validRow(), socialEconomyInitiativeName: null })).toEqual([]);
    expect(codesOf({ ...validRow(), fileNumber: true })).toEqual(['INVALID_FIELD']);
    expect(codesOf({ ...validRow(), insz: 85073003328 })).toEqual(['INVALID_FIELD']);
    expect(codesOf({ ...validRow(), workSchedule: { hours: 38 } })).toEqual(['INVALID_FIELD']);
  });

  it('takes a JSON number amount by its String(n): 1e400 is Infinity, an INVALID_AMOUNT and nothing else', () => {
    const huge = JSON.parse('{"amount":1e400}').amount as number;
    expect(String(huge)).toBe('Infinity');
    expect(codesOf({ ...validRow(), amount: huge })).toEqual(['INVALID_AMOUNT']);
    expect(codesOf({ ...validRow(), amount: -huge })).toEqual(['INVALID_AMOUNT']);
    expect(codesOf({ ...validRow(), amount: 1e21 })).toEqual(['INVALID_AMOUNT']); // "1e+21"
    expect(codesOf({ ...validRow(), amount: 5e-7 })).toEqual(['INVALID_AMOUNT']); // "5e-7"
    expect(validateRow({ ...validRow(), amount: -0 }, context())).toMatchObject({ valid: true, row: { values: { amount: '0.00' } } });
  });

  it('rejects a reference that stood on an earlier row, whatever became of that row', () => {
    const ctx = context();
    expect(validateRow(validRow({ reference: 'R9', insz: 'bad' }), ctx).valid).toBe(false);
    const again = validateRow(validRow({ reference: ' R9 ' }), ctx);
    expect(again.valid ? [] : [...again.codes]).toEqual(['DUPLICATE_REFERENCE']);
  });

  it('gives a malformed row only MALFORMED_ROW and no reference', () => {
    expect(validateRow(null, context())).toEqual({ valid: false, codes: new Set(['MALFORMED_ROW']), reference: null });
  });

  it('marks a German-speaking municipality as valid but without an authorised recipient', () => {
    const result = validateRow(validRow({ ocmwNis: '63023' }), context());
    expect(result).toMatchObject({ valid: true, row: { route: { kind: 'no-authorised-recipient' } } });
  });
});

describe('the characters of a value (monthly-batch §2)', () => {
  const CHECKED_FIELDS = ['period', 'ocmwKbo', 'ocmwNis', 'ocmwName', 'insz', 'reference', 'amount', 'performanceStart', 'workSchedule'];

  it.each(FORBIDDEN_SAMPLES.map((c) => [`U+${[...c].map((p) => p.codePointAt(0)?.toString(16).toUpperCase()).join(' U+')}`, c]))(
    'gives a value holding %s INVALID_FIELD, and only that, whatever the field',
    (_, character) => {
      for (const field of CHECKED_FIELDS) {
        const value = `${validRow()[field]}${character}x`;
        expect([field, codesOf(validRow({ [field]: value }))]).toEqual([field, ['INVALID_FIELD']]);
        expect([field, codesOf(validRow({ [field]: `${character}` }))]).toEqual([field, ['INVALID_FIELD']]);
      }
    },
  );

  it.each(ALLOWED_SAMPLES.map((c) => [`U+${[...c].map((p) => p.codePointAt(0)?.toString(16).toUpperCase()).join(' U+')}`, c]))(
    'carries a value holding %s unchanged',
    (_, character) => {
      const ocmwName = `OCMW ${character} Antwerpen${character}`;
      expect(validateRow(validRow({ ocmwName, employmentPlace: character }), context())).toMatchObject({
        valid: true,
        row: { values: { ocmwName, employmentPlace: character } },
      });
    },
  );

  it('checks the characters after trimming: white space at the edges goes, the same inside is a control character', () => {
    expect(validateRow(validRow({ reference: '\t R1 \r\n' }), context())).toMatchObject({ valid: true, reference: 'R1' });
    expect(codesOf(validRow({ reference: 'R\t1' }))).toEqual(['INVALID_FIELD']);
    expect(codesOf(validRow({ ocmwName: '\u001c' }))).toEqual(['INVALID_FIELD']); // not white space: not MISSING_FIELD
    expect(codesOf(validRow({ ocmwName: '\u0085' }))).toEqual([]);
  });

  it('does not check a broken reference for duplicates: INVALID_FIELD is its only code', () => {
    expect(codesOf(validRow({ reference: 'R1\u0000' }), ['R1\u0000'])).toEqual(['INVALID_FIELD']);
    expect(codesOf(validRow({ reference: 'R1\ufffe' }), ['R1\ufffe'])).toEqual(['INVALID_FIELD']);
    expect(codesOf(validRow({ reference: 'r'.repeat(65) }), ['r'.repeat(65)])).toEqual(['INVALID_FIELD']);
    expect(validateRow(validRow({ reference: 'R1\u0000' }), context())).toMatchObject({ valid: false, reference: 'R1\u0000' });
  });

  it('uses the row text of a CSV line only to skip the per-field scan, never to fail a field it does not hold', () => {
    const clean = validRow({ ocmwName: 'OCMW 😀' });
    const text = `${Object.values(clean).join(';')};a note\u0001 in an unknown column`;
    expect(validateRow(clean, context(), text).valid).toBe(true);
    expect(validateRow(clean, context(), Object.values(clean).join(';')).valid).toBe(true);
    const broken = validRow({ workSchedule: 'FULL\ufdd0TIME' });
    expect(validateRow(broken, context(), Object.values(broken).join(';'))).toMatchObject({
      valid: false,
      codes: new Set(['INVALID_FIELD']),
    });
  });

  it('forbids exactly the control characters, the 66 noncharacters and the lone surrogates: every code point checked', () => {
    const forbidden: number[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint += 1) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const text = `a${String.fromCodePoint(codePoint)}b`;
      if (hasForbiddenCharacter(text)) forbidden.push(codePoint);
    }
    expect(forbidden).toEqual(Array.from({ length: 0x110000 }, (_, c) => c).filter((c) => isControl(c) || isNoncharacter(c)));
    expect(forbidden).toHaveLength(33 + 66);
    const loneAllowed: number[] = [];
    for (let unit = 0xd800; unit <= 0xdfff; unit += 1) if (!hasForbiddenCharacter(`a${String.fromCharCode(unit)}b`)) loneAllowed.push(unit);
    expect(loneAllowed).toEqual([]);
  });

  it('knows white space as String.prototype.trim does, and nothing else', () => {
    const trimmedAway: string[] = [];
    for (let unit = 0; unit <= 0xffff; unit += 1) if (String.fromCharCode(unit).trim() === '') trimmedAway.push(String.fromCharCode(unit));
    expect(trimmedAway).toEqual(WHITE_SPACE);
    for (const character of NOT_WHITE_SPACE) expect(character.trim()).toBe(character);
  });

  it('property: a value with a forbidden character is INVALID_FIELD and only that; any other value is carried trimmed and unchanged', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom('ocmwName', 'employmentPlace', 'socialEconomyInitiativeName'), (text, field) => {
        const value = `N${text}`; // never empty, never longer than 120 code points
        const result = validateRow(validRow({ [field]: value }), context());
        if (breaksCharacterRule(value.trim())) {
          expect(result).toMatchObject({ valid: false, codes: new Set(['INVALID_FIELD']) });
        } else {
          expect(result).toMatchObject({ valid: true, row: { values: { [field]: value.trim() } } });
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('amounts in integer cents', () => {
  it.each([
    ['1234.50', 123450],
    ['-12', -1200],
    ['0.5', 50],
    ['-0.00', 0],
    ['999999999.99', 99999999999],
  ])('%s → %i cents', (text, cents) => {
    expect(parseAmountCents(text)).toBe(cents);
  });

  it('formats with exactly two decimals, -0 as 0.00', () => {
    expect(formatCents(123450)).toBe('1234.50');
    expect(formatCents(-1200)).toBe('-12.00');
    expect(formatCents(-5)).toBe('-0.05');
    expect(formatCents(parseAmountCents('-0.00') ?? 1)).toBe('0.00');
    expect(formatCents(99999999999n * 1000000n)).toBe('999999999990000.00');
  });

  it('knows real calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-04-31')).toBe(false);
    expect(isCalendarDate('2025-00-10')).toBe(false);
  });
});
