import fc from 'fast-check';
import { ALL_FIELDS, type RecordField } from '../../shared/domain/recipients';
import { csvText, type HandRow, validRow as handRow } from './batch-files';

/**
 * A valid payment line of November 2025 (Antwerp, VDAB, ART60_7, reference `REF-1`, 1234.50 euros):
 * the hand-made row of the integration tests, with the values the unit tests name.
 */
export function validRow(overrides: Partial<Record<RecordField | string, string>> = {}): HandRow {
  return handRow('2025-11', 'REF-1', { fileNumber: 'D-2025-001', amount: '1234.50', ...overrides });
}

export const CSV_COLUMNS: readonly string[] = ALL_FIELDS;

/** A CSV file of rows, with the standard header (or the given columns). */
export function csvFile(
  rows: readonly HandRow[],
  options: { columns?: readonly string[]; eol?: '\n' | '\r\n'; bom?: boolean } = {},
): string {
  return csvText(options.columns ?? CSV_COLUMNS, rows, options);
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

export { utf8 as bytesOf } from './batch-files';

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
        amount: fc.oneof(
          fc.constantFrom('10.00', '-5.5', '12,50', ''),
          fc.integer({ min: -99999, max: 99999 }).map((c) => (c / 100).toFixed(2)),
        ),
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
