import { describe, expect, it } from 'vitest';
import { GERMAN_SPEAKING_MUNICIPALITIES, routeMunicipality } from '../../../shared/domain/routing';

describe('routing from municipality to recipient (monthly-batch §5)', () => {
  it.each([
    ['21004', 'ACTIRIS'],
    ['11002', 'VDAB'],
    ['13040', 'VDAB'],
    ['23088', 'VDAB'],
    ['24062', 'VDAB'],
    ['31005', 'VDAB'],
    ['38025', 'VDAB'],
    ['41002', 'VDAB'],
    ['46021', 'VDAB'],
    ['71016', 'VDAB'],
    ['73109', 'VDAB'],
    ['25072', 'FOREM'],
    ['51004', 'FOREM'],
    ['58001', 'FOREM'],
    ['62063', 'FOREM'],
    ['64074', 'FOREM'],
    ['63079', 'FOREM'],
    ['81001', 'FOREM'],
    ['85045', 'FOREM'],
    ['92094', 'FOREM'],
    ['93090', 'FOREM'],
  ])('%s → %s', (nis, recipient) => {
    expect(routeMunicipality(nis)).toEqual({ kind: 'recipient', recipient });
  });

  it('routes the nine German-speaking municipalities to nobody', () => {
    expect([...GERMAN_SPEAKING_MUNICIPALITIES.keys()].sort()).toEqual([
      '63001',
      '63012',
      '63013',
      '63023',
      '63040',
      '63048',
      '63061',
      '63067',
      '63087',
    ]);
    for (const nis of GERMAN_SPEAKING_MUNICIPALITIES.keys()) expect(routeMunicipality(nis)).toEqual({ kind: 'no-authorised-recipient' });
  });

  it.each([
    '10000',
    '14001',
    '20001',
    '22001',
    '26001',
    '39001',
    '47001',
    '59001',
    '65001',
    '74001',
    '86001',
    '94001',
    '99999',
    '2100',
    '210040',
    'abcde',
    '',
  ])('%s is an unknown municipality', (nis) => {
    expect(routeMunicipality(nis)).toEqual({ kind: 'unknown-municipality' });
  });
});
