import { RETURNING_RECIPIENTS, type ReturningRecipient } from '../domain/recipients';
import type { ReturnFlowConfig } from '../domain/return-flows/config';
import { QUEUES } from '../topology';
import { type FunctionConfig, queueUrlOf } from './function-config';

/** What a return-flow function's configuration holds for the settings every path shares. */
type ReturnFlowFunctionConfig = Pick<FunctionConfig, 'queueUrls'> & { readonly settings: { readonly refusedMessageRetentionDays: number } };

/**
 * The part of the return flows' configuration both functions have, from a function's
 * configuration: each sender's outbound queue and the retention of refused messages.
 * @throws ConfigurationError when the function does not declare one of those queues.
 */
export function returnFlowConfigOf(config: ReturnFlowFunctionConfig): ReturnFlowConfig {
  const recipientOutbound = {} as Record<ReturningRecipient, string>;
  for (const recipient of RETURNING_RECIPIENTS) recipientOutbound[recipient] = queueUrlOf(config, QUEUES.recipientOutbound[recipient]);
  return {
    queueUrls: { recipientOutbound, ppsOutbound: queueUrlOf(config, QUEUES.ppsOutbound) },
    refusedRetentionDays: config.settings.refusedMessageRetentionDays,
  };
}
