import { EVENT_SOURCE_ACTIONS } from '../../../infra/access';
import { CONSUMER_ACTIONS, PARTY_CHANNELS, type Party, PRODUCER_ACTIONS } from '../../../infra/party-access';
import { RECIPIENTS, RETURNING_RECIPIENTS } from '../../../shared/domain/recipients';
import type { MessageType } from '../../../shared/messages/envelope';
import type { MessageSchemaName } from '../../../shared/messages/registry';
import { FUNCTIONS, type FunctionDeclaration, QUEUES, type QueueSpec } from '../../../shared/topology';

/**
 * Who uses each queue of the AsyncAPI document (scripts/asyncapi.ts): the messages it carries, the
 * hub's functions and the parties that send to it and receive from it, and how the document names them.
 */

/** The message schemas each queue carries (messages.md): the one place the document says so. */
export function messagesOf(queue: QueueSpec): MessageSchemaName[] {
  for (const r of RECIPIENTS) {
    if (queue === QUEUES.recipientOutbound[r]) {
      const batch: MessageSchemaName[] = [`batch.records.${r}`, `batch.completed.${r}`];
      // FOREM sends nothing back, so it is never told an outcome or a refusal.
      return (RETURNING_RECIPIENTS as readonly string[]).includes(r) ? [...batch, 'correction.outcome', 'message.refused'] : batch;
    }
  }
  for (const r of RETURNING_RECIPIENTS) {
    if (queue === QUEUES.recipientInbound[r]) return ['validation.decision.inbound', 'correction.request.inbound'];
  }
  if (queue === QUEUES.ppsOutbound) return ['batch.outcome', 'validation.decision.pps', 'correction.request.pps', 'message.refused'];
  if (queue === QUEUES.ppsInbound) return ['correction.decision'];
  if (queue === QUEUES.ocmwOutbound) return ['correction.approved'];
  return [];
}

/** The message types a function of the hub sends to a queue (shared/domain/batch/deliver.ts, return-flows/). */
export const TYPES_SENT_BY: Readonly<Record<string, (queue: QueueSpec) => readonly MessageType[]>> = {
  // The records and their end to the recipients; what became of each file to the PPS.
  [FUNCTIONS.splitBatch.name]: (queue) => (queue === QUEUES.ppsOutbound ? ['batch.outcome'] : ['batch.records', 'batch.completed']),
  // Decisions and requests passed on to the PPS; a refusal to the region that sent.
  [FUNCTIONS.regionInbound.name]: (queue) =>
    queue === QUEUES.ppsOutbound ? ['validation.decision', 'correction.request'] : ['message.refused'],
  // A refusal to the PPS, the approved correction to the OCMW, the outcome to the requester.
  [FUNCTIONS.ppsInbound.name]: (queue) =>
    queue === QUEUES.ppsOutbound ? ['message.refused'] : queue === QUEUES.ocmwOutbound ? ['correction.approved'] : ['correction.outcome'],
};

export const NOTIFICATION_MESSAGE = 's3.ObjectCreated';
export const MONTHLY_FILE_MESSAGE = 'monthly.file';

/** The queues in the document's order: each queue, then its dead-letter queue. */
export function queuesInOrder(): QueueSpec[] {
  return [
    QUEUES.batchNotifications,
    ...RECIPIENTS.map((r) => QUEUES.recipientOutbound[r]),
    ...RETURNING_RECIPIENTS.map((r) => QUEUES.recipientInbound[r]),
    QUEUES.ppsOutbound,
    QUEUES.ppsInbound,
    QUEUES.ocmwOutbound,
  ];
}

/** The hub's functions that send to (or are triggered by) a queue, by `pick`. */
export function functionsOf(pick: (f: FunctionDeclaration) => readonly QueueSpec[], queue: QueueSpec): FunctionDeclaration[] {
  return Object.values(FUNCTIONS as Record<string, FunctionDeclaration>).filter((f) => pick(f).includes(queue));
}

/** Who sends to a queue and who receives from it: the parties' grants and the hub's functions. */
export function accessOf(queue: QueueSpec): { senders: string[]; receivers: string[]; statements: object[] } {
  const senderParties = (Object.keys(PARTY_CHANNELS) as Party[]).filter((p) => PARTY_CHANNELS[p].sendsTo.includes(queue));
  const receiverParties = (Object.keys(PARTY_CHANNELS) as Party[]).filter((p) => PARTY_CHANNELS[p].consumes.includes(queue));
  const sendingFunctions = functionsOf((f) => f.uses.sendsTo, queue).map((f) => f.name);
  const receivingFunctions = functionsOf((f) => f.triggers, queue).map((f) => f.name);
  const statements: object[] = [
    ...senderParties.map((p) => ({ effect: 'Allow', principal: partyPrincipal(p), action: PRODUCER_ACTIONS })),
    ...receiverParties.map((p) => ({ effect: 'Allow', principal: partyPrincipal(p), action: CONSUMER_ACTIONS })),
    ...sendingFunctions.map((f) => ({ effect: 'Allow', principal: functionPrincipal(f), action: ['sqs:SendMessage'] })),
    ...receivingFunctions.map((f) => ({ effect: 'Allow', principal: functionPrincipal(f), action: EVENT_SOURCE_ACTIONS })),
  ];
  if (queue === QUEUES.batchNotifications) {
    statements.unshift({ effect: 'Allow', principal: 's3.amazonaws.com', action: ['sqs:SendMessage'] });
  }
  return {
    senders: [
      ...(queue === QUEUES.batchNotifications ? ['Amazon S3 (the inbound bucket)'] : []),
      ...senderParties,
      ...sendingFunctions.map(hubFunction),
    ],
    receivers: [...receiverParties, ...receivingFunctions.map(hubFunction)],
    statements,
  };
}

/** A party's role as the stage configuration names it (infra/config.ts); the ARN differs per stage. */
export function partyPrincipal(party: Party): string {
  return party === 'PPS'
    ? 'the PPS role (stage configuration pps.roleArn)'
    : `the ${party} role (stage configuration recipients.${party}.roleArn)`;
}

function functionPrincipal(name: string): string {
  return `the role of the hub's ${name} function (in the hub's account)`;
}

function hubFunction(name: string): string {
  return `the hub (${name})`;
}

export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
