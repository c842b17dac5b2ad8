/**
 * One example of every message, and of every recipient's record, as the published JSON Schemas
 * (`examples`) and the AsyncAPI document show them. Plain data with no import, so that every
 * schema file can use it; a contract test checks each example against its own schema (the
 * published file and the zod schema) and the hub's ids against the ones it derives (ids.ts).
 * Numbers are made up but valid: KBO and INSZ check digits hold, NIS codes are real municipalities.
 */

/** The batch of the examples: the SHA-256 (hex) of a file's bytes. */
const BATCH_ID = '50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c';
const CORRECTION_ID = 'cor-07c3ad94a17d345ad9ab3ab5fa338f13';

const IDENTITY = {
  period: '2025-10',
  regulation: 'ART60_7',
  beneficiaryRole: 'PRIMARY',
  performanceStart: '2025-10-01',
  performanceEnd: '2025-10-31',
} as const;

const PAYMENT = {
  accountingStart: '2025-10-01',
  accountingEnd: '2025-10-31',
  paymentType: 'MONTHLY',
  decidingOrganisation: 'OCMW',
  budgetArticle: '44.11.01',
  assistanceType: 'RI',
  paymentRecipient: 'EMPLOYER',
  employmentType: 'ART60',
  workSchedule: 'FULL_TIME',
  activationType: 'WORK_EXPERIENCE',
} as const;

/** One delivered record per recipient (monthly-batch §6). */
export const RECORD_EXAMPLES = {
  VDAB: {
    ...IDENTITY,
    ocmwKbo: '0212351212',
    ocmwNis: '11002',
    ocmwName: 'OCMW Antwerpen',
    fileNumber: 'D/2025/118',
    insz: '85073003328',
    ...PAYMENT,
    reference: 'PPS-2025-10-000042',
    amount: '1234.50',
    employmentPlace: 'Stad Antwerpen, groendienst',
    socialEconomyInitiativeNumber: 'SE-0042',
    socialEconomyInitiativeName: 'Kringwinkel Antwerpen',
  },
  ACTIRIS: {
    ...IDENTITY,
    ocmwKbo: '0207373429',
    ocmwNis: '21004',
    ocmwName: 'CPAS de Bruxelles',
    fileNumber: 'B-2025-0777',
    insz: '90022512361',
    ...PAYMENT,
    reference: 'PPS-2025-10-000043',
    amount: '-12.00',
    employmentPlace: 'Ville de Bruxelles, espaces verts',
  },
  FOREM: {
    ...IDENTITY,
    ocmwKbo: '0207500024',
    ocmwNis: '62063',
    ocmwName: 'CPAS de Liège',
    fileNumber: 'L/2025/0031',
    insz: '78120112317',
  },
} as const;

function batchRecordsExample(recipient: keyof typeof RECORD_EXAMPLES) {
  return {
    type: 'batch.records',
    schemaVersion: 1,
    messageId: `${BATCH_ID}:${recipient}:records:1`,
    sentAt: '2025-11-03T06:00:12.345Z',
    batchId: BATCH_ID,
    period: '2025-10',
    recipient,
    seq: 1,
    records: [RECORD_EXAMPLES[recipient]],
  };
}

function batchCompletedExample(recipient: keyof typeof RECORD_EXAMPLES, sums: { amountCents: string; amount: string } | undefined) {
  return {
    type: 'batch.completed',
    schemaVersion: 1,
    messageId: `${BATCH_ID}:${recipient}:completed`,
    sentAt: '2025-11-03T06:00:12.901Z',
    batchId: BATCH_ID,
    period: '2025-10',
    recipient,
    messages: 1,
    records: 1,
    ...sums,
  };
}

/**
 * What the PPS hears of the examples' file (the records above, one row rejected and one withheld):
 * its `messageId` is the batch and a digest of the key (outcome.ts).
 */
const BATCH_OUTCOME = {
  type: 'batch.outcome',
  schemaVersion: 1,
  messageId: `${BATCH_ID}:outcome:a48a3d0bcc8d11550f08600c85769782`,
  sentAt: '2025-11-03T06:00:13.020Z',
  batchId: BATCH_ID,
  period: '2025-10',
  source: 'monthly/2025-10/art60-2025-10.csv',
  sha256: BATCH_ID,
  refused: null,
  refusedDetail: null,
  rows: 5,
  delivered: 3,
  withheld: 1,
  unroutable: 0,
  rejected: 1,
  perRecipient: {
    VDAB: { records: 1, withheld: 0, amountCents: '123450' },
    ACTIRIS: { records: 1, withheld: 1, amountCents: '-1200' },
    FOREM: { records: 1, withheld: 0 },
  },
  reportKey: `2025-10/${BATCH_ID}.json`,
  duplicateOf: null,
} as const;

/** The fields of return-flows §3 in the examples: one correction of the VDAB record above. */
const CORRECTION = {
  ocmwKbo: '0212351212',
  regulation: 'ART60_7',
  fileNumber: 'D/2025/118',
  insz: '85073003328',
  kind: 'RECOVERY',
  effectiveDate: '2025-10-15',
  performanceStart: '2025-10-01',
  performanceEnd: '2025-10-31',
  reference: 'PPS-2025-10-000042',
  amount: '150.00',
  budgetArticle: '44.11.01',
} as const;

const VALIDATION_DECISION = {
  decisionId: 'VAL-2025-000123',
  reference: 'PPS-2025-10-000042',
  fileNumber: 'D/2025/118',
  decision: 'REFUSED',
  reasonCode: 'NO_ACTIVATION_REGISTERED',
  decidedAt: '2025-11-03T10:12:00+01:00',
} as const;

/** One example per schema name of the message registry (registry.ts). */
export const MESSAGE_EXAMPLES = {
  'batch.records.VDAB': batchRecordsExample('VDAB'),
  'batch.records.ACTIRIS': batchRecordsExample('ACTIRIS'),
  'batch.records.FOREM': batchRecordsExample('FOREM'),
  'batch.completed.VDAB': batchCompletedExample('VDAB', { amountCents: '123450', amount: '1234.50' }),
  'batch.completed.ACTIRIS': batchCompletedExample('ACTIRIS', { amountCents: '-1200', amount: '-12.00' }),
  'batch.completed.FOREM': batchCompletedExample('FOREM', undefined),
  'batch.outcome': BATCH_OUTCOME,
  'validation.decision.inbound': {
    type: 'validation.decision',
    schemaVersion: 1,
    messageId: 'vdab-7f3a',
    sentAt: '2025-11-03T09:15:00Z',
    ...VALIDATION_DECISION,
  },
  'validation.decision.pps': {
    type: 'validation.decision',
    schemaVersion: 1,
    messageId: 'vd-623272f5677ce7204162dbf8632c6cd8',
    sentAt: '2025-11-03T09:15:01.204Z',
    ...VALIDATION_DECISION,
    recipient: 'VDAB',
  },
  'correction.request.inbound': {
    type: 'correction.request',
    schemaVersion: 1,
    messageId: 'vdab-8c21',
    sentAt: '2025-11-03T09:20:00Z',
    requestId: 'REQ-2025-0042',
    requesterKbo: '0887010362',
    ...CORRECTION,
  },
  'correction.request.pps': {
    type: 'correction.request',
    schemaVersion: 1,
    messageId: 'cr-68ee60fe6838980afe0f17584a89f2af',
    sentAt: '2025-11-03T09:20:02.114Z',
    correctionId: CORRECTION_ID,
    recipient: 'VDAB',
    requesterKbo: '0887010362',
    ...CORRECTION,
  },
  'correction.decision': {
    type: 'correction.decision',
    schemaVersion: 1,
    messageId: 'pps-5512',
    sentAt: '2025-11-10T14:00:00Z',
    correctionId: CORRECTION_ID,
    decision: 'APPROVED',
    decidedAt: '2025-11-10T13:58:00+01:00',
  },
  'correction.outcome': {
    type: 'correction.outcome',
    schemaVersion: 1,
    messageId: 'co-dae799e72a0547ed23882929fac34c64',
    sentAt: '2025-11-10T13:00:01.020Z',
    requestId: 'REQ-2025-0042',
    decision: 'APPROVED',
  },
  'correction.approved': {
    type: 'correction.approved',
    schemaVersion: 1,
    messageId: 'ca-166c2627ea539975c084c4eac1c7bfd9',
    sentAt: '2025-11-10T13:00:01.032Z',
    correctionId: CORRECTION_ID,
    ...CORRECTION,
  },
  'message.refused': {
    type: 'message.refused',
    schemaVersion: 1,
    messageId: 'mr-4338853bad20c7f2c67fe46bab0bf791',
    sentAt: '2025-11-03T09:20:02.301Z',
    refusedMessageId: 'vdab-8c21',
    code: 'LINE_MISMATCH',
  },
} as const;
