import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchMessageOf, type DeliveryProof, type DeliveryProofReader } from '../domain/batch/delivery-proof';
import { type MarshalledItem, num, queryUnexpired, str } from './dynamo-common';

/**
 * The proof of each delivery (return-flows §5) in the delivery-proofs table: one item per message
 * sent and distinct body, `pk` = the `messageId`, `sk` = the SHA-256 of the body (hex), with
 * `sentAt` and `expiresAt`. The batch, the recipient and the `seq` are in the message's id
 * (delivery-proof.ts `batchMessageOf`), so the item does not repeat them. A retry that sent a
 * message again with another `sentAt` (so another body) adds a proof beside the first: both bodies
 * went out under that id.
 */

/** The item of one proof, marshalled, as the delivery ledger writes it with the low-level client. */
export function proofItem(proof: DeliveryProof): MarshalledItem {
  return { pk: str(proof.messageId), sk: str(proof.sha256), sentAt: str(proof.sentAt), expiresAt: num(proof.expiresAt) };
}

/** A proof item as read (its keys included), as the proof it holds; `undefined` for a key that is no batch message's. */
function proofOfItem(item: Record<string, unknown>): DeliveryProof | undefined {
  const messageId = String(item.pk);
  const message = batchMessageOf(messageId);
  if (message === undefined) return undefined;
  return {
    messageId,
    sha256: String(item.sk),
    ...message,
    sentAt: String(item.sentAt),
    expiresAt: Number(item.expiresAt),
  };
}

/** The proofs, as the operator's proof tool reads them. */
export class DynamoDeliveryProofs implements DeliveryProofReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async forMessage(messageId: string, now: Date): Promise<DeliveryProof[]> {
    const items = await queryUnexpired(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': messageId },
        ConsistentRead: true,
      },
      now,
      { keepKeys: true },
    );
    return items.map(proofOfItem).filter((p): p is DeliveryProof => p !== undefined);
  }
}
