import type { ReturningRecipient } from '../recipients';

/**
 * What the return flows are configured with, per function: each path gets the queues it sends to
 * and the settings it checks against, and nothing else (the function's declaration in
 * shared/topology.ts grants exactly these).
 */

/** Each sender's outbound queue: where a refusal goes, and the queues both paths answer on. */
export interface SenderQueueUrls {
  /** Each returning recipient's outbound queue (the one it already polls). */
  readonly recipientOutbound: Readonly<Record<ReturningRecipient, string>>;
  readonly ppsOutbound: string;
}

/** What every return-flow path is configured with: where to answer a sender, and how long a refusal is kept. */
export interface ReturnFlowConfig {
  readonly queueUrls: SenderQueueUrls;
  /** Days a refused message is kept for an operator. */
  readonly refusedRetentionDays: number;
}

/** The path of VDAB and Actiris (region-inbound): it checks who a correction's requester claims to be. */
export interface RegionFlowConfig extends ReturnFlowConfig {
  /** The configured enterprise number (KBO) of each returning recipient. */
  readonly recipientKbos: Readonly<Record<ReturningRecipient, string>>;
}

/** The path of the PPS (pps-inbound): an approved correction goes on to the OCMWs. */
export interface PpsFlowConfig extends ReturnFlowConfig {
  readonly queueUrls: SenderQueueUrls & { readonly ocmwOutbound: string };
}
