import type { Clock, MessagePublisher } from '../../ports';
import type { ReturningRecipient } from '../recipients';
import type { CorrectionStore, PaymentLineStore, RefusedMessageStore } from './model';

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

/** Everything a return-flow use case needs, injected. */
export interface ReturnFlowDeps {
  readonly lines: PaymentLineStore;
  readonly corrections: CorrectionStore;
  readonly refused: RefusedMessageStore;
  readonly publisher: MessagePublisher;
  readonly clock: Clock;
  readonly config: ReturnFlowConfig;
  /** HMAC of an INSZ with the disclosure key: how a line names its person. */
  readonly personKey: (insz: string) => string;
}
