import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncompleteDeliveryError, LocalRunResult } from '../../local/run-outcome';
import { RECIPIENTS } from '../../shared/domain/recipients';
import { maskInsz } from '../../shared/domain/return-flows/disclosures';
import { euros, grouped, plural } from './cli';

/**
 * What `npm start` prints after a run: exactly what happened, and exactly which files it wrote
 * (a refused file: report.json only). National numbers only masked.
 */

/** The first record a recipient's file holds, or undefined when it holds none. */
async function firstRecord(outDir: string, recipient: string): Promise<Record<string, string> | undefined> {
  const first = (await readFile(join(outDir, `${recipient}.ndjson`), 'utf8')).split('\n', 1)[0] ?? '';
  return first === '' ? undefined : (JSON.parse(first) as Record<string, string>);
}

/** The summary of a run that ended with a report: delivered, or refused. */
export async function runSummary(outDir: string, result: LocalRunResult): Promise<string[]> {
  const { report } = result;
  const refused = report.refused !== null;
  const lines = [`batch ${report.batchId}  period ${report.period ?? '-'}  source ${report.source}`];
  if (refused) {
    lines.push(
      `REFUSED: ${report.refused} (${plural(report.rows, 'row')} read, ${grouped(report.rejected)} rejected). Nothing was delivered.`,
    );
    if (report.refusedDetail !== null) lines.push(`  why: ${report.refusedDetail}`);
  } else {
    lines.push(
      `rows ${grouped(report.rows)} = delivered ${grouped(report.delivered)} + withheld ${grouped(report.withheld)} + unroutable ${grouped(report.unroutable)} + rejected ${grouped(report.rejected)}`,
    );
  }
  for (const recipient of RECIPIENTS) {
    const totals = report.perRecipient[recipient];
    const delivery = result.deliveries[recipient];
    const amount = totals.amountCents !== undefined ? `, ${euros(totals.amountCents)}` : ', no amounts';
    const state = refused ? '' : delivery.complete ? ', complete' : ', INCOMPLETE';
    lines.push(
      `  ${recipient.padEnd(8)} ${plural(totals.records, 'record').padStart(16)} in ${plural(delivery.messages, 'message')}${amount}, ${grouped(totals.withheld)} withheld${state}`,
    );
    const record = refused || delivery.records === 0 ? undefined : await firstRecord(outDir, recipient);
    if (record !== undefined) {
      // The name already says OCMW, CPAS or OCMW/CPAS: it is printed as it is.
      lines.push(
        `           e.g. ${Object.keys(record).length} fields, insz ${maskInsz(record.insz ?? '')}, ${record.regulation}, ${record.ocmwName} (${record.ocmwNis})`,
      );
    }
  }
  const codes = new Map<string, number>();
  for (const issue of report.issues) for (const code of issue.codes) codes.set(code, (codes.get(code) ?? 0) + 1);
  if (codes.size > 0) lines.push(`  issues: ${[...codes].map(([code, n]) => `${code} ×${grouped(n)}`).join(', ')}`);
  lines.push(
    refused
      ? `written: ${outDir}/report.json only (a refused file delivers nothing, so there is no recipient file)`
      : `written: ${outDir}/{VDAB,ACTIRIS,FOREM}.ndjson and report.json`,
  );
  return lines;
}

/** Which recipients did not receive the whole batch: a run never ends green with half a file delivered (§9). */
export function incompleteSummary(error: IncompleteDeliveryError, outDir: string): string[] {
  return [
    `source ${error.key}`,
    ...RECIPIENTS.map((recipient) => {
      const delivery = error.deliveries[recipient];
      return `  ${recipient.padEnd(8)} ${plural(delivery.records, 'record').padStart(16)} in ${plural(delivery.messages, 'message')} received, ${delivery.complete ? 'complete' : 'INCOMPLETE'}`;
    }),
    `INCOMPLETE: the delivery did not complete for ${error.incomplete.join(', ')} (see --verbose for why).`,
    `written: ${outDir}/{VDAB,ACTIRIS,FOREM}.ndjson (what each queue received); no report.json`,
  ];
}
