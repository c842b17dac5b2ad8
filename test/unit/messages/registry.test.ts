import { describe, expect, it } from 'vitest';
import { BATCH_MESSAGE_SCHEMAS } from '../../../shared/messages/batch-schemas';
import { MAX_MESSAGE_BYTES } from '../../../shared/messages/envelope';
import { MESSAGE_SCHEMAS, schemaNameFor } from '../../../shared/messages/registry';
import { RETURN_FLOW_MESSAGE_SCHEMAS } from '../../../shared/messages/return-flow-schemas';
import { assertValidMessage, validatorFor } from '../../support/message-schemas';
import { correctionMessage } from '../return-flows/fakes';

describe('MESSAGE_SCHEMAS', () => {
  it('merges the batch and return-flow registries without a clash', () => {
    const names = [...Object.keys(BATCH_MESSAGE_SCHEMAS), ...Object.keys(RETURN_FLOW_MESSAGE_SCHEMAS)];
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(MESSAGE_SCHEMAS).sort()).toEqual(names.sort());
  });
});

describe('schemaNameFor', () => {
  it('names batch messages by type and recipient', () => {
    expect(schemaNameFor({ type: 'batch.records', recipient: 'VDAB' })).toBe('batch.records.VDAB');
    expect(schemaNameFor({ type: 'batch.completed', recipient: 'FOREM' })).toBe('batch.completed.FOREM');
    expect(schemaNameFor({ type: 'batch.records', recipient: 'PPS' })).toBeUndefined();
    expect(schemaNameFor({ type: 'batch.records' })).toBeUndefined();
  });

  it('tells the two legs of a return-flow type apart by the recipient the hub adds', () => {
    expect(schemaNameFor({ type: 'validation.decision', decisionId: 'd1' })).toBe('validation.decision.inbound');
    expect(schemaNameFor({ type: 'validation.decision', recipient: 'VDAB' })).toBe('validation.decision.pps');
    expect(schemaNameFor({ type: 'correction.request', requestId: 'r1' })).toBe('correction.request.inbound');
    expect(schemaNameFor({ type: 'correction.request', recipient: 'ACTIRIS', correctionId: 'c1' })).toBe('correction.request.pps');
  });

  it('names the other types by their type, and nothing else', () => {
    expect(schemaNameFor({ type: 'correction.outcome' })).toBe('correction.outcome');
    expect(schemaNameFor({ type: 'message.refused' })).toBe('message.refused');
    expect(schemaNameFor({ type: 'batch.unknown', recipient: 'VDAB' })).toBeUndefined();
    expect(schemaNameFor({ type: 'toString' })).toBeUndefined();
    expect(schemaNameFor({ type: 42 })).toBeUndefined();
    expect(schemaNameFor(null)).toBeUndefined();
    expect(schemaNameFor('batch.records')).toBeUndefined();
    expect(schemaNameFor([{ type: 'correction.outcome' }])).toBeUndefined();
  });
});

describe('assertValidMessage', () => {
  const valid = {
    type: 'batch.completed',
    schemaVersion: 1,
    messageId: 'b:FOREM:completed',
    sentAt: '2025-12-01T06:00:00Z',
    batchId: 'b',
    period: '2025-11',
    recipient: 'FOREM',
    messages: 1,
    records: 4,
  };

  it('accepts a valid body as text or object', () => {
    expect(() => assertValidMessage(valid)).not.toThrow();
    expect(() => assertValidMessage(JSON.stringify(valid))).not.toThrow();
  });

  it("throws with ajv's errors for an invalid body", () => {
    expect(() => assertValidMessage({ ...valid, amountCents: '5' })).toThrow(/batch\.completed\.FOREM.*additional properties/);
    expect(() => assertValidMessage({ ...valid, records: -1 })).toThrow(/\/records must be >= 0/);
  });

  it('throws for text that is not JSON, an unknown type, or more than 64 KiB', () => {
    expect(() => assertValidMessage('{not json')).toThrow(/not JSON/);
    expect(() => assertValidMessage({ ...valid, type: 'batch.started' })).toThrow(/no schema/);
    const big = JSON.stringify({ ...valid, batchId: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(() => assertValidMessage(big)).toThrow(/bytes/);
  });

  it('checks against the schema it is told, whatever the body names', () => {
    const toPps = { ...correctionMessage(), recipient: 'VDAB', correctionId: 'c-1' };
    const { recipient: _recipient, ...withoutRecipient } = toPps;
    expect(() => assertValidMessage(correctionMessage(), 'correction.request.inbound')).not.toThrow();
    expect(() => assertValidMessage(withoutRecipient, 'correction.request.pps')).toThrow(/correction\.request\.pps/);
  });

  it('also holds the body to the zod schema, whose refinements the JSON Schema cannot say (KBO check digits)', () => {
    const wrongCheckDigits = correctionMessage({ requesterKbo: '0887010363' });
    expect(validatorFor('correction.request.inbound')(wrongCheckDigits)).toBe(true);
    expect(() => assertValidMessage(wrongCheckDigits)).toThrow(/zod schema correction\.request\.inbound.*KBO/);
  });
});
