import type { RecordField } from '../../shared/domain/recipients';
import { inszCheckDigits, makeInsz, pad } from './identity-numbers';
import { drawOcmw, type Ocmw } from './ocmw-pool';

/**
 * The rows of a generated batch: realistic people, OCMWs, amounts and employments, and a share of
 * rows broken in the ways the contract refuses. One seeded PRNG: the same seed, the same rows.
 */

/** The ways an invalid generated row is broken. */
export const INVALID_KINDS = [
  'BAD_INSZ_CHECK',
  'BAD_KBO',
  'UNKNOWN_NIS',
  'INVALID_REGULATION',
  'DECIMAL_COMMA_AMOUNT',
  'END_BEFORE_START',
  'MISSING_FILE_NUMBER',
] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

/** mulberry32: a small, fast, seedable PRNG; uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAYMENT_TYPES = ['MONTHLY', 'MONTHLY', 'MONTHLY', 'REGULARISATION', 'END_OF_YEAR_PREMIUM'];
const DECIDING_ORGANISATIONS = ['POD-MI', 'SPP-IS'];
const BUDGET_ARTICLES = ['44.55.12.3300', '44.55.12.3301', '44.55.14.4352'];
const ASSISTANCE_TYPES = ['RI', 'RI', 'RI', 'ESH'];
const PAYMENT_RECIPIENTS = ['OCMW', 'OCMW', 'EMPLOYER'];
const EMPLOYMENT_TYPES = ['ART60_OWN_SERVICE', 'ART60_OWN_SERVICE', 'ART60_THIRD_PARTY'];
const EMPLOYMENT_PLACES = [
  'Stad, groendienst',
  'Woonzorgcentrum De Linde',
  'Kringwinkel; afdeling textiel',
  'Atelier "De Brug"',
  'Maison de repos Les Tilleuls',
  'Administration communale, service propreté',
  'Restaurant social Le Goéland',
  'Schoolrestaurant',
];
const WORK_SCHEDULES = ['FULLTIME_38H', 'FULLTIME_38H', 'PARTTIME_30H', 'PARTTIME_19H'];
const ACTIVATION_TYPES = ['WORK_EXPERIENCE', 'WORK_EXPERIENCE', 'TRAINING_GUIDANCE', 'JOB_COACHING'];
const SOCIAL_ECONOMY = [
  ['SE-000412', 'De Kringwinkel'],
  ['SE-001187', 'Atelier protégé La Ferme'],
  ['SE-000930', 'Sociale werkplaats Groep Intro'],
  ['SE-002215', 'Entreprise de formation par le travail Le Trusquin'],
] as const;

/** A generated row: every column of the contract, and the column the PPS might add for itself. */
export type GeneratedRow = Record<RecordField, string | null> & { internalNote?: string };

interface Person {
  readonly ocmw: Ocmw;
  readonly insz: string;
  readonly fileNumber: string;
  readonly regulation: string;
  readonly beneficiaryRole: string;
}

function parsePeriod(period: string): { year: number; month: number; days: number } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!match) throw new RangeError(`period must be YYYY-MM, got ${period}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  return { year, month, days: new Date(Date.UTC(year, month, 0)).getUTCDate() };
}

/** The row generator: one PRNG, consumed identically whatever the output format. */
export class RowFactory {
  private readonly random: () => number;
  private readonly period: { year: number; month: number; days: number };
  private previous: Person | undefined;

  constructor(
    seed: number,
    private readonly periodText: string,
    private readonly invalidShare: number,
    private readonly extraColumns: boolean,
    private readonly referencePrefix: string = `PPS-${periodText.replace('-', '')}`,
  ) {
    this.random = mulberry32(seed);
    this.period = parsePeriod(periodText);
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
  private chance(p: number): boolean {
    return this.random() < p;
  }
  private date(day: number): string {
    return `${this.periodText}-${pad(day, 2)}`;
  }

  private person(): Person {
    // A person may have several payment lines in a month (a regularisation next to the monthly payment).
    if (this.previous !== undefined && this.chance(0.15)) return this.previous;
    const ocmw = drawOcmw(this.random, this.periodText);
    const born = this.int(1961, 2007);
    const bis = this.chance(0.03) ? this.pick([20, 40] as const) : 0;
    const mm = bis !== 0 && this.chance(0.3) ? 0 : this.int(1, 12);
    const dd = mm === 0 ? 0 : this.int(1, 28);
    const insz = makeInsz({ yy: born % 100, mm, dd }, this.int(1, 998), { century: born >= 2000 ? 2000 : 1900, bis });
    const r = this.random();
    const regulation = r < 0.85 ? 'ART60_7' : r < 0.95 ? 'ART57QUATER' : 'ART61';
    const person: Person = {
      ocmw,
      insz,
      fileNumber: `${ocmw.nis}/${this.int(2019, this.period.year)}/${pad(this.int(1, 99999), 5)}`,
      regulation,
      beneficiaryRole: this.chance(0.9) ? 'PRIMARY' : 'SECONDARY',
    };
    this.previous = person;
    return person;
  }

  /** The row at `index` (0-based). */
  row(index: number): GeneratedRow {
    const person = this.person();
    const { days } = this.period;
    const fullMonth = this.chance(0.8);
    const start = fullMonth ? 1 : this.int(1, days);
    const end = fullMonth ? days : this.int(start, days);
    const baseCents =
      person.regulation === 'ART61'
        ? this.int(15_000, 40_000)
        : person.regulation === 'ART57QUATER'
          ? this.int(60_000, 140_000)
          : this.int(120_000, 260_000);
    const cents = this.chance(0.01) ? -this.int(1_000, baseCents) : baseCents;
    const socialEconomy = this.chance(0.12) ? this.pick(SOCIAL_ECONOMY) : undefined;

    const row: GeneratedRow = {
      period: this.periodText,
      ocmwKbo: person.ocmw.kbo,
      ocmwNis: person.ocmw.nis,
      ocmwName: person.ocmw.name,
      regulation: person.regulation,
      fileNumber: person.fileNumber,
      insz: person.insz,
      beneficiaryRole: person.beneficiaryRole,
      performanceStart: this.date(start),
      performanceEnd: this.date(end),
      accountingStart: this.date(1),
      accountingEnd: this.date(days),
      reference: `${this.referencePrefix}-${pad(index + 1, 9)}`,
      amount: formatCents(cents),
      paymentType: this.pick(PAYMENT_TYPES),
      decidingOrganisation: this.pick(DECIDING_ORGANISATIONS),
      budgetArticle: this.pick(BUDGET_ARTICLES),
      assistanceType: this.pick(ASSISTANCE_TYPES),
      paymentRecipient: this.pick(PAYMENT_RECIPIENTS),
      employmentType: socialEconomy ? 'ART60_SOCIAL_ECONOMY' : this.pick(EMPLOYMENT_TYPES),
      employmentPlace: this.pick(EMPLOYMENT_PLACES),
      workSchedule: this.pick(WORK_SCHEDULES),
      activationType: this.pick(ACTIVATION_TYPES),
      socialEconomyInitiativeNumber: socialEconomy?.[0] ?? null,
      socialEconomyInitiativeName: socialEconomy?.[1] ?? null,
    };
    if (this.chance(this.invalidShare)) this.breakRow(row, this.pick(INVALID_KINDS));
    if (this.extraColumns) row.internalNote = `checked batch ${index % 7}`;
    return row;
  }

  private breakRow(row: GeneratedRow, kind: InvalidKind): void {
    switch (kind) {
      case 'BAD_INSZ_CHECK': {
        const insz = row.insz ?? '';
        const body = insz.slice(0, 9);
        const valid = new Set([inszCheckDigits(body, 1900), inszCheckDigits(body, 2000)]);
        let check = (Number(insz.slice(9)) + this.int(1, 50)) % 100;
        while (valid.has(check)) check = (check + 1) % 100;
        row.insz = body + pad(check, 2);
        break;
      }
      case 'BAD_KBO': {
        const kbo = row.ocmwKbo ?? '';
        row.ocmwKbo = kbo.slice(0, 8) + pad((Number(kbo.slice(8)) + this.int(1, 96)) % 100, 2);
        if (row.ocmwKbo === kbo) row.ocmwKbo = `${kbo.slice(0, 8)}00`;
        break;
      }
      case 'UNKNOWN_NIS':
        row.ocmwNis = '99999';
        break;
      case 'INVALID_REGULATION':
        row.regulation = 'ART99';
        break;
      case 'DECIMAL_COMMA_AMOUNT':
        row.amount = (row.amount ?? '12.50').replace('.', ',');
        break;
      case 'END_BEFORE_START': {
        const { days } = this.period;
        const start = this.int(2, days);
        row.performanceStart = this.date(start);
        row.performanceEnd = this.date(this.int(1, start - 1));
        break;
      }
      case 'MISSING_FILE_NUMBER':
        row.fileNumber = null;
        break;
    }
  }
}

function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${pad(abs % 100, 2)}`;
}
