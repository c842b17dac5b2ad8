import type { Regulation, ReturningRecipient } from '../recipients';
import type { PaymentLine } from './model';

/** Where the delivered line was, when, and until when it is kept. */
export interface DeliveryContext {
  readonly batchId: string;
  readonly period: string;
  readonly deliveredAt: string;
  readonly expiresAt: number;
  readonly inszHmac: string;
}

/**
 * The payment line of a record delivered to VDAB or Actiris; `undefined` when the record lacks
 * a field that a decision or a correction is checked against.
 */
export function paymentLineOf(
  recipient: ReturningRecipient,
  record: Readonly<Partial<Record<string, string>>>,
  context: DeliveryContext,
): PaymentLine | undefined {
  if (!record.reference || !record.fileNumber || !record.ocmwKbo || !record.regulation) return undefined;
  return {
    recipient,
    reference: record.reference,
    fileNumber: record.fileNumber,
    ocmwKbo: record.ocmwKbo,
    regulation: record.regulation as Regulation,
    inszHmac: context.inszHmac,
    period: record.period ?? context.period,
    batchId: context.batchId,
    deliveredAt: context.deliveredAt,
    expiresAt: context.expiresAt,
  };
}
