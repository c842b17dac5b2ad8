import type { Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { hubKey } from '../constructs/hub-key';
import { inboundKeyAlias, partyQueuesKeyAlias, pascalCase, reportsKeyAlias } from '../naming';
import { PARTIES, type Party } from '../party-access';

/** The hub's KMS keys, one per kind of data, so that a grant on one reaches nothing else. */
export interface HubKeys {
  readonly inbound: kms.Key;
  readonly storage: kms.Key;
  readonly archive: kms.Key;
  readonly tables: kms.Key;
  readonly hubQueues: kms.Key;
  readonly partyQueues: Readonly<Record<Party, kms.Key>>;
  readonly operations: kms.Key;
  readonly disclosureParameter: kms.Key;
  readonly logs: kms.Key;
}

/** Creates the hub's keys in the stateful stack (their construct ids are the stack's own children). */
export function createHubKeys(stack: Stack, stageName: string): HubKeys {
  // An alias only for the keys a party names in its key-use policies (infra/naming.ts).
  const key = (id: string, description: string, alias?: string): kms.Key => hubKey(stack, id, description, alias);

  // One key per party's queues: a party's key policy names that party's role only, so no grant on
  // one key can reach another party's messages.
  const partyQueues = Object.fromEntries(
    PARTIES.map((p) => [
      p,
      key(`${pascalCase(p)}QueuesKey`, `art60 hub: queues of ${p} and their dead letters`, partyQueuesKeyAlias(stageName, p)),
    ]),
  ) as Record<Party, kms.Key>;
  return {
    inbound: key('InboundKey', 'art60 hub: raw monthly files from the PPS', inboundKeyAlias(stageName)),
    storage: key('StorageKey', 'art60 hub: staging and reports buckets', reportsKeyAlias(stageName)),
    // Its own key: split-batch may encrypt archive objects (a data key) but never decrypt one.
    archive: key('ArchiveKey', 'art60 hub: archive bucket'),
    tables: key('TablesKey', 'art60 hub: DynamoDB tables'),
    hubQueues: key('HubQueuesKey', 'art60 hub: internal queues (batch notifications)'),
    partyQueues,
    operations: key('OperationsKey', 'art60 hub: alarm topic'),
    disclosureParameter: key('DisclosureParameterKey', 'art60 hub: SSM SecureString with the disclosure HMAC key'),
    logs: key('LogsKey', "art60 hub: the functions' log groups"),
  };
}

/** Every key of the hub, the parties' in {@link PARTIES} order. */
export function everyKey(keys: HubKeys): kms.Key[] {
  return [
    keys.inbound,
    keys.storage,
    keys.archive,
    keys.tables,
    keys.hubQueues,
    ...PARTIES.map((p) => keys.partyQueues[p]),
    keys.operations,
    keys.disclosureParameter,
    keys.logs,
  ];
}
