import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ALL_FIELDS, type RecordField } from '../../shared/domain/recipients';

/**
 * Generates realistic monthly batch files (spec monthly-batch §2) for demonstrations, tests and
 * benchmarks: valid INSZ and KBO numbers, OCMWs of the three regions and of the German-speaking
 * Community, all three regulations, and a share of rows that are invalid in varied ways.
 * Deterministic: the same options and seed give the same bytes.
 */

/** The inbound file's columns, in the order of the contract's tables (§2): the domain's own list. */
export const BATCH_COLUMNS: readonly RecordField[] = ALL_FIELDS;
export type BatchColumn = RecordField;

/** A column the PPS might add for itself: the hub must ignore it and never forward it. */
export const EXTRA_COLUMN = 'internalNote';

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

export interface GenerateBatchOptions {
  readonly rows: number;
  readonly format: 'csv' | 'ndjson';
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** `YYYY-MM`, the period on every row (default `2025-11`). */
  readonly period?: string;
  /** Share of rows made invalid, 0–1 (default 0.01). */
  readonly invalidShare?: number;
  /** Adds the unknown column {@link EXTRA_COLUMN}. */
  readonly extraColumns?: boolean;
}

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

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Builds a valid INSZ/NISS `YYMMDDSSSCC` (spec §3). `birth.mm` is the real month (0 when
 * unknown); `opts.bis` adds 20 or 40 for a bis number; `opts.century` 2000 computes the check
 * digits with the `2` prefix of births in or after 2000.
 */
export function makeInsz(
  birth: { readonly yy: number; readonly mm: number; readonly dd: number },
  serial: number,
  opts: { readonly century?: 1900 | 2000; readonly bis?: 0 | 20 | 40 } = {},
): string {
  const { yy, mm, dd } = birth;
  if (!Number.isInteger(yy) || yy < 0 || yy > 99) throw new RangeError('yy must be 0–99');
  if (!Number.isInteger(mm) || mm < 0 || mm > 12) throw new RangeError('mm must be 0–12');
  if (!Number.isInteger(dd) || dd < 0 || dd > 31) throw new RangeError('dd must be 0–31');
  if (!Number.isInteger(serial) || serial < 1 || serial > 998) throw new RangeError('serial must be 1–998');
  const body = `${pad(yy, 2)}${pad(mm + (opts.bis ?? 0), 2)}${pad(dd, 2)}${pad(serial, 3)}`;
  return body + pad(inszCheck(body, opts.century ?? 1900), 2);
}

function inszCheck(body9: string, century: 1900 | 2000): number {
  const n = Number(body9) + (century === 2000 ? 2_000_000_000 : 0);
  return 97 - (n % 97);
}

/** Builds a valid KBO/BCE enterprise number (spec §4) from its first eight digits (first digit 0 or 1). */
export function makeKbo(base8: string): string {
  if (!/^[01]\d{7}$/.test(base8)) throw new RangeError('base8 must be 8 digits, the first 0 or 1');
  return base8 + pad(97 - (Number(base8) % 97), 2);
}

interface Ocmw {
  readonly nis: string;
  readonly name: string;
  readonly kbo: string;
}

/**
 * OCMWs/CPAS of the three regions and of the German-speaking Community, with real NIS codes, and a
 * weight: big cities have more art. 60 §7 employments than small towns.
 */
const OCMW_SEED: ReadonlyArray<readonly [nis: string, name: string, weight: number]> = [
  // Flemish Region → VDAB
  ['11002', 'OCMW Antwerpen', 6],
  ['12025', 'OCMW Mechelen', 3],
  ['13040', 'OCMW Turnhout', 2],
  ['23088', 'OCMW Vilvoorde', 2],
  ['24062', 'OCMW Leuven', 3],
  ['31005', 'OCMW Brugge', 3],
  ['34022', 'OCMW Kortrijk', 2],
  ['35013', 'OCMW Oostende', 2],
  ['41002', 'OCMW Aalst', 2],
  ['44021', 'OCMW Gent', 5],
  ['71016', 'OCMW Genk', 2],
  ['71022', 'OCMW Hasselt', 3],
  // Brussels-Capital Region → ACTIRIS
  ['21004', 'OCMW Brussel / CPAS de Bruxelles', 5],
  ['21001', "OCMW Anderlecht / CPAS d'Anderlecht", 3],
  ['21009', "OCMW Elsene / CPAS d'Ixelles", 2],
  ['21012', 'OCMW Sint-Jans-Molenbeek / CPAS de Molenbeek-Saint-Jean', 3],
  ['21015', 'OCMW Schaarbeek / CPAS de Schaerbeek', 3],
  // Walloon Region → FOREM
  ['25072', 'CPAS de Wavre', 2],
  ['52011', 'CPAS de Charleroi', 5],
  ['53053', 'CPAS de Mons', 3],
  ['57081', 'CPAS de Tournai', 2],
  ['62063', 'CPAS de Liège', 5],
  ['63079', 'CPAS de Verviers', 2],
  ['81001', "CPAS d'Arlon", 2],
  ['82003', 'CPAS de Bastogne', 2],
  ['92094', 'CPAS de Namur', 3],
  // German-speaking Community: no authorised recipient
  ['63023', 'ÖSHZ Eupen', 1],
  ['63067', 'ÖSHZ Sankt Vith', 1],
  ['63040', 'ÖSHZ Kelmis', 1],
];

/** The pool of OCMWs the generator draws from, each with a valid KBO number. */
export const OCMW_POOL: readonly Ocmw[] = OCMW_SEED.map(([nis, name], i) => ({
  nis,
  name,
  // OCMWs' enterprise numbers start 02…; derived from the NIS code so that each is stable and distinct.
  kbo: makeKbo(`02${nis}${i % 10}`),
}));

/** Cumulative weights of {@link OCMW_POOL}, to draw an OCMW by weight. */
const OCMW_CUMULATIVE: readonly number[] = (() => {
  let total = 0;
  return OCMW_SEED.map(([, , weight]) => (total += weight));
})();
const OCMW_TOTAL_WEIGHT = OCMW_CUMULATIVE.at(-1) ?? 0;

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

type Row = Record<BatchColumn, string | null> & { internalNote?: string };

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
class RowFactory {
  private readonly random: () => number;
  private readonly period: { year: number; month: number; days: number };
  private previous: Person | undefined;

  constructor(
    seed: number,
    private readonly periodText: string,
    private readonly invalidShare: number,
    private readonly extraColumns: boolean,
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
  private pickOcmw(): Ocmw {
    const target = this.random() * OCMW_TOTAL_WEIGHT;
    const index = OCMW_CUMULATIVE.findIndex((bound) => target < bound);
    return OCMW_POOL[index === -1 ? OCMW_POOL.length - 1 : index] as Ocmw;
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
    const ocmw = this.pickOcmw();
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
  row(index: number): Row {
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

    const row: Row = {
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
      reference: `PPS-${this.periodText.replace('-', '')}-${pad(index + 1, 9)}`,
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

  private breakRow(row: Row, kind: InvalidKind): void {
    switch (kind) {
      case 'BAD_INSZ_CHECK': {
        const insz = row.insz ?? '';
        const body = insz.slice(0, 9);
        const valid = new Set([inszCheck(body, 1900), inszCheck(body, 2000)]);
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

/** RFC 4180: quote a value that holds the separator, a quote or a line end; double its quotes. */
function csvCell(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const ROWS_PER_CHUNK = 500;

/**
 * Yields a batch file as text chunks: for CSV a header line first, `;` separated, RFC 4180
 * quoting, LF line ends; for NDJSON one object per line with the same keys as the CSV header
 * (an absent optional value is `null`, an amount now and then a JSON number). The same options
 * give the same text.
 */
export async function* generateBatch(options: GenerateBatchOptions): AsyncGenerator<string> {
  const { rows, format } = options;
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError('rows must be an integer ≥ 0');
  const invalidShare = options.invalidShare ?? 0.01;
  if (!(invalidShare >= 0 && invalidShare <= 1)) throw new RangeError('invalidShare must be within 0–1');
  const factory = new RowFactory(options.seed ?? 1, options.period ?? '2025-11', invalidShare, options.extraColumns ?? false);
  const columns: string[] = [...BATCH_COLUMNS, ...(options.extraColumns ? [EXTRA_COLUMN] : [])];

  let chunk = format === 'csv' ? `${columns.join(';')}\n` : '';
  for (let i = 0; i < rows; i += 1) {
    const row = factory.row(i);
    if (format === 'csv') {
      chunk += `${columns.map((c) => csvCell(row[c as BatchColumn])).join(';')}\n`;
    } else {
      const object: Record<string, unknown> = {};
      for (const c of columns) object[c] = row[c as BatchColumn] ?? null;
      // The contract lets `amount` be a JSON number: send some that way (decided by position, not the PRNG,
      // so that CSV and NDJSON of one seed hold the same rows).
      if (i % 17 === 5 && typeof object.amount === 'string' && /^-?\d+\.\d\d$/.test(object.amount)) {
        object.amount = Number(object.amount);
      }
      chunk += `${JSON.stringify(object)}\n`;
    }
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * Writes a generated batch file to `path`, streaming (through gzip when asked), so that a million
 * rows never sit in memory. Returns the data rows written and the file's size in bytes.
 */
export async function writeBatchFile(
  path: string,
  options: GenerateBatchOptions & { readonly gzip?: boolean },
): Promise<{ rows: number; bytes: number }> {
  const encode = new Transform({
    transform(chunk: string, _encoding, callback) {
      callback(null, Buffer.from(chunk, 'utf8'));
    },
    writableObjectMode: true,
  });
  const source = Readable.from(generateBatch(options));
  if (options.gzip) {
    await pipeline(source, encode, createGzip(), createWriteStream(path));
  } else {
    await pipeline(source, encode, createWriteStream(path));
  }
  return { rows: options.rows, bytes: (await stat(path)).size };
}
