import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BatchOutcome } from '../domain/batch/process-file';
import type { BatchWatchReport } from '../domain/operations/batch-watch';
import { logger, METRIC, metrics } from '../observability';

/**
 * One metric of one recipient, on its own EMF line: the recipient dimension must not apply to the
 * file's other metrics. A single metric is written, and its dimensions cleared, at each value, so
 * each metric of a recipient takes its own.
 */
function recipientMetric(recipient: string, name: string, value: number): void {
  const single = metrics.singleMetric();
  single.addDimension('recipient', recipient);
  single.addMetric(name, MetricUnit.Count, value);
}

/**
 * A file's outcome as operators see it: the business metrics of the dashboard and alarms
 * (infra/monitoring.ts) and one log line with the report's counts, never a record.
 */
export function recordBatchOutcome(key: string, outcome: BatchOutcome): void {
  // Each outcome counted at every file, 0 or 1: a month with files but no refusal shows 0 refused,
  // not "no data" (the dashboard's refused files, per-outcome lines).
  metrics.addMetric(METRIC.batchesAccepted, MetricUnit.Count, outcome.kind === 'delivered' ? 1 : 0);
  metrics.addMetric(METRIC.batchesRefused, MetricUnit.Count, outcome.kind === 'refused' ? 1 : 0);
  metrics.addMetric(METRIC.batchesDuplicate, MetricUnit.Count, outcome.kind === 'duplicate' ? 1 : 0);
  if (outcome.kind === 'duplicate') {
    logger.info('batch already processed: nothing delivered again', {
      key,
      batchId: outcome.existing.batchId,
      status: outcome.existing.status,
    });
    return;
  }
  const { report } = outcome;
  if (outcome.kind === 'delivered') {
    metrics.addMetric(METRIC.rowsDelivered, MetricUnit.Count, report.delivered);
    metrics.addMetric(METRIC.rowsWithheld, MetricUnit.Count, report.withheld);
    metrics.addMetric(METRIC.rowsUnroutable, MetricUnit.Count, report.unroutable);
    metrics.addMetric(METRIC.rowsRejected, MetricUnit.Count, report.rejected);
    for (const [recipient, totals] of Object.entries(report.perRecipient)) {
      recipientMetric(recipient, METRIC.recordsDelivered, totals.records);
      recipientMetric(recipient, METRIC.rowsWithheld, totals.withheld);
    }
  }
  logger.info(outcome.kind === 'delivered' ? 'batch delivered' : 'batch refused', {
    key,
    batchId: report.batchId,
    period: report.period,
    refused: report.refused,
    rows: report.rows,
    delivered: report.delivered,
    withheld: report.withheld,
    unroutable: report.unroutable,
    rejected: report.rejected,
    reportKey: outcome.reportKey,
  });
}

/**
 * Counts the notifications that split-batch failed in one invocation. The invocation itself does
 * not fail (a whole failed batch is not thrown), so without this count a file that cannot be
 * delivered would show only when its notification dead-letters, after five receives 90 minutes
 * apart.
 */
export function recordFailedNotifications(count: number): void {
  if (count > 0) metrics.addMetric(METRIC.batchesFailed, MetricUnit.Count, count);
}

/**
 * The scheduled check's findings, at every run, zeros included: its alarms treat a period without
 * a value as a failure (the check stopped running), so a value must come when all is well too.
 */
export function recordBatchWatch(report: BatchWatchReport): void {
  metrics.addMetric(METRIC.monthlyFileMissing, MetricUnit.Count, report.monthlyFileMissing ? 1 : 0);
  metrics.addMetric(METRIC.batchesStuckPublishing, MetricUnit.Count, report.stuckPublishing.length);
  const line = {
    month: report.month,
    fileDue: report.fileDue,
    receivedThisMonth: report.receivedThisMonth,
    stuckPublishing: report.stuckPublishing,
  };
  if (report.monthlyFileMissing || report.stuckPublishing.length > 0) logger.warn('batch watch: a batch needs an operator', line);
  else logger.info('batch watch: nothing to report', line);
}
