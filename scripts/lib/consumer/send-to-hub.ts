import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { inboundTypesOf } from './contract';
import type { ConsumerOptions } from './options';

/** What a party sends back to the hub with the consumer (`npm run consume -- --send <file>`): the file's messages, checked, on its inbound queue. */

/**
 * Sends a region's validation decisions and correction requests, or the PPS's correction
 * decisions (messages.md), on the party's inbound queue, each checked against its published
 * schema first; a message that fails is not sent. A missing `schemaVersion`, `messageId` or
 * `sentAt` is filled in.
 * @returns how many were sent and how many were not
 */
export async function sendToHub(
  options: ConsumerOptions,
  now: () => number,
  messages: readonly unknown[],
): Promise<{ sent: number; notSent: number }> {
  const { recipient, inboundQueueUrl } = options;
  if (inboundTypesOf(recipient).length === 0) throw new Error(`${recipient} sends nothing back to the hub (messages.md)`);
  if (inboundQueueUrl === undefined) throw new Error(`no inbound queue URL for ${recipient}`);
  let sent = 0;
  let notSent = 0;
  for (const [index, raw] of messages.entries()) {
    const message = withEnvelope(raw, now());
    const checked = options.contract.checkInbound(recipient, message);
    if (!checked.ok) {
      notSent++;
      options.report(`not sent: message ${index + 1} of the file: ${checked.reason}`);
      continue;
    }
    const { type, messageId } = checked.message;
    const answer = await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: inboundQueueUrl,
        MessageBody: JSON.stringify(message),
        MessageAttributes: { type: { DataType: 'String', StringValue: type } },
      }),
    );
    sent++;
    options.report(`sent ${type} ${messageId} (SQS message id ${answer.MessageId ?? '?'})`);
  }
  return { sent, notSent };
}

function withEnvelope(raw: unknown, now: number): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  return { schemaVersion: 1, messageId: randomUUID(), sentAt: new Date(now).toISOString(), ...raw };
}

/** The messages of a `--send` file: a JSON array, one JSON object, or one object per line (NDJSON). */
export async function readMessagesFile(path: string): Promise<unknown[]> {
  const text = (await readFile(path, 'utf8')).trim();
  if (text === '') return [];
  try {
    const whole = JSON.parse(text) as unknown;
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, index) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new Error(`${path} line ${index + 1} is not JSON`);
        }
      });
  }
}
