import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { z } from 'zod';
import { RETURN_FLOW_MESSAGE_SCHEMAS, type ReturnFlowSchemaName } from '../../../shared/messages/return-flow-schemas';

const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const compiled = new Map<ReturnFlowSchemaName, ReturnType<Ajv2020['compile']>>();

/** Asserts that `body` is a valid message of `name`, by its zod schema and by its JSON Schema. */
export function expectValidMessage(name: ReturnFlowSchemaName, body: unknown): void {
  const schema = RETURN_FLOW_MESSAGE_SCHEMAS[name];
  const zod = schema.safeParse(body);
  expect(zod.success, zod.success ? '' : JSON.stringify(zod.error.issues)).toBe(true);
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.compile(z.toJSONSchema(schema));
    compiled.set(name, validate);
  }
  const ok = validate(body);
  expect(ok, JSON.stringify(validate.errors)).toBe(true);
}

/** The schema name of a message the hub sends, by its type and the queue it went to. */
export function outboundSchemaName(type: string, toPps: boolean): ReturnFlowSchemaName {
  if (type === 'validation.decision') return 'validation.decision.pps';
  if (type === 'correction.request') return toPps ? 'correction.request.pps' : 'correction.request.inbound';
  return type as ReturnFlowSchemaName;
}
