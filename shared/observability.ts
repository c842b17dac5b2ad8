import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { nationalNumberRegExp } from './national-number-pattern';

/**
 * The one place that creates the Powertools logger and metrics. Every function and script logs
 * through these, so the redaction below applies everywhere: no national number, no amount tied
 * to a person and no name ever reaches a log line.
 */

/** Keys whose values are personal data or tied to a person: never logged, whatever their shape. */
const REDACTED_KEYS = new Set([
  'insz',
  'niss',
  'amount',
  'amountCents',
  'records',
  'record',
  'body',
  'fileNumber',
  'firstName',
  'lastName',
  'employmentPlace',
  'socialEconomyInitiativeName',
]);

/** Keys of aggregate, non-personal sums that stay readable (per-recipient totals of a batch). */
const AGGREGATE_KEYS = new Set(['totalAmountCents']);

/** Replaced in every string that is logged, whatever its key. */
const NATIONAL_NUMBER = nationalNumberRegExp();

export const REDACTED = '[REDACTED]';

/** Redacts one key/value pair the way the logger does; exported so that tests can prove the rule. */
export function redactLogValue(key: string, value: unknown): unknown {
  if (key !== '' && REDACTED_KEYS.has(key) && !AGGREGATE_KEYS.has(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return value.replace(NATIONAL_NUMBER, '[INSZ]');
  return value;
}

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'art60-hub';

export const logger = new Logger({
  serviceName,
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
  jsonReplacerFn: redactLogValue,
});

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Art60Hub',
  serviceName,
  // Its own warnings (e.g. "No application metrics to publish") go through the redacting logger
  // and its level, not straight to stderr; the EMF lines themselves still go to stdout.
  logger,
});

/** Metric names, shared by the functions and the dashboard. */
export const METRIC = {
  batchesAccepted: 'BatchesAccepted',
  batchesRefused: 'BatchesRefused',
  batchesDuplicate: 'BatchesDuplicate',
  /** Notifications split-batch failed (a file not delivered yet): SQS receives them again after 90 minutes. */
  batchesFailed: 'BatchesFailed',
  rowsDelivered: 'RowsDelivered',
  rowsWithheld: 'RowsWithheld',
  rowsUnroutable: 'RowsUnroutable',
  rowsRejected: 'RowsRejected',
  recordsDelivered: 'RecordsDelivered',
  returnMessagesAccepted: 'ReturnMessagesAccepted',
  returnMessagesRefused: 'ReturnMessagesRefused',
  /** 1 when the month's file is due and no batch was received this month, else 0 (batch-watch, every run). */
  monthlyFileMissing: 'MonthlyFileMissing',
  /** The batches PUBLISHING past their lease (batch-watch, every run). */
  batchesStuckPublishing: 'BatchesStuckPublishing',
} as const;
