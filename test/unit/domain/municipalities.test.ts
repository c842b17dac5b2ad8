import { describe, expect, it } from 'vitest';
import { checkMunicipalityTable, countValidOn } from '../../../scripts/refnis';
import { type ValidationContext, validateRow } from '../../../shared/domain/batch/row-validation';
import {
  isMunicipalityInPeriod,
  MUNICIPALITIES,
  MUNICIPALITY_SPANS,
  MunicipalityCalendar,
  monthNumberOf,
  parseMunicipalityTable,
} from '../../../shared/domain/municipalities';
import { GERMAN_SPEAKING_MUNICIPALITIES, routeMunicipality } from '../../../shared/domain/routing';
import { validRow } from '../../support/batch-files';

const NOW = new Date('2026-11-28T00:00:00Z');

/** What becomes of a valid row of `period` with the municipality `nis`: its recipient, NO_AUTHORISED_RECIPIENT, or its codes. */
function outcome(nis: string, period: string): string {
  const context: ValidationContext = { filePeriod: period, now: NOW, seenBefore: () => false };
  const result = validateRow(validRow(period, 'R-1', { ocmwNis: nis }), context);
  if (!result.valid) return [...result.codes].sort().join(',');
  return result.row.route.kind === 'recipient' ? result.row.route.recipient : 'NO_AUTHORISED_RECIPIENT';
}

/** Every month from `from` to `to` (`YYYY-MM`), inclusive. */
function months(from: string, to: string): string[] {
  const all: string[] = [];
  for (let m = monthNumberOf(from); m <= monthNumberOf(to); m++) {
    all.push(`${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`);
  }
  return all;
}

describe('a NIS code is known only in the months it was a municipality (monthly-batch §5)', () => {
  // Each case: the code's outcome in the month before and the month of the change.
  it.each([
    // 2019 mergers: the absorbed codes end on 2018-12-31, the new ones start on 2019-01-01.
    ['12030', 'Puurs, absorbed by Puurs-Sint-Amands', '2018-12', 'VDAB', 'UNKNOWN_MUNICIPALITY'],
    ['12041', 'Puurs-Sint-Amands, new', '2018-12', 'UNKNOWN_MUNICIPALITY', 'VDAB'],
    ['72025', 'Neerpelt, absorbed by Pelt', '2018-12', 'VDAB', 'UNKNOWN_MUNICIPALITY'],
    ['72043', 'Pelt, new', '2018-12', 'UNKNOWN_MUNICIPALITY', 'VDAB'],
    // 2019 re-coding of the Hainaut arrondissements.
    ['54007', 'Mouscron, old code', '2018-12', 'FOREM', 'UNKNOWN_MUNICIPALITY'],
    ['57096', 'Mouscron, new code', '2018-12', 'UNKNOWN_MUNICIPALITY', 'FOREM'],
    ['55022', 'La Louvière, old code', '2018-12', 'FOREM', 'UNKNOWN_MUNICIPALITY'],
    ['58001', 'La Louvière, new code', '2018-12', 'UNKNOWN_MUNICIPALITY', 'FOREM'],
    // 2025 mergers: the absorbed codes end on 2024-12-31, the new ones start on 2025-01-01.
    ['23023', 'Galmaarden, absorbed by Pajottegem', '2024-12', 'VDAB', 'UNKNOWN_MUNICIPALITY'],
    ['23106', 'Pajottegem, new', '2024-12', 'UNKNOWN_MUNICIPALITY', 'VDAB'],
    ['11007', 'Borsbeek, absorbed by Antwerpen', '2024-12', 'VDAB', 'UNKNOWN_MUNICIPALITY'],
    ['71022', 'Hasselt, old code', '2024-12', 'VDAB', 'UNKNOWN_MUNICIPALITY'],
    ['71072', 'Hasselt, new code', '2024-12', 'UNKNOWN_MUNICIPALITY', 'VDAB'],
    ['82003', 'Bastogne, old code', '2024-12', 'FOREM', 'UNKNOWN_MUNICIPALITY'],
    ['82039', 'Bastogne, new code', '2024-12', 'UNKNOWN_MUNICIPALITY', 'FOREM'],
  ])('%s (%s): %s → %s, the month after → %s', (nis, _name, before, outcomeBefore, outcomeAfter) => {
    const after = months(before, '2030-12')[1] as string;
    expect([outcome(nis, before), outcome(nis, after)]).toEqual([outcomeBefore, outcomeAfter]);
  });

  it('keeps a code known through its whole span and unknown outside it, whatever the order of the periods asked', () => {
    // The period is remembered between rows: asking in turn for other periods must not stick.
    const periods = ['2015-01', '2018-12', '2019-01', '2024-12', '2025-01', '2026-06', '2018-12', '2025-01'];
    expect(periods.map((period) => isMunicipalityInPeriod('12030', period))).toEqual([true, true, false, false, false, false, true, false]);
    expect(periods.map((period) => isMunicipalityInPeriod('44086', period))).toEqual([false, false, false, false, true, true, false, true]);
    expect(periods.map((period) => isMunicipalityInPeriod('44083', period))).toEqual([false, false, true, true, true, true, false, true]);
    expect(periods.map((period) => isMunicipalityInPeriod('11002', period))).toEqual(periods.map(() => true)); // Antwerpen absorbed Borsbeek, kept its code
  });

  it('knows a code that the table ever lists when the file has no period', () => {
    for (const nis of ['12030', '54007', '23106', '82039', '63023', '21004']) expect(isMunicipalityInPeriod(nis, null)).toBe(true);
    for (const nis of ['99999', '21020', '11099']) expect(isMunicipalityInPeriod(nis, null)).toBe(false);
  });

  it('finds a code of a routable province that was never a municipality unknown in every period', () => {
    expect(routeMunicipality('21020')).toEqual({ kind: 'recipient', recipient: 'ACTIRIS' });
    for (const period of ['2015-01', '2019-01', '2025-01', '2025-11']) {
      expect([outcome('21020', period), outcome('11099', period), outcome('63999', period)]).toEqual([
        'UNKNOWN_MUNICIPALITY',
        'UNKNOWN_MUNICIPALITY',
        'UNKNOWN_MUNICIPALITY',
      ]);
    }
  });

  it('keeps the nine German-speaking municipalities unroutable, never unknown, in every month from 2015 to 2030', () => {
    for (const period of months('2015-01', '2030-12')) {
      for (const nis of GERMAN_SPEAKING_MUNICIPALITIES.keys()) {
        if (outcome(nis, period) !== 'NO_AUTHORISED_RECIPIENT') expect.fail(`${nis} in ${period}: ${outcome(nis, period)}`);
      }
    }
  });

  it('counts 589 municipalities in December 2018, 581 from January 2019, 565 from January 2025', () => {
    const count = (period: string) => MUNICIPALITIES.codesIn(monthNumberOf(period)).length;
    expect(['2015-01', '2018-12', '2019-01', '2024-12', '2025-01', '2026-01'].map(count)).toEqual([589, 589, 581, 581, 565, 565]);
  });

  it('answers for a month what the table says for its days: known when valid on at least one day of it', () => {
    const lastDay = (period: string) => {
      const [year, month] = period.split('-').map(Number) as [number, number];
      return `${period}-${String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, '0')}`;
    };
    for (const period of months('2014-12', '2026-01')) {
      const expected = MUNICIPALITY_SPANS.filter(
        (s) => s.validFrom <= lastDay(period) && (s.validTo === null || s.validTo >= `${period}-01`),
      )
        .map((s) => s.nis)
        .sort();
      expect(MUNICIPALITIES.codesIn(monthNumberOf(period))).toEqual(expected);
    }
  });
});

describe("the calendar's months (a code valid on at least one day of a month is known in it)", () => {
  const calendar = new MunicipalityCalendar(
    parseMunicipalityTable(
      [
        'nis;name_nl;name_fr;valid_from;valid_to',
        '82003;Bastenaken;Bastogne;1970-01-01;2024-12-01',
        '82039;Bastenaken;Bastogne;2024-12-02;',
        '90001;Twee keer;Deux fois;2016-03-31;2017-01-01',
        '90001;Twee keer;Deux fois;2020-07-15;2020-07-15',
        '',
      ].join('\n'),
    ),
  );
  const knownIn = (nis: string, period: string) => calendar.isMunicipalityIn(nis, monthNumberOf(period));

  it('knows the old and the new code in a month where the change falls in the middle', () => {
    expect(['2024-11', '2024-12', '2025-01'].map((period) => [knownIn('82003', period), knownIn('82039', period)])).toEqual([
      [true, false],
      [true, true],
      [false, true],
    ]);
  });

  it('reads every span of a code', () => {
    const periods = ['2016-02', '2016-03', '2017-01', '2017-02', '2020-06', '2020-07', '2020-08'];
    expect(periods.map((period) => knownIn('90001', period))).toEqual([false, true, true, false, false, true, false]);
  });
});

describe('the project table of municipalities (REFNIS)', () => {
  it('passes the checks of the REFNIS extract it was taken from', () => {
    expect(checkMunicipalityTable(MUNICIPALITY_SPANS)).toEqual({ problems: [], notes: [] });
    expect(MUNICIPALITY_SPANS).toHaveLength(620);
    expect(new Set(MUNICIPALITY_SPANS.map((s) => s.nis)).size).toBe(620);
    expect(
      ['2015-01-01', '2018-12-31', '2019-01-01', '2024-12-31', '2025-01-01', '2026-01-01'].map((d) => countValidOn(MUNICIPALITY_SPANS, d)),
    ).toEqual([589, 589, 581, 581, 565, 565]);
  });

  it('ends 26 codes on 2018-12-31 and starts 18 on 2019-01-01; ends 29 on 2024-12-31 and starts 13 on 2025-01-01', () => {
    const ending = (date: string) => MUNICIPALITY_SPANS.filter((s) => s.validTo === date).length;
    const starting = (date: string) => MUNICIPALITY_SPANS.filter((s) => s.validFrom === date).length;
    expect([ending('2018-12-31'), starting('2019-01-01'), ending('2024-12-31'), starting('2025-01-01')]).toEqual([26, 18, 29, 13]);
    expect(MUNICIPALITY_SPANS.filter((s) => s.validTo !== null && s.validTo !== '2018-12-31' && s.validTo !== '2024-12-31')).toEqual([]);
  });

  it('agrees with routing: every code valid in any period has a recipient, or is one of the German-speaking municipalities', () => {
    for (const { nis, nameNl } of MUNICIPALITY_SPANS) {
      const route = routeMunicipality(nis);
      const expected = GERMAN_SPEAKING_MUNICIPALITIES.has(nis) ? 'no-authorised-recipient' : 'recipient';
      if (route.kind !== expected) expect.fail(`${nis} ${nameNl}: ${route.kind}`);
    }
    for (const nis of GERMAN_SPEAKING_MUNICIPALITIES.keys()) {
      const spans = MUNICIPALITY_SPANS.filter((s) => s.nis === nis);
      expect(spans).toMatchObject([{ validTo: null }]);
      expect(spans[0]!.validFrom < '2015-01-01').toBe(true);
    }
  });

  it('refuses a table that is not in its format', () => {
    const header = 'nis;name_nl;name_fr;valid_from;valid_to';
    expect(() => parseMunicipalityTable('nis;name_fr;name_nl;valid_from;valid_to\n')).toThrow(/header/);
    expect(() => parseMunicipalityTable(`${header}\n1100;A;A;1970-01-01;\n`)).toThrow(/line 2: the NIS code/);
    expect(() => parseMunicipalityTable(`${header}\n11001;A;A;1970-01-01\n`)).toThrow(/line 2: not 5 cells/);
    expect(() => parseMunicipalityTable(`${header}\n11001;A;A;01/01/1970;\n`)).toThrow(/line 2: valid_from/);
    expect(() => parseMunicipalityTable(`${header}\n11001;A;A;1970-01-01;2018-02-30x\n`)).toThrow(/line 2: valid_to/);
    expect(() => parseMunicipalityTable(`${header}\n11001;A;A;2019-01-01;2018-12-31\n`)).toThrow(/line 2: valid_to is before/);
    expect(() => parseMunicipalityTable(`${header}\n11001;;A;1970-01-01;\n`)).toThrow(/line 2: a name is empty/);
  });
});
