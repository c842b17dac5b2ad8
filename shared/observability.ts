import { AsyncLocalStorage } from 'node:async_hooks';
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
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

/**
 * The ids of what a log line is about, by field name: what an operator searches the logs by
 * (docs: the saved Logs Insights queries). Never a national number, nor anything tied to a person.
 */
export interface LogIds {
  /** SQS's id of the record being handled (a notification, a return message). */
  readonly sqsMessageId?: string;
  /** How many times SQS has delivered that record, this time included. */
  readonly receiveCount?: number;
  /** The inbound object's key (split-batch). */
  readonly key?: string;
  /** The batch: the SHA-256 of the file's bytes (split-batch). */
  readonly batchId?: string;
  /** The channel a return message came on (VDAB, ACTIRIS, PPS). */
  readonly channel?: string;
  /** The envelope's `messageId` of a return message: the sender's id. */
  readonly messageId?: string;
  /** The envelope's `type` of a return message. */
  readonly messageType?: string;
  /** A validation decision's id (the recipient's). */
  readonly decisionId?: string;
  /** A correction's id: the PPS's decision names it; a request's is derived from its requester and requestId. */
  readonly correctionId?: string;
}

/**
 * The ids of the record being handled, kept per asynchronous context: records of one invocation
 * are handled side by side (Powertools' batch processor runs them in parallel), so a key appended
 * to the shared logger would land on another record's lines. Each record runs in its own context
 * ({@link withLogIds}); the lines it writes, and those of everything it awaits, carry its ids, and
 * its ids end with it.
 */
const recordIds = new AsyncLocalStorage<LogIds>();

/** Runs `work` with `ids` (and those of the context it runs in) on every log line it writes. */
export function withLogIds<T>(ids: LogIds, work: () => Promise<T>): Promise<T> {
  return recordIds.run({ ...recordIds.getStore(), ...definedOnly(ids) }, work);
}

/** Adds ids learnt while handling a record (a batch's id, once its bytes are hashed) to its lines from now on. */
export function addLogIds(ids: LogIds): void {
  const current = recordIds.getStore();
  if (current !== undefined) Object.assign(current, definedOnly(ids));
}

/** The ids of the record being handled now (none outside one). */
export function currentLogIds(): LogIds {
  return { ...recordIds.getStore() };
}

function definedOnly(ids: LogIds): LogIds {
  return Object.fromEntries(Object.entries(ids).filter(([, value]) => value !== undefined && value !== '')) as LogIds;
}

/**
 * Powertools' standard log line, with the ids of the record being handled (before the line's own
 * attributes, which win).
 */
class RecordIdsLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: context?.coldStart,
        function_arn: context?.invokedFunctionArn,
        function_memory_size: context?.memoryLimitInMB,
        function_name: context?.functionName,
        function_request_id: context?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
      },
    })
      .addAttributes({ ...recordIds.getStore() })
      .addAttributes(additionalLogAttributes);
  }
}

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'art60-hub';

export const logger = new Logger({
  serviceName,
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
  jsonReplacerFn: redactLogValue,
  logFormatter: new RecordIdsLogFormatter(),
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
