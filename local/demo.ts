import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DeliveredLine, runReturnFlowDemo } from './return-flow-demo';
import type { LocalStandIn } from './stand-in';

/** The delivered lines of a recipient, read back from what its queue received (`<dir>/<R>.ndjson`). */
async function deliveredLines(outDir: string, recipient: 'VDAB' | 'ACTIRIS', limit: number): Promise<DeliveredLine[]> {
  const text = await readFile(join(outDir, `${recipient}.ndjson`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .slice(0, limit)
    .map((line) => JSON.parse(line) as DeliveredLine);
}

/**
 * The demonstration's second part: after the batch, a simulated VDAB, Actiris and PPS play the
 * return flows through the same stand-in. Answers the printable summary.
 */
export async function runDemoReturnFlows(standIn: LocalStandIn, outDir: string): Promise<string> {
  const summary = await runReturnFlowDemo(standIn, {
    vdabReferences: await deliveredLines(outDir, 'VDAB', 10),
    actirisReferences: await deliveredLines(outDir, 'ACTIRIS', 10),
  });
  return summary.text;
}
