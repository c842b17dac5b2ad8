import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RefusedMessage, RefusedMessageStore } from '../domain/return-flows/refusals';
import type { Channel } from '../domain/return-flows/return-message';
import { queryUnexpired } from './dynamo-common';

/**
 * Refused return messages, kept for an operator (messages.md; return-flows §5) in the
 * refused-messages table: `pk = REFUSED#<channel>`, `sk = <receivedAt>#<refusedMessageId>`, so that
 * an operator lists a channel's refusals in the order they arrived with one Query, and recording
 * the same refusal again (a retry) writes the same item.
 */

/** The refused-messages port on the refused-messages table. */
export class DynamoRefusedMessages implements RefusedMessageStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(refused: RefusedMessage): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `REFUSED#${refused.channel}`, sk: `${refused.receivedAt}#${refused.refusedMessageId}`, ...refused },
      }),
    );
  }

  async list(channel: Channel, now: Date): Promise<RefusedMessage[]> {
    return (await queryUnexpired(
      this.client,
      { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `REFUSED#${channel}` } },
      now,
    )) as unknown as RefusedMessage[];
  }
}
