import { describe, expect, it } from 'vitest';
import { isValidInsz, isValidKbo, normaliseInsz, normaliseKbo } from '../../../shared/domain/checksums';

const NOW = new Date('2026-11-28T12:00:00Z');

describe('INSZ/NISS (monthly-batch §3)', () => {
  it.each([
    ['85073003328', 'born 1985'],
    ['17073003384', 'born 2017, with the 2 prefix'],
    ['98472899765', 'a bis number (month + 40)'],
  ])('accepts %s (%s)', (insz) => {
    expect(isValidInsz(insz, NOW)).toBe(true);
  });

  it.each([
    ['12345678901', 'wrong check digits'],
    ['85133000105', 'month 13'],
    ['8507300332', 'ten digits'],
    ['850730033280', 'twelve digits'],
    ['8507300332a', 'a letter'],
  ])('refuses %s (%s)', (insz) => {
    expect(isValidInsz(insz, NOW)).toBe(false);
  });

  it('takes the 2000s rule only when 2000 + YY is not after the current year', () => {
    // 17073003384 is valid only with the 2 prefix: born 2017.
    expect(isValidInsz('17073003384', new Date('2017-01-01T00:00:00Z'))).toBe(true);
    expect(isValidInsz('17073003384', new Date('2016-12-31T23:59:59Z'))).toBe(false);
  });

  it('accepts months 00–12, 20–32 and 40–52 and days 00–31, nothing else', () => {
    const withCheck = (body: string): string => `${body}${String(97 - (Number(body) % 97)).padStart(2, '0')}`;
    for (const month of ['00', '12', '20', '32', '40', '52']) expect(isValidInsz(withCheck(`85${month}15001`), NOW)).toBe(true);
    for (const month of ['13', '19', '33', '39', '53', '99']) expect(isValidInsz(withCheck(`85${month}15001`), NOW)).toBe(false);
    expect(isValidInsz(withCheck('850700001'), NOW)).toBe(true);
    expect(isValidInsz(withCheck('850731001'), NOW)).toBe(true);
    expect(isValidInsz(withCheck('850732001'), NOW)).toBe(false);
  });

  it('removes dots, dashes and spaces', () => {
    expect(normaliseInsz('85.07.30-033.28')).toBe('85073003328');
    expect(normaliseInsz('85 07 30 033 28')).toBe('85073003328');
    expect(normaliseInsz('85/07/30')).toBeNull();
  });
});

describe('KBO/BCE (monthly-batch §4)', () => {
  it('accepts 0403019261 and refuses 0431150351 and 2000021323', () => {
    expect(isValidKbo('0403019261')).toBe(true);
    expect(isValidKbo('0431150351')).toBe(false);
    expect(isValidKbo('2000021323')).toBe(false);
  });

  it('normalises the written forms to ten digits', () => {
    expect(normaliseKbo('0403.019.261')).toBe('0403019261');
    expect(normaliseKbo('0403 019 261')).toBe('0403019261');
    expect(normaliseKbo('403019261')).toBe('0403019261');
    expect(normaliseKbo('BE0403019261')).toBeNull();
  });
});
