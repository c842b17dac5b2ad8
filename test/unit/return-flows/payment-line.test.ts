import { describe, expect, it } from 'vitest';
import { paymentLineOf } from '../../../shared/domain/return-flows/payment-line';

const context = { batchId: 'b-1', period: '2025-10', deliveredAt: '2025-11-01T08:00:00.000Z', expiresAt: 2_234_567_890, inszHmac: 'h' };
const record = { period: '2025-09', ocmwKbo: '0212351212', regulation: 'ART60_7', fileNumber: 'F1', reference: 'R1', amount: '1.00' };

describe('the payment line of a delivered record (return-flows §2)', () => {
  it('keeps what a decision or a correction is checked against, the record’s own period first', () => {
    expect(paymentLineOf('VDAB', record, context)).toEqual({
      recipient: 'VDAB',
      reference: 'R1',
      fileNumber: 'F1',
      ocmwKbo: '0212351212',
      regulation: 'ART60_7',
      inszHmac: 'h',
      period: '2025-09',
      batchId: 'b-1',
      deliveredAt: '2025-11-01T08:00:00.000Z',
      expiresAt: 2_234_567_890,
    });
    expect(paymentLineOf('ACTIRIS', { ...record, period: undefined }, context)?.period).toBe('2025-10');
  });

  it.each(['reference', 'fileNumber', 'ocmwKbo', 'regulation'])('makes no line of a record without %s', (field) => {
    expect(paymentLineOf('VDAB', { ...record, [field]: undefined }, context)).toBeUndefined();
    expect(paymentLineOf('VDAB', { ...record, [field]: '' }, context)).toBeUndefined();
  });
});
