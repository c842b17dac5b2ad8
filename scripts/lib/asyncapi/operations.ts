import { INBOUND_PREFIX } from '../../../infra/naming';
import { PARTY_CHANNELS, type Party } from '../../../infra/party-access';
import type { MessageType } from '../../../shared/messages/envelope';
import { MESSAGE_EXAMPLES } from '../../../shared/messages/examples';
import type { MessageSchemaName } from '../../../shared/messages/registry';
import { deadLetterQueueOf, FUNCTIONS, QUEUES, type QueueSpec } from '../../../shared/topology';
import { channelRef } from './channels';
import { functionsOf, MONTHLY_FILE_MESSAGE, messagesOf, NOTIFICATION_MESSAGE, queuesInOrder, TYPES_SENT_BY } from './queue-access';

/** The operations of the AsyncAPI document (scripts/asyncapi.ts): who sends and receives on each channel. */

export function operationsFor() {
  const operations: Record<string, object> = {};
  const tag = (name: string) => [{ $ref: `#/components/tags/${name}` }];
  const ref = (queue: QueueSpec, dead = false, only?: readonly MessageType[]) => {
    const id = dead ? deadLetterQueueOf(queue).name : queue.name;
    const all = queue === QUEUES.batchNotifications ? [NOTIFICATION_MESSAGE] : messagesOf(queue);
    const names = only === undefined ? all : all.filter((n) => only.includes(MESSAGE_EXAMPLES[n as MessageSchemaName].type as MessageType));
    return { channel: channelRef(id), messages: names.map((n) => ({ $ref: `#/channels/${id}/messages/${n}` })) };
  };
  const slug = (s: string) => s.toLowerCase();

  operations['pps-uploads-monthly-file'] = {
    action: 'send',
    channel: channelRef('inbound-bucket'),
    title: 'PPS uploads a monthly file',
    summary: `The PPS puts a batch file under \`${INBOUND_PREFIX}<YYYY-MM>/\` of the inbound bucket.`,
    tags: tag('PPS'),
    messages: [{ $ref: `#/channels/inbound-bucket/messages/${MONTHLY_FILE_MESSAGE}` }],
  };
  operations['hub-receives-monthly-file'] = {
    action: 'receive',
    channel: channelRef('inbound-bucket'),
    title: 'The hub reads a monthly file',
    summary: `${FUNCTIONS.splitBatch.name} reads the file S3 notified on \`${QUEUES.batchNotifications.name}\`, checks it and splits it per recipient.`,
    tags: tag('hub'),
    messages: [{ $ref: `#/channels/inbound-bucket/messages/${MONTHLY_FILE_MESSAGE}` }],
  };
  operations['s3-sends-batch-notifications'] = {
    action: 'send',
    title: 'S3 notifies a new file',
    summary: 'Amazon S3 sends an ObjectCreated notification for every object put under `monthly/`.',
    tags: tag('hub'),
    ...ref(QUEUES.batchNotifications),
  };

  for (const queue of queuesInOrder()) {
    for (const { name: f } of functionsOf((fn) => fn.uses.sendsTo, queue)) {
      operations[`hub-${f}-sends-${queue.name}`] = {
        action: 'send',
        title: `The hub (${f}) sends to ${queue.name}`,
        summary: `${f} publishes with SendMessageBatch, the attributes \`type\` and \`messageId\` on every message.`,
        tags: tag('hub'),
        ...ref(queue, false, TYPES_SENT_BY[f]?.(queue) ?? []),
      };
    }
    for (const { name: f, batchSize } of functionsOf((fn) => fn.triggers, queue)) {
      operations[`hub-${f}-receives-${queue.name}`] = {
        action: 'receive',
        title: `The hub (${f}) receives from ${queue.name}`,
        summary: `An event source mapping invokes ${f} with up to ${batchSize} message${batchSize === 1 ? '' : 's'} at a time; failed ones are retried, then dead-lettered.`,
        tags: tag('hub'),
        ...ref(queue),
      };
    }
  }

  for (const party of Object.keys(PARTY_CHANNELS) as Party[]) {
    for (const queue of PARTY_CHANNELS[party].consumes) {
      operations[`${slug(party)}-receives-${queue.name}`] = {
        action: 'receive',
        title: `${party} receives from ${queue.name}`,
        summary: `${party} long-polls \`${queue.name}\` (ReceiveMessage), handles each message, then deletes it (DeleteMessage).`,
        description:
          'Drop a message whose `messageId` was already handled (delete it too); check each body against its schema; assemble a batch by `seq` until `batch.completed.messages` distinct `seq` are there.',
        tags: tag(party),
        ...ref(queue),
      };
      operations[`${slug(party)}-receives-${deadLetterQueueOf(queue).name}`] = {
        action: 'receive',
        title: `${party} reads its dead letters of ${queue.name}`,
        summary: `${party} may read \`${deadLetterQueueOf(queue).name}\`: messages it received ${queue.maxReceiveCount} times without deleting them.`,
        tags: tag(party),
        ...ref(queue, true),
      };
    }
    for (const queue of PARTY_CHANNELS[party].sendsTo) {
      operations[`${slug(party)}-sends-${queue.name}`] = {
        action: 'send',
        title: `${party} sends to ${queue.name}`,
        summary: `${party} sends with SendMessage (or SendMessageBatch); set the attribute \`type\` to the body’s type.`,
        description:
          'Every message is answered only when refused (`message.refused` on the sender’s outbound queue). A message sent again with the same `messageId` (or `decisionId`, `requestId`) and content is a no-op.',
        tags: tag(party),
        ...ref(queue),
      };
    }
  }
  return operations;
}
