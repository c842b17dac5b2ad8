import type { Regulation, ReturningRecipient } from '../recipients';

/**
 * A payment line as delivered to VDAB or Actiris (spec return-flows.md §2): what a validation
 * decision or a correction request is checked against. Every line carries `expiresAt` (epoch
 * seconds, §5); a store never returns an expired one.
 */

export interface PaymentLine {
  readonly recipient: ReturningRecipient;
  readonly reference: string;
  readonly fileNumber: string;
  readonly ocmwKbo: string;
  readonly regulation: Regulation;
  /** HMAC-SHA-256 of the INSZ (the disclosure key): the line holds no national number in clear. */
  readonly inszHmac: string;
  readonly period: string;
  readonly batchId: string;
  readonly deliveredAt: string;
  readonly expiresAt: number;
}

export type LineDecision = 'VALIDATED' | 'REFUSED';
export type LineStatus = 'DELIVERED' | LineDecision;

/** A line with its current status: the decision with the latest `decidedAt`, or DELIVERED. */
export interface PaymentLineView extends PaymentLine {
  readonly status: LineStatus;
  readonly statusDecisionId?: string;
  readonly statusDecidedAt?: string;
}

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
