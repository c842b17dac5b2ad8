/**
 * `npm run refused -- [--channel VDAB|ACTIRIS|PPS] [--body] [--json]`: the return messages the hub
 * refused and kept for an operator (messages.md; kept REFUSED_MESSAGE_RETENTION_DAYS, default 30),
 * newest last: when, from which channel, which type, which code and why. `--body` adds each
 * message as received, with anything shaped like a national number masked. Reads the
 * refused-messages table with the standard AWS settings (TABLE_REFUSED_MESSAGES for the deployed
 * table; AWS_ENDPOINT_URL_DYNAMODB for the local stand-in). The query and its views are the
 * operator-refused-messages function's (shared/domain/operations/refused-messages.ts).
 */
import { pathToFileURL } from 'node:url';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { DynamoRefusedMessages } from '../shared/adapters/dynamo-refused-messages';
import { readConfig, text } from '../shared/configuration/read-config';
import {
  formatRefused,
  listRefused,
  REFUSED_MESSAGE_CHANNELS,
  refusedChannelsOf,
  viewOf,
} from '../shared/domain/operations/refused-messages';
import type { Channel } from '../shared/domain/return-flows/return-message';
import { TABLES } from '../shared/topology';
import { checkedAsUsage, parseCommandLine, runCommand } from './lib/cli';

const USAGE = `usage: npm run refused -- [--channel ${REFUSED_MESSAGE_CHANNELS.join('|')}] [--body] [--json]`;

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
  return {
    channels: checkedAsUsage(() => refusedChannelsOf(values.channel)),
    body: values.body ?? false,
    json: values.json ?? false,
  };
}

async function main(): Promise<undefined> {
  const query = parseRefusedArgs(process.argv.slice(2));
  const { [TABLES.refusedMessages.env]: table } = readConfig({ [TABLES.refusedMessages.env]: text().default(TABLES.refusedMessages.name) });
  const rows = await listRefused(new DynamoRefusedMessages(dynamoDocumentClient(), table), query.channels, new Date());
  const views = rows.map((r) => viewOf(r, query.body));
  process.stdout.write(query.json ? `${JSON.stringify(views, null, 2)}\n` : `${formatRefused(rows, query.body)}\n`);
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await runCommand(USAGE, main);
