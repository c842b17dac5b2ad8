import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MAX_MESSAGE_BYTES } from '../../shared/messages/envelope';
import { schemaNameFor } from '../../shared/messages/registry';

/**
 * The published JSON Schemas (`schemas/*.schema.json`), loaded with ajv, so that tests check every
 * message the project sends against the files the recipients are given, not against the zod
 * schemas they were generated from.
 */

export const SCHEMAS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');
const SUFFIX = '.schema.json';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);

const validators = new Map<string, ValidateFunction>();
for (const file of readdirSync(SCHEMAS_DIR)
  .filter((f) => f.endsWith(SUFFIX))
  .sort()) {
  const schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')) as object;
  validators.set(file.slice(0, -SUFFIX.length), ajv.compile(schema));
}

/** The schema names for which a file was loaded. */
export const LOADED_SCHEMA_NAMES: readonly string[] = [...validators.keys()];

/** The ajv validator of one published schema; throws when there is no such file. */
export function validatorFor(name: string): ValidateFunction {
  const validate = validators.get(name);
  if (!validate) throw new Error(`no schema file ${name}${SUFFIX} in ${SCHEMAS_DIR}`);
  return validate;
}

/**
 * Throws unless `body` (the JSON text as sent, or its parsed object) is valid against the schema
 * its type (and recipient) names. A text body must also fit one 64 KiB SQS billing unit.
 */
export function assertValidMessage(body: string | object): void {
  let message: unknown = body;
  if (typeof body === 'string') {
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_MESSAGE_BYTES) throw new Error(`message body is ${bytes} bytes, more than ${MAX_MESSAGE_BYTES}`);
    try {
      message = JSON.parse(body);
    } catch {
      throw new Error('message body is not JSON');
    }
  }
  const name = schemaNameFor(message);
  if (name === undefined) {
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    throw new Error(`no schema for message of type ${JSON.stringify(type)}`);
  }
  const validate = validatorFor(name);
  if (!validate(message)) {
    throw new Error(`message invalid against ${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(validate.errors, null, 2)}`);
  }
}
