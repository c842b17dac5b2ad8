import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { outcomeMessageId } from '../../../shared/domain/batch/outcome';
import { isValidInsz, isValidKbo } from '../../../shared/domain/checksums';
import * as ids from '../../../shared/domain/return-flows/ids';
import { RECORD_SCHEMAS } from '../../../shared/messages/batch-schemas';
import { MESSAGE_EXAMPLES, RECORD_EXAMPLES } from '../../../shared/messages/examples';
import { MESSAGE_SCHEMAS, type MessageSchemaName } from '../../../shared/messages/registry';
import { assertValidMessage, SCHEMAS_DIR } from '../../support/message-schemas';

/**
 * The published JSON Schemas document themselves: every property has a description, every object
 * schema an example, and every example is valid against its own schema.
 */

type Schema = Record<string, unknown>;

const published: ReadonlyArray<readonly [string, Schema]> = readdirSync(SCHEMAS_DIR)
  .filter((f) => f.endsWith('.schema.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(join(SCHEMAS_DIR, f), 'utf8')) as Schema] as const);

/** Every object schema within `schema` (itself included), with its JSON pointer. */
function objectSchemas(schema: Schema, pointer = ''): Array<{ pointer: string; schema: Schema }> {
  const found: Array<{ pointer: string; schema: Schema }> = [];
  if (schema.type === 'object' || schema.properties !== undefined) found.push({ pointer: pointer || '/', schema });
  for (const [key, value] of Object.entries(schema.properties ?? {}))
    found.push(...objectSchemas(value as Schema, `${pointer}/properties/${key}`));
  if (typeof schema.items === 'object' && schema.items !== null) found.push(...objectSchemas(schema.items as Schema, `${pointer}/items`));
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    (schema[keyword] as Schema[] | undefined)?.forEach((s, i) => {
      found.push(...objectSchemas(s, `${pointer}/${keyword}/${i}`));
    });
  }
  return found;
}

/** The places where a schema breaks the documentation rule: a property without description, an object without examples. */
function undocumented(schema: Schema): string[] {
  const problems: string[] = [];
  for (const { pointer, schema: object } of objectSchemas(schema)) {
    const examples = object.examples;
    if (!Array.isArray(examples) || examples.length === 0) problems.push(`${pointer}: no examples`);
    for (const [key, property] of Object.entries((object.properties ?? {}) as Record<string, Schema>)) {
      if (typeof property.description !== 'string' || property.description.trim() === '') {
        problems.push(`${pointer === '/' ? '' : pointer}/properties/${key}: no description`);
      }
    }
  }
  return problems;
}

describe('the published JSON Schemas', () => {
  it('are all here, one per message schema', () => {
    expect(published.map(([file]) => file)).toEqual(
      Object.keys(MESSAGE_SCHEMAS)
        .map((n) => `${n}.schema.json`)
        .sort(),
    );
  });

  it.each(published)('%s: every property has a description and every object schema examples', (_file, schema) => {
    expect(undocumented(schema)).toEqual([]);
    expect(typeof schema.description).toBe('string');
  });

  it('the check finds a property without description and an object without examples', () => {
    const schema = {
      type: 'object',
      examples: [{}],
      properties: {
        a: { type: 'string', description: 'A' },
        b: { type: 'string' },
        records: { type: 'array', description: 'R', items: { type: 'object', properties: { c: { type: 'string', description: ' ' } } } },
      },
    };
    expect(undocumented(schema)).toEqual([
      '/properties/b: no description',
      '/properties/records/items: no examples',
      '/properties/records/items/properties/c: no description',
    ]);
  });

  it.each(published)('%s: every example, at every level, is valid against its own schema', (file, schema) => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    for (const { pointer, schema: object } of objectSchemas(schema)) {
      // A subschema is compiled on its own: without the document's $id, keywords and all.
      const { $id: _id, $schema: _schema, ...body } = object;
      const validate = ajv.compile(body);
      for (const example of object.examples as unknown[]) {
        expect(validate(example), `${file}${pointer}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
  });
});

describe('the examples', () => {
  it.each(Object.keys(MESSAGE_SCHEMAS) as MessageSchemaName[])('%s: valid against the published file and the zod schema', (name) => {
    expect(() => assertValidMessage(MESSAGE_EXAMPLES[name], name)).not.toThrow();
    // What the file shows is the example itself.
    const file = published.find(([f]) => f === `${name}.schema.json`)![1];
    expect(file.examples).toEqual([MESSAGE_EXAMPLES[name]]);
  });

  it.each(Object.entries(RECORD_SCHEMAS))('the %s record: valid against its zod schema, with valid check digits', (recipient, schema) => {
    const record = RECORD_EXAMPLES[recipient as keyof typeof RECORD_EXAMPLES];
    expect(schema.safeParse(record).success).toBe(true);
    expect(isValidKbo(record.ocmwKbo)).toBe(true);
    expect(isValidInsz(record.insz, new Date('2025-11-03T00:00:00Z'))).toBe(true);
  });

  it('carry the ids the hub derives from their business keys (ids.ts)', () => {
    const correctionId = ids.correctionIdOf('VDAB', MESSAGE_EXAMPLES['correction.request.inbound'].requestId);
    expect(MESSAGE_EXAMPLES['correction.request.pps'].correctionId).toBe(correctionId);
    expect(MESSAGE_EXAMPLES['correction.request.pps'].messageId).toBe(ids.forwardedCorrectionMessageId(correctionId));
    expect(MESSAGE_EXAMPLES['correction.decision'].correctionId).toBe(correctionId);
    expect(MESSAGE_EXAMPLES['correction.outcome'].messageId).toBe(ids.outcomeMessageId(correctionId));
    expect(MESSAGE_EXAMPLES['correction.approved'].messageId).toBe(ids.approvedMessageId(correctionId));
    const decision = MESSAGE_EXAMPLES['validation.decision.inbound'];
    expect(MESSAGE_EXAMPLES['validation.decision.pps'].messageId).toBe(
      ids.forwardedDecisionMessageId('VDAB', decision.reference, decision.decisionId),
    );
    expect(MESSAGE_EXAMPLES['message.refused'].messageId).toBe(
      ids.refusedMessageIdOf('VDAB', MESSAGE_EXAMPLES['message.refused'].refusedMessageId),
    );
    expect(isValidKbo(MESSAGE_EXAMPLES['correction.request.inbound'].requesterKbo)).toBe(true);
    const outcome = MESSAGE_EXAMPLES['batch.outcome'];
    expect(outcome.messageId).toBe(outcomeMessageId(outcome.batchId, outcome.source));
  });
});
