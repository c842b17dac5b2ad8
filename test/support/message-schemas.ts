import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MAX_MESSAGE_BYTES } from '../../shared/messages/envelope';
import { MESSAGE_SCHEMAS, type MessageSchemaName, schemaNameFor } from '../../shared/messages/registry';

/**
 * The one schema check of the tests: a message the project sends is checked against the published
 * JSON Schema (`schemas/*.schema.json`, the files the recipients are given) and against the zod
 * schema it was generated from (whose refinements, such as KBO check digits, JSON Schema cannot say).
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

/** The body as an object: a text body must be JSON and fit one 64 KiB SQS billing unit. */
function parsedBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) throw new Error(`message body is ${bytes} bytes, more than ${MAX_MESSAGE_BYTES}`);
  try {
    return JSON.parse(body);
  } catch {
    throw new Error('message body is not JSON');
  }
}

/**
 * Throws unless `body` (the JSON text as sent, or its parsed object) is valid against the schema
 * `name`, by default the one its type (and recipient) names: the published file, then zod.
 */
export function assertValidMessage(body: unknown, name?: MessageSchemaName): void {
  const message = parsedBody(body);
  const schemaName = name ?? schemaNameFor(message);
  if (schemaName === undefined) {
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    throw new Error(`no schema for message of type ${JSON.stringify(type)}`);
  }
  const validate = validatorFor(schemaName);
  if (!validate(message)) {
    throw new Error(
      `message invalid against ${schemaName}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(validate.errors, null, 2)}`,
    );
  }
  const zod = MESSAGE_SCHEMAS[schemaName].safeParse(message);
  if (!zod.success) throw new Error(`message invalid against the zod schema ${schemaName}: ${JSON.stringify(zod.error.issues)}`);
}

/**
 * The schema of a message the hub sends, by its type and the queue it went to: the PPS's copy of a
 * decision or a correction request names the recipient (`.pps`), the others do not.
 */
export function outboundSchemaName(type: string, toPps: boolean): MessageSchemaName {
  if (type === 'validation.decision') return 'validation.decision.pps';
  if (type === 'correction.request') return toPps ? 'correction.request.pps' : 'correction.request.inbound';
  return type as MessageSchemaName;
}
