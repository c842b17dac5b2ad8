import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildJsonSchemas, schemaFileText, schemaId } from '../../../scripts/write-schemas';
import { batchCompletedMessage, batchRecordsMessage } from '../../../shared/domain/batch/packing';
import {
  ALL_FIELDS,
  GRANTED_REGULATIONS,
  OPTIONAL_FIELDS,
  RECIPIENT_VIEWS,
  RECIPIENTS,
  type Recipient,
  type RecordField,
} from '../../../shared/domain/recipients';
import { BATCH_MESSAGE_SCHEMAS, RECORD_SCHEMAS } from '../../../shared/messages/batch-schemas';
import { MESSAGE_SCHEMAS, schemaNameFor } from '../../../shared/messages/registry';
import { assertValidMessage, LOADED_SCHEMA_NAMES, SCHEMAS_DIR, validatorFor } from '../../support/message-schemas';

const SENT_AT = '2025-12-01T06:00:00Z';

const VDAB_RECORD = {
  period: '2025-11',
  ocmwKbo: '0212345678',
  ocmwNis: '44021',
  ocmwName: 'OCMW Gent',
  regulation: 'ART57QUATER',
  fileNumber: '44021/2024/00012',
  insz: '85073003328',
  beneficiaryRole: 'PRIMARY',
  performanceStart: '2025-11-01',
  performanceEnd: '2025-11-30',
  accountingStart: '2025-11-01',
  accountingEnd: '2025-11-30',
  reference: 'PPS-202511-000000001',
  amount: '1234.50',
  paymentType: 'MONTHLY',
  decidingOrganisation: 'POD-MI',
  budgetArticle: '44.55.12.3300',
  assistanceType: 'RI',
  paymentRecipient: 'OCMW',
  employmentType: 'ART60_OWN_SERVICE',
  employmentPlace: 'Atelier "De Brug"; textiel',
  workSchedule: 'FULLTIME_38H',
  activationType: 'WORK_EXPERIENCE',
  socialEconomyInitiativeNumber: 'SE-000412',
  socialEconomyInitiativeName: 'De Kringwinkel',
};

const FOREM_RECORD = {
  period: '2025-11',
  ocmwKbo: '0262063123',
  ocmwNis: '62063',
  ocmwName: 'CPAS de Liège',
  regulation: 'ART60_7',
  fileNumber: 'L-2025-77',
  insz: '03041512057',
  beneficiaryRole: 'SECONDARY',
  performanceStart: '2025-11-03',
  performanceEnd: '2025-11-28',
};

function recordsMessage(recipient: Recipient, records: object[], extra: object = {}) {
  return {
    type: 'batch.records',
    schemaVersion: 1,
    messageId: `b-1:${recipient}:records:1`,
    sentAt: SENT_AT,
    batchId: 'b-1',
    period: '2025-11',
    recipient,
    seq: 1,
    records,
    ...extra,
  };
}

function completedMessage(recipient: Recipient, extra: object = {}) {
  return {
    type: 'batch.completed',
    schemaVersion: 1,
    messageId: `b-1:${recipient}:completed`,
    sentAt: SENT_AT,
    batchId: 'b-1',
    period: '2025-11',
    recipient,
    messages: 3,
    records: 250,
    ...extra,
  };
}

/** Checks a message against both the zod registry and the published JSON Schema; they must agree. */
function verdicts(message: object): { zod: boolean; json: boolean } {
  const name = schemaNameFor(message);
  expect(name).toBeDefined();
  const zod = MESSAGE_SCHEMAS[name!].safeParse(message).success;
  const json = validatorFor(name!)(message);
  return { zod, json };
}

function expectValid(message: object): void {
  expect(verdicts(message)).toEqual({ zod: true, json: true });
  expect(() => assertValidMessage(JSON.stringify(message))).not.toThrow();
}
function expectInvalid(message: object): void {
  expect(verdicts(message)).toEqual({ zod: false, json: false });
}

describe('published schema files', () => {
  it('are up to date with the registry (npm run schemas)', () => {
    const documents = buildJsonSchemas();
    const files = readdirSync(SCHEMAS_DIR)
      .filter((f) => f.endsWith('.schema.json'))
      .sort();
    expect(files).toEqual(
      Object.keys(documents)
        .map((n) => `${n}.schema.json`)
        .sort(),
    );
    for (const [name, document] of Object.entries(documents)) {
      expect(readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8'), name).toBe(schemaFileText(document));
    }
  });

  it('have an id, a title, draft 2020-12 and one file per registry entry', () => {
    expect([...LOADED_SCHEMA_NAMES].sort()).toEqual(Object.keys(MESSAGE_SCHEMAS).sort());
    for (const name of Object.keys(BATCH_MESSAGE_SCHEMAS)) {
      const document = JSON.parse(readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
      expect(document.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(document.$id).toBe(schemaId(name));
      expect(document.title).toContain(name);
      expect(document.additionalProperties).toBe(false);
    }
  });

  it("register the batch messages per recipient, and the PPS's batch.outcome", () => {
    expect(Object.keys(BATCH_MESSAGE_SCHEMAS).sort()).toEqual(
      [...RECIPIENTS.flatMap((r) => [`batch.records.${r}`, `batch.completed.${r}`]), 'batch.outcome'].sort(),
    );
  });
});

describe('batch message schemas: valid messages', () => {
  it('accept records of VDAB and ACTIRIS, with and without the optional fields', () => {
    const { socialEconomyInitiativeName: _n, socialEconomyInitiativeNumber: _s, ...withoutOptional } = VDAB_RECORD;
    expectValid(recordsMessage('VDAB', [VDAB_RECORD, withoutOptional, { ...VDAB_RECORD, amount: '-12.00', reference: 'R2' }]));
    expectValid(recordsMessage('ACTIRIS', [{ ...withoutOptional, regulation: 'ART60_7', ocmwNis: '21004' }], { seq: 17 }));
  });

  it('accept records of FOREM', () => {
    expectValid(recordsMessage('FOREM', [FOREM_RECORD]));
  });

  it('accept batch.completed with sums for VDAB and ACTIRIS and without for FOREM', () => {
    expectValid(completedMessage('VDAB', { amountCents: '-1205', amount: '-12.05' }));
    expectValid(completedMessage('ACTIRIS', { messages: 0, records: 0, amountCents: '0', amount: '0.00' }));
    expectValid(completedMessage('FOREM', { sentAt: '2025-12-01T07:00:00.123+01:00' }));
  });

  it('accept the messages the batch domain builds', () => {
    const batch = { batchId: 'f3a9c1', period: '2025-11' };
    const sentAt = new Date(SENT_AT);
    const records = batchRecordsMessage(batch, 'VDAB', 1, JSON.stringify([VDAB_RECORD]), sentAt);
    expect(() => assertValidMessage(records.body)).not.toThrow();
    for (const recipient of RECIPIENTS) {
      const completed = batchCompletedMessage(batch, recipient, { messages: 2, records: 11, amountCents: -120_550n }, sentAt);
      expect(() => assertValidMessage(completed.body)).not.toThrow();
    }
  });
});

describe('batch message schemas: invalid messages', () => {
  it('refuse a FOREM record with an amount', () => {
    expectInvalid(recordsMessage('FOREM', [{ ...FOREM_RECORD, amount: '12.50' }]));
  });

  it('refuse a FOREM record with any payment field', () => {
    for (const field of ['reference', 'accountingStart', 'paymentType', 'socialEconomyInitiativeName'] as const) {
      expectInvalid(recordsMessage('FOREM', [{ ...FOREM_RECORD, [field]: VDAB_RECORD[field] }]));
    }
  });

  it('refuse a VDAB record with an unknown key', () => {
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, internalNote: 'checked' }]));
  });

  it('refuse a FOREM batch.completed with amountCents or amount', () => {
    expectInvalid(completedMessage('FOREM', { amountCents: '100' }));
    expectInvalid(completedMessage('FOREM', { amount: '1.00' }));
  });

  it('refuse a VDAB batch.completed without its sums', () => {
    expectInvalid(completedMessage('VDAB'));
    expectInvalid(completedMessage('VDAB', { amountCents: '12.05', amount: '12.05' }));
  });

  it('refuse a missing messageId and other broken envelopes', () => {
    const { messageId: _m, ...withoutId } = recordsMessage('VDAB', [VDAB_RECORD]);
    expectInvalid(withoutId);
    expectInvalid(recordsMessage('VDAB', [VDAB_RECORD], { schemaVersion: 2 }));
    expectInvalid(recordsMessage('VDAB', [VDAB_RECORD], { sentAt: '2025-12-01T06:00:00' }));
    expectInvalid(recordsMessage('VDAB', [VDAB_RECORD], { seq: 0 }));
    expectInvalid(recordsMessage('VDAB', [VDAB_RECORD], { seq: 1.5 }));
    expectInvalid(recordsMessage('VDAB', []));
    expectInvalid(completedMessage('FOREM', { messages: -1 }));
  });

  it('refuse regulations not granted and malformed values', () => {
    expectInvalid(recordsMessage('ACTIRIS', [{ ...VDAB_RECORD, regulation: 'ART61' }]));
    expectInvalid(recordsMessage('FOREM', [{ ...FOREM_RECORD, regulation: 'ART57QUATER' }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, amount: '12.5' }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, amount: '12,50' }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, insz: '85.07.30-033.28' }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, ocmwKbo: '403019261' }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, performanceEnd: '2025-11-31' }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, period: '2025-13' }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, beneficiaryRole: 'primary' }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, ocmwName: ' OCMW Gent' }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, fileNumber: 'a\u0007b' }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, paymentType: 'x'.repeat(41) }]));
    expectInvalid(recordsMessage('VDAB', [{ ...VDAB_RECORD, amount: 1234.5 }]));
  });
});

/** A value that satisfies each field's rule, astral characters included (lengths count code points). */
const textArb = (max: number) =>
  fc
    .array(fc.constantFrom(...Array.from('abcXYZ019 éß;"\'/-.𝄞')), { minLength: 1, maxLength: max })
    .map((chars) => chars.join('').trim())
    .filter((s) => s.length > 0);
const cents = (n: number) => `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 100)}.${String(Math.abs(n) % 100).padStart(2, '0')}`;
const dateArb = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

function fieldArbs(recipient: Recipient): Record<RecordField, fc.Arbitrary<string>> {
  return {
    period: fc
      .tuple(fc.integer({ min: 1900, max: 2999 }), fc.integer({ min: 1, max: 12 }))
      .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
    ocmwKbo: fc.stringMatching(/^[01]\d{9}$/),
    ocmwNis: fc.stringMatching(/^\d{5}$/),
    ocmwName: textArb(120),
    regulation: fc.constantFrom(...GRANTED_REGULATIONS[recipient]),
    fileNumber: textArb(50),
    insz: fc.stringMatching(/^\d{11}$/),
    beneficiaryRole: fc.constantFrom('PRIMARY', 'SECONDARY'),
    performanceStart: dateArb,
    performanceEnd: dateArb,
    accountingStart: dateArb,
    accountingEnd: dateArb,
    reference: textArb(64),
    amount: fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }).map(cents),
    paymentType: textArb(40),
    decidingOrganisation: textArb(40),
    budgetArticle: textArb(40),
    assistanceType: textArb(40),
    paymentRecipient: textArb(40),
    employmentType: textArb(40),
    employmentPlace: textArb(120),
    workSchedule: textArb(40),
    activationType: textArb(40),
    socialEconomyInitiativeNumber: textArb(40),
    socialEconomyInitiativeName: textArb(120),
  };
}

/** A record of exactly the recipient's view: every required key, any subset of the optional ones. */
function recordArb(recipient: Recipient): fc.Arbitrary<Partial<Record<string, string>>> {
  const arbs = fieldArbs(recipient);
  const view = RECIPIENT_VIEWS[recipient];
  return fc.record(Object.fromEntries(view.map((f) => [f, arbs[f]])), {
    requiredKeys: view.filter((f) => !OPTIONAL_FIELDS.includes(f)),
  });
}

describe('record schemas follow RECIPIENT_VIEWS (property)', () => {
  for (const recipient of RECIPIENTS) {
    const view = RECIPIENT_VIEWS[recipient];
    const outside = fc.oneof(
      fc.constantFrom(...ALL_FIELDS.filter((f) => !view.includes(f)), 'internalNote', 'name'),
      fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !(view as readonly string[]).includes(k) && k !== '__proto__'),
    );

    it(`${recipient}: a record of keys of its view passes; a key outside it fails`, () => {
      fc.assert(
        fc.property(recordArb(recipient), outside, fc.string({ maxLength: 10 }), (record, key, value) => {
          expect(RECORD_SCHEMAS[recipient].safeParse(record).success).toBe(true);
          expect(verdicts(recordsMessage(recipient, [record]))).toEqual({ zod: true, json: true });

          const widened = { ...record, [key]: value };
          expect(RECORD_SCHEMAS[recipient].safeParse(widened).success).toBe(false);
          expect(verdicts(recordsMessage(recipient, [widened]))).toEqual({ zod: false, json: false });
        }),
        { numRuns: 150 },
      );
    });

    it(`${recipient}: a record missing a required key fails`, () => {
      const required = view.filter((f) => !OPTIONAL_FIELDS.includes(f));
      fc.assert(
        fc.property(recordArb(recipient), fc.constantFrom(...required), (record, key) => {
          const { [key]: _dropped, ...rest } = record;
          expect(verdicts(recordsMessage(recipient, [rest]))).toEqual({ zod: false, json: false });
        }),
        { numRuns: 50 },
      );
    });
  }
});
