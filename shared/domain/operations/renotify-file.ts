import { z } from 'zod';
import { type BatchDependencies, type BatchOutcome, processInboundFile } from '../batch/process-file';
import { InvalidRequestError, type OperatorTool } from './operator-tool';

/**
 * An operator reprocesses a file the PPS wrote, without writing anything in the inbound bucket
 * (return-flows §1): the batch use case is run for the existing object, as its S3 notification
 * would run it, with the time S3 received it. Processing is idempotent on the bytes: a delivered
 * file is a duplicate and delivers nothing again, one being published resumes, one refused before
 * (a refusal records no manifest) is read again. For `npm run renotify-file` and the
 * operator-renotify-file function alike.
 */

/** The prefix under which the PPS drops its monthly files (monthly-batch §1). */
export const MONTHLY_PREFIX = 'monthly/';

/** The inbound bucket as the tool reads it (shared/adapters/s3-object-head.ts implements it). */
export interface InboundObjects {
  /** When S3 received the object (its `LastModified`), or `undefined` when there is no such object (or it expired). */
  receivedAt(key: string): Promise<Date | undefined>;
  open(key: string): AsyncIterable<Uint8Array>;
}

/** What re-notifying needs: the inbound objects, the batch's dependencies, and where an outcome is reported. */
export interface RenotifyFileDeps {
  readonly inbound: InboundObjects;
  readonly batch: BatchDependencies;
  /** The outcome as split-batch reports it (metrics, a log line with counts). */
  readonly report: (key: string, outcome: BatchOutcome) => void;
}

/**
 * An object key the PPS could have written: under `monthly/`, no empty, `.` or `..` segment.
 * @throws InvalidRequestError naming the problem.
 */
export function inboundKeyOf(key: string): string {
  const trimmed = key.trim();
  if (!trimmed.startsWith(MONTHLY_PREFIX)) throw new InvalidRequestError(`the key must start with ${MONTHLY_PREFIX} (the PPS's folder)`);
  const segments = trimmed.slice(MONTHLY_PREFIX.length).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw new InvalidRequestError('the key has an empty, "." or ".." segment');
  return trimmed;
}

/** What became of the file, as the operator reads it: no record, counts only. */
export interface RenotifyAnswer {
  readonly key: string;
  readonly outcome: BatchOutcome['kind'];
  readonly batchId: string;
  readonly reportKey: string;
  /** The refusal code of a refused file. */
  readonly refused?: string;
  readonly rows?: number;
  readonly delivered?: number;
  /** The manifest's status of a duplicate (DELIVERED, PUBLISHING…). */
  readonly status?: string;
}

/**
 * Re-notifies one inbound object.
 * 1. Check the key, and find the object and when S3 received it.
 * 2. Run the batch use case on it, as its notification would.
 * 3. Report the outcome, and answer it.
 * @throws InvalidRequestError when there is no such object (nothing was read)
 */
export async function renotifyFile(key: string, deps: RenotifyFileDeps): Promise<RenotifyAnswer> {
  // 1. The object the PPS wrote, and when S3 received it: the retention clock of what it delivers.
  const checked = inboundKeyOf(key);
  const receivedAt = await deps.inbound.receivedAt(checked);
  if (receivedAt === undefined) throw new InvalidRequestError(`no file ${checked} in the inbound bucket (or it is past its retention)`);
  // 2. The batch use case, exactly as split-batch runs it for a notification.
  const outcome = await processInboundFile({ key: checked, receivedAt, open: () => deps.inbound.open(checked) }, deps.batch);
  // 3. Reported like split-batch's, and answered with counts only.
  deps.report(checked, outcome);
  return answerOf(checked, outcome);
}

function answerOf(key: string, outcome: BatchOutcome): RenotifyAnswer {
  if (outcome.kind === 'duplicate') {
    const { batchId, reportKey, status } = outcome.existing;
    return { key, outcome: outcome.kind, batchId, reportKey, status };
  }
  const { report, reportKey } = outcome;
  return {
    key,
    outcome: outcome.kind,
    batchId: report.batchId,
    reportKey,
    ...(report.refused !== null ? { refused: report.refused } : {}),
    rows: report.rows,
    delivered: report.delivered,
  };
}

/** One line: `monthly/2025-11/a.csv: delivered (batch 4f1c…, 1,204 of 1,210 rows delivered)`. */
export function formatRenotified(answer: RenotifyAnswer): string {
  const detail =
    answer.outcome === 'duplicate'
      ? `already ${answer.status}, nothing delivered again`
      : answer.outcome === 'refused'
        ? `refused ${answer.refused}, report ${answer.reportKey}`
        : `${(answer.delivered ?? 0).toLocaleString('en')} of ${(answer.rows ?? 0).toLocaleString('en')} rows delivered`;
  return `${answer.key}: ${answer.outcome} (batch ${answer.batchId}, ${detail})`;
}

/** The request of the operator-renotify-file function, as typed in the console's Test tab. */
export const renotifyFileRequestSchema = z.strictObject({
  /** The object's key in the inbound bucket, `monthly/<YYYY-MM>/<name>`. */
  key: z.string().min(1).max(1024),
});
export type RenotifyFileRequest = z.infer<typeof renotifyFileRequestSchema>;

/** Re-notifying as an operator tool: audited with the key; its result is one file. */
export function renotifyFileTool(deps: RenotifyFileDeps): OperatorTool<RenotifyFileRequest, RenotifyAnswer & { readonly summary: string }> {
  return {
    name: 'renotify-file',
    prepare(request) {
      const key = inboundKeyOf(request.key);
      return {
        asked: { key },
        async run() {
          const answer = await renotifyFile(key, deps);
          return { answer: { ...answer, summary: formatRenotified(answer) }, results: 1 };
        },
      };
    },
  };
}
