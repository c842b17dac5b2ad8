import fc from 'fast-check';
import { ALL_FIELDS, type RecordField } from '../../shared/domain/recipients';

/** A valid payment line of the given municipality and regulation, as the PPS writes it. */
export function validRow(overrides: Partial<Record<RecordField | string, string>> = {}): Record<string, string> {
  return {
    period: '2025-11',
    ocmwKbo: '0403019261',
    ocmwNis: '11002',
    ocmwName: 'OCMW Antwerpen',
    regulation: 'ART60_7',
    fileNumber: 'D-2025-001',
    insz: '85073003328',
    beneficiaryRole: 'PRIMARY',
    performanceStart: '2025-11-01',
    performanceEnd: '2025-11-30',
    accountingStart: '2025-11-01',
    accountingEnd: '2025-11-30',
    reference: 'REF-1',
    amount: '1234.50',
    paymentType: 'MONTHLY',
    decidingOrganisation: 'PPS-SI',
    budgetArticle: '44.55.12',
    assistanceType: 'RI',
    paymentRecipient: 'OCMW',
    employmentType: 'ART60_OWN',
    employmentPlace: 'Stad Antwerpen, groendienst',
    workSchedule: 'FULL_TIME',
    activationType: 'WORK_EXPERIENCE',
    ...overrides,
  } as Record<string, string>;
}

/** A CSV line of `values` in the order of `columns`, quoting where needed. */
export function csvLine(columns: readonly string[], values: Record<string, string | undefined>): string {
  return columns
    .map((column) => {
      const value = values[column] ?? '';
      return /[";\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
    })
    .join(';');
}

export const CSV_COLUMNS: readonly string[] = ALL_FIELDS;

/** A CSV file of rows, with the standard header. */
export function csvFile(rows: ReadonlyArray<Record<string, string | undefined>>, options: { columns?: readonly string[]; eol?: string; bom?: boolean } = {}): string {
  const columns = options.columns ?? CSV_COLUMNS;
  const eol = options.eol ?? '\n';
  return `${options.bom ? '\uFEFF' : ''}${[columns.join(';'), ...rows.map((row) => csvLine(columns, row))].join(eol)}${eol}`;
}

/** Bytes split into chunks at the given cut points (to test every chunk boundary). */
export async function* chunked(bytes: Uint8Array, cuts: readonly number[] = []): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= start || cut >= bytes.length) continue;
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Rows built from pools of valid and invalid values, with unknown keys mixed in. */
export const arbitraryRow: fc.Arbitrary<Record<string, unknown> | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 12,
    arbitrary: fc
      .record({
        nis: fc.constantFrom('11002', '21004', '62063', '63023', '99999', '25072', '71016', '21001'),
        regulation: fc.constantFrom('ART60_7', 'ART57QUATER', 'ART61', 'ART99'),
        insz: fc.constantFrom('85073003328', '17073003384', '98472899765', '12345678901'),
        amount: fc.oneof(fc.constantFrom('10.00', '-5.5', '12,50', ''), fc.integer({ min: -99999, max: 99999 }).map((c) => (c / 100).toFixed(2))),
        reference: fc.string({ minLength: 0, maxLength: 6 }),
        extra: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
        optional: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: undefined }),
      })
      .map(({ nis, regulation, insz, amount, reference, extra, optional }) => ({
        ...extra,
        ...validRow({ ocmwNis: nis, regulation, insz, amount, reference }),
        ...(optional !== undefined ? { socialEconomyInitiativeName: optional } : {}),
      })),
  },
);

