/**
 * `npm run refused -- [--channel VDAB|ACTIRIS|PPS] [--body] [--json]`: the return messages the hub
 * refused and kept for an operator (messages.md; kept REFUSED_MESSAGE_RETENTION_DAYS, default 30),
 * newest last: when, from which channel, which type, which code and why. `--body` adds each
 * message as received, with anything shaped like a national number masked. Reads the
 * refused-messages table with the standard AWS settings (TABLE_REFUSED_MESSAGES for the deployed
 * table; AWS_ENDPOINT_URL_DYNAMODB for the local stand-in).
 */
import { pathToFileURL } from 'node:url';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { DynamoRefusedMessages, REFUSED_CHANNELS } from '../shared/adapters/dynamo-refused-messages';
import { readConfig, text } from '../shared/configuration/read-config';
import type { RefusedMessage, RefusedMessageStore } from '../shared/domain/return-flows/refusals';
import type { Channel } from '../shared/domain/return-flows/return-message';
import { redactLogValue } from '../shared/observability';
import { TABLES } from '../shared/topology';
import { oneOf, parseCommandLine, runCommand } from './lib/cli';

const USAGE = `usage: npm run refused -- [--channel ${REFUSED_CHANNELS.join('|')}] [--body] [--json]`;

export interface RefusedQuery {
  readonly channels: readonly Channel[];
  readonly body: boolean;
  readonly json: boolean;
}

/** Reads the command line. @throws UsageError on anything the usage does not allow */
export function parseRefusedArgs(argv: readonly string[]): RefusedQuery {
  const { values } = parseCommandLine(argv, {
    usage: USAGE,
    options: { channel: { type: 'string' }, body: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const channel = oneOf('channel', values.channel, REFUSED_CHANNELS);
  return {
    channels: channel ? [channel as Channel] : REFUSED_CHANNELS,
    body: values.body ?? false,
    json: values.json ?? false,
  };
}

/** Every unexpired refusal of the channels, oldest first. */
export async function listRefused(store: RefusedMessageStore, channels: readonly Channel[], now: Date): Promise<RefusedMessage[]> {
  const all = (await Promise.all(channels.map((channel) => store.list(channel, now)))).flat();
  return all.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}

/** A refusal as an operator sees it: the body, if asked for, with national numbers masked. */
export function viewOf(refused: RefusedMessage, withBody: boolean) {
  const { body, expiresAt: _expiresAt, ...rest } = refused;
  return withBody ? { ...rest, body: String(redactLogValue('', body)) } : rest;
}

export function formatRefused(rows: readonly RefusedMessage[], withBody: boolean): string {
  if (rows.length === 0) return 'No refused return messages (within their retention).';
  return [
    `Refused return messages: ${rows.length}`,
    ...rows.map((r) => {
      const head = `${r.receivedAt}  ${r.channel.padEnd(7)}  ${(r.messageType ?? '?').padEnd(19)}  ${r.code.padEnd(22)}  ${r.refusedMessageId}\n    ${r.detail}`;
      return withBody ? `${head}\n    body: ${String(redactLogValue('', r.body))}` : head;
    }),
  ].join('\n');
}

async function main(): Promise<undefined> {
  const query = parseRefusedArgs(process.argv.slice(2));
  const { [TABLES.refusedMessages.env]: table } = readConfig({ [TABLES.refusedMessages.env]: text().default(TABLES.refusedMessages.name) });
  const rows = await listRefused(new DynamoRefusedMessages(dynamoDocumentClient(), table), query.channels, new Date());
  process.stdout.write(
    query.json
      ? `${JSON.stringify(
          rows.map((r) => viewOf(r, query.body)),
          null,
          2,
        )}\n`
      : `${formatRefused(rows, query.body)}\n`,
  );
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await runCommand(USAGE, main);
