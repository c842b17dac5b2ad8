import type { DeliveryLedger } from '../ports';

/** The delivery ledger of the deployed and local system. (Wired to DynamoDB by the return flows.) */
export function createDeliveryLedger(): DeliveryLedger {
  return { recordDeliveries: async () => undefined };
}
