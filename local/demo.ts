import type { LocalStandIn } from './stand-in';

/** The return flows of the demonstration (filled in by the return flows). */
export async function runDemoReturnFlows(_standIn: LocalStandIn, _outDir: string): Promise<string> {
  return '';
}
