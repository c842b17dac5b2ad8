import type { ReturningRecipient } from '../recipients';

/** Where the return flows send, and what they check against: from the function's environment. */
export interface ReturnFlowConfig {
  readonly queueUrls: {
    /** Each returning recipient's outbound queue (the one it already polls). */
    readonly recipientOutbound: Readonly<Record<ReturningRecipient, string>>;
    readonly ppsOutbound: string;
    readonly ocmwOutbound: string;
  };
  /** The configured enterprise number (KBO) of each returning recipient. */
  readonly recipientKbos: Readonly<Record<ReturningRecipient, string>>;
  /** Days a refused message is kept for an operator. */
  readonly refusedRetentionDays: number;
}
