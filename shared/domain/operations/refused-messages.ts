import { z } from 'zod';
import { nationalNumberRegExp } from '../../national-number-pattern';
import type { Clock } from '../../ports';
import { RETURNING_RECIPIENTS } from '../recipients';
import type { RefusedMessage, RefusedMessageStore } from '../return-flows/refusals';
import type { Channel } from '../return-flows/return-message';
import { InvalidRequestError, type OperatorTool } from './operator-tool';

/**
 * The return messages the hub refused and kept for an operator (messages.md), newest last: the
 * query, its views and its answer, for `npm run refused` and the operator-refused-messages
 * function alike. A body is only ever shown with anything shaped like a national number masked.
 */

/** Every channel a return message comes on, and so may be refused on. */
export const REFUSED_MESSAGE_CHANNELS: readonly Channel[] = [...RETURNING_RECIPIENTS, 'PPS'];

/** The refused messages as an operator reads them (the store's `list`). */
export type RefusedMessageReader = Pick<RefusedMessageStore, 'list'>;

/**
 * The channels to list: the one named, or all of them.
 * @throws InvalidRequestError on a name that is no channel.
 */
export function refusedChannelsOf(channel: string | undefined): readonly Channel[] {
  if (channel === undefined) return REFUSED_MESSAGE_CHANNELS;
  if (!(REFUSED_MESSAGE_CHANNELS as readonly string[]).includes(channel)) {
    throw new InvalidRequestError(`unknown channel ${channel}: one of ${REFUSED_MESSAGE_CHANNELS.join(', ')}`);
  }
  return [channel as Channel];
}

/** Every unexpired refusal of the channels, oldest first. */
export async function listRefused(store: RefusedMessageReader, channels: readonly Channel[], now: Date): Promise<RefusedMessage[]> {
  const all = (await Promise.all(channels.map((channel) => store.list(channel, now)))).flat();
  return all.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}

/**
 * A text with whatever is shaped like a national number replaced by `[INSZ]`: the logger's rule
 * (shared/observability.ts `redactLogValue`), from the one pattern both read.
 */
export function maskNationalNumbers(text: string): string {
  return text.replace(nationalNumberRegExp(), '[INSZ]');
}

/** A refusal as an operator sees it: no expiry; the body only if asked for, with national numbers masked. */
export type RefusedView = Omit<RefusedMessage, 'body' | 'expiresAt'> & { readonly body?: string };

/** A refusal as an operator sees it: the body, if asked for, with national numbers masked. */
export function viewOf(refused: RefusedMessage, withBody: boolean, mask: (body: string) => string = maskNationalNumbers): RefusedView {
  const { body, expiresAt: _expiresAt, ...rest } = refused;
  return withBody ? { ...rest, body: mask(body) } : rest;
}

/** The refusals as lines for a terminal. */
export function formatRefused(rows: readonly RefusedMessage[], withBody: boolean): string {
  if (rows.length === 0) return 'No refused return messages (within their retention).';
  return [
    `Refused return messages: ${rows.length}`,
    ...rows.map((r) => {
      const head = `${r.receivedAt}  ${r.channel.padEnd(7)}  ${(r.messageType ?? '?').padEnd(19)}  ${r.code.padEnd(22)}  ${r.refusedMessageId}\n    ${r.detail}`;
      return withBody ? `${head}\n    body: ${maskNationalNumbers(r.body)}` : head;
    }),
  ].join('\n');
}

/** How many refusals one answer shows at most: a Lambda answer may not exceed 6 MB. */
export const MAX_REFUSED_SHOWN = 1000;
/** How many characters of a body one answer shows (a body may be up to 256 KiB). */
export const MAX_BODY_SHOWN = 4000;

/** The request of the operator-refused-messages function, as typed in the console's Test tab. */
export const refusedMessagesRequestSchema = z.strictObject({
  channel: z.enum(REFUSED_MESSAGE_CHANNELS as [Channel, ...Channel[]]).optional(),
  /** Add each message as received, national numbers masked. */
  body: z.boolean().optional(),
  /** Show the newest `limit` (default 100). */
  limit: z.int().min(1).max(MAX_REFUSED_SHOWN).optional(),
});
export type RefusedMessagesRequest = z.infer<typeof refusedMessagesRequestSchema>;

/** The function's answer: how many there are, and the newest `shown` of them, oldest first. */
export interface RefusedMessagesAnswer {
  readonly channels: readonly Channel[];
  readonly count: number;
  readonly shown: number;
  readonly refused: readonly RefusedView[];
}

/** What the refused-messages query needs. */
export interface RefusedMessagesDeps {
  readonly refused: RefusedMessageReader;
  readonly clock: Clock;
}

const DEFAULT_REFUSED_SHOWN = 100;

/** A body masked, then cut to {@link MAX_BODY_SHOWN} characters. */
function shownBody(body: string): string {
  const masked = maskNationalNumbers(body);
  return masked.length <= MAX_BODY_SHOWN ? masked : `${masked.slice(0, MAX_BODY_SHOWN)}… (${masked.length} characters)`;
}

/** The refused-messages query as an operator tool. */
export function refusedMessagesTool(deps: RefusedMessagesDeps): OperatorTool<RefusedMessagesRequest, RefusedMessagesAnswer> {
  return {
    name: 'refused-messages',
    prepare(request) {
      const channels = refusedChannelsOf(request.channel);
      const withBody = request.body ?? false;
      const limit = request.limit ?? DEFAULT_REFUSED_SHOWN;
      return {
        asked: { channels: [...channels], withBody, limit },
        async run() {
          const rows = await listRefused(deps.refused, channels, deps.clock());
          const newest = rows.slice(Math.max(0, rows.length - limit));
          const answer: RefusedMessagesAnswer = {
            channels,
            count: rows.length,
            shown: newest.length,
            refused: newest.map((r) => viewOf(r, withBody, shownBody)),
          };
          return { answer, results: rows.length };
        },
      };
    },
  };
}
