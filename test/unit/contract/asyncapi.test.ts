import { readFileSync } from 'node:fs';
import { type AsyncAPIDocumentInterface, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import Ajv2020 from 'ajv/dist/2020';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { PARTY_CHANNELS } from '../../../infra/party-access';
import { ASYNCAPI_PATH, asyncApiText, buildAsyncApi } from '../../../scripts/asyncapi';
import { S3EventNotificationSchema } from '../../../shared/adapters/s3-notification';
import { MESSAGE_EXAMPLES } from '../../../shared/messages/examples';
import { MESSAGE_SCHEMAS, type MessageSchemaName } from '../../../shared/messages/registry';
import { allQueues, deadLetterQueueOf } from '../../../shared/topology';
import { assertValidMessage } from '../../support/message-schemas';

/**
 * asyncapi.yaml is the contract the parties integrate from: it parses without an error or a
 * warning, it is exactly what `npm run asyncapi` writes today, it names every queue of the
 * topology, and every example in it is valid.
 */

const text = readFileSync(ASYNCAPI_PATH, 'utf8');

async function parse(source: string) {
  // `source` lets the parser resolve the payloads' relative references to schemas/.
  return new Parser().parse(source, { source: ASYNCAPI_PATH });
}

type Doc = {
  channels: Record<
    string,
    { address: string; messages: Record<string, { $ref: string }>; bindings?: { sqs: Record<string, Record<string, unknown>> } }
  >;
  operations: Record<
    string,
    { action: string; channel: { $ref: string }; messages: Array<{ $ref: string }>; tags: Array<{ $ref: string }> }
  >;
  components: {
    messages: Record<string, { headers?: object; payload: { $ref?: string }; examples: Array<{ headers?: object; payload: unknown }> }>;
  };
};
const written = load(text) as Doc;

describe('asyncapi.yaml', () => {
  let document: AsyncAPIDocumentInterface | undefined;
  let problems: string[];

  beforeAll(async () => {
    const parsed = await parse(text);
    document = parsed.document;
    problems = parsed.diagnostics
      .filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning)
      .map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`);
  });

  it('parses with @asyncapi/parser: no error, no warning', () => {
    expect(problems).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('is what `npm run asyncapi` writes: regenerate it after changing the topology or a schema', () => {
    expect(text).toBe(asyncApiText());
    // And the YAML says exactly the document built (no value changed by YAML's typing).
    expect(load(text)).toEqual(JSON.parse(JSON.stringify(buildAsyncApi())));
  });

  it("names the local stand-in's servers by 127.0.0.1, as npm run local serves them (no *.localhost or localhost name)", () => {
    const servers = Object.values((written as unknown as { servers: Record<string, { host: string }> }).servers);
    const local = servers.filter((server) => server.host.endsWith(':4566'));
    expect(local.length).toBeGreaterThan(0);
    for (const server of local) expect(server.host).toBe('127.0.0.1:4566');
    expect(text).not.toMatch(/localhost/);
  });

  it('the parser reports a broken document (the check above can fail)', async () => {
    const broken = text.replace('    action: receive\n', '    action: listen\n');
    expect(broken).not.toBe(text);
    const { document: none, diagnostics } = await parse(broken);
    expect(none).toBeUndefined();
    expect(diagnostics.some((d) => d.severity === DiagnosticSeverity.Error)).toBe(true);
  });

  it('has a channel for every queue and dead-letter queue of the topology, with its settings', () => {
    const queues = allQueues().flatMap((q) => [q, deadLetterQueueOf(q)]);
    const sqsChannels = Object.entries(written.channels).filter(([, c]) => c.bindings?.sqs !== undefined);
    expect(sqsChannels.map(([id]) => id).sort()).toEqual(queues.map((q) => q.name).sort());
    for (const q of queues) {
      const queue = written.channels[q.name]!.bindings!.sqs.queue!;
      expect(written.channels[q.name]!.address).toBe(q.name);
      expect(queue).toMatchObject({
        name: q.name,
        fifoQueue: false,
        visibilityTimeout: q.visibilityTimeoutSeconds,
        messageRetentionPeriod: q.retentionSeconds,
      });
    }
    for (const q of allQueues()) {
      expect(written.channels[q.name]!.bindings!.sqs.queue!.redrivePolicy).toEqual({
        deadLetterQueue: { name: `${q.name}-dlq` },
        maxReceiveCount: 5,
      });
      expect(written.channels[q.name]!.bindings!.sqs.deadLetterQueue!.name).toBe(`${q.name}-dlq`);
    }
  });

  it('puts every message schema of the registry on a channel, each as a message with the published schema as its payload', () => {
    const onChannels = new Set(Object.values(written.channels).flatMap((c) => Object.keys(c.messages)));
    for (const name of Object.keys(MESSAGE_SCHEMAS)) {
      expect(onChannels.has(name), name).toBe(true);
      expect(written.components.messages[name]!.payload).toEqual({ $ref: `./schemas/${name}.schema.json` });
    }
    // Parsed, the payload is the published file.
    const parsed = document!
      .messages()
      .all()
      .find((m) => m.id() === 'correction.outcome')!;
    expect(parsed.payload()?.id()).toBe('urn:art60-hub:schema:correction.outcome');
  });

  it("says which messages each party's queues carry (messages.md)", () => {
    const messagesOf = (id: string) => Object.keys(written.channels[id]!.messages).sort();
    expect(messagesOf('outbound-vdab')).toEqual(['batch.completed.VDAB', 'batch.records.VDAB', 'correction.outcome', 'message.refused']);
    expect(messagesOf('outbound-forem')).toEqual(['batch.completed.FOREM', 'batch.records.FOREM']);
    expect(messagesOf('inbound-actiris')).toEqual(['correction.request.inbound', 'validation.decision.inbound']);
    expect(messagesOf('outbound-pps')).toEqual(['batch.outcome', 'correction.request.pps', 'message.refused', 'validation.decision.pps']);
    expect(messagesOf('inbound-pps')).toEqual(['correction.decision']);
    expect(messagesOf('outbound-ocmw')).toEqual(['correction.approved']);
    expect(messagesOf('outbound-vdab-dlq')).toEqual(messagesOf('outbound-vdab'));
  });

  it('gives every party an operation per queue it may use, and no other', () => {
    const byParty = (party: string) =>
      Object.entries(written.operations)
        .filter(([, op]) => op.tags.some((t) => t.$ref === `#/components/tags/${party}`))
        .map(([, op]) => `${op.action} ${op.channel.$ref.replace('#/channels/', '')}`)
        .sort();
    expect(byParty('VDAB')).toEqual(['receive outbound-vdab', 'receive outbound-vdab-dlq', 'send inbound-vdab']);
    expect(byParty('FOREM')).toEqual(['receive outbound-forem', 'receive outbound-forem-dlq']);
    expect(byParty('PPS')).toEqual([
      'receive outbound-ocmw',
      'receive outbound-ocmw-dlq',
      'receive outbound-pps',
      'receive outbound-pps-dlq',
      'send inbound-bucket',
      'send inbound-pps',
    ]);
    // A party's operation carries every message of its channel; the hub's functions each send their own.
    const messagesOfOperation = (id: string) => written.operations[id]!.messages.map((m) => m.$ref.replace(/.*\/messages\//, '')).sort();
    for (const [id, op] of Object.entries(written.operations)) {
      const channel = op.channel.$ref.replace('#/channels/', '');
      const own = Object.keys(written.channels[channel]!.messages).sort();
      if (id.startsWith('hub-')) expect(own, id).toEqual(expect.arrayContaining(messagesOfOperation(id)));
      else expect(messagesOfOperation(id), id).toEqual(own);
    }
    expect(messagesOfOperation('hub-split-batch-sends-outbound-vdab')).toEqual(['batch.completed.VDAB', 'batch.records.VDAB']);
    expect(messagesOfOperation('hub-region-inbound-sends-outbound-vdab')).toEqual(['message.refused']);
    expect(messagesOfOperation('hub-pps-inbound-sends-outbound-vdab')).toEqual(['correction.outcome']);
    expect(messagesOfOperation('hub-region-inbound-sends-outbound-pps')).toEqual(['correction.request.pps', 'validation.decision.pps']);
    expect(messagesOfOperation('hub-pps-inbound-sends-outbound-pps')).toEqual(['message.refused']);
    expect(messagesOfOperation('hub-split-batch-sends-outbound-pps')).toEqual(['batch.outcome']);
    // Every message on a queue the hub writes has a sender among its functions.
    for (const [channel, { messages }] of Object.entries(written.channels)) {
      const sent = Object.entries(written.operations)
        .filter(([, op]) => op.action === 'send' && op.channel.$ref === `#/channels/${channel}`)
        .flatMap(([id]) => messagesOfOperation(id));
      if (!channel.endsWith('-dlq')) expect(new Set(sent), channel).toEqual(new Set(Object.keys(messages)));
    }
    expect(Object.keys(PARTY_CHANNELS).sort()).toEqual(['ACTIRIS', 'FOREM', 'PPS', 'VDAB']);
  });

  it('gives every message an example whose payload and SQS attributes are valid', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    for (const [key, message] of Object.entries(written.components.messages)) {
      expect(message.examples.length, key).toBeGreaterThan(0);
      for (const example of message.examples) {
        if (key in MESSAGE_SCHEMAS) {
          assertValidMessage(example.payload, key as MessageSchemaName);
          expect(example.payload).toEqual(MESSAGE_EXAMPLES[key as MessageSchemaName]);
        } else if (key === 's3.ObjectCreated') {
          expect(S3EventNotificationSchema.safeParse(example.payload).success).toBe(true);
        } else {
          expect(typeof example.payload).toBe('string');
        }
        if (message.headers !== undefined) {
          const validate = ajv.compile(message.headers);
          expect(validate(example.headers), `${key}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        }
      }
    }
  });

  it('tells a reader what the hub sets as SQS message attributes: `type` and `messageId` on every message it sends', () => {
    const headers = written.components.messages['batch.records.VDAB']!.headers as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(headers.required).toEqual(['type', 'messageId']);
    expect(headers.properties.type).toMatchObject({ const: 'batch.records' });
    const inbound = written.components.messages['correction.request.inbound']!.headers as { required?: string[] };
    expect(inbound.required).toBeUndefined();
  });

  it('states the delivery semantics', () => {
    const description = document!.info().description() ?? '';
    expect(description).toContain('**At least once.**');
    expect(description).toContain('drop duplicates by `messageId`');
    expect(description).toContain('**In no particular order.**');
    expect(description).toContain('`batch.completed.messages` distinct `seq`');
  });
});
