import type { z } from 'zod';
import { isRecipient } from '../domain/recipients';
import { BATCH_MESSAGE_SCHEMAS } from './batch-schemas';
import { RETURN_FLOW_MESSAGE_SCHEMAS } from './return-flow-schemas';

/**
 * Every message the project sends or receives, by schema name (spec messages.md). The JSON Schema
 * files in `schemas/` are generated from this registry (`npm run schemas`), and tests check every
 * message the project sends against them.
 */
export const MESSAGE_SCHEMAS = {
  ...BATCH_MESSAGE_SCHEMAS,
  ...RETURN_FLOW_MESSAGE_SCHEMAS,
} as const satisfies Record<string, z.ZodType>;
export type MessageSchemaName = keyof typeof MESSAGE_SCHEMAS;

/** Types whose shape depends on the recipient: the schema name is `<type>.<recipient>`. */
const PER_RECIPIENT_TYPES = new Set(['batch.records', 'batch.completed']);

function isSchemaName(name: string): name is MessageSchemaName {
  return Object.hasOwn(MESSAGE_SCHEMAS, name);
}

/**
 * The schema name of a message body, from its `type` and, where one type has several shapes, its
 * `recipient`: `batch.records.VDAB`, `validation.decision.pps` (the hub's copy for the PPS names
 * the recipient) or `.inbound` (the recipient's own), `correction.outcome`, …. Undefined when the
 * body names no known type.
 */
export function schemaNameFor(body: unknown): MessageSchemaName | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { type, recipient } = body as { type?: unknown; recipient?: unknown };
  if (typeof type !== 'string') return undefined;
  let name: string;
  if (PER_RECIPIENT_TYPES.has(type)) {
    if (!isRecipient(recipient)) return undefined;
    name = `${type}.${recipient}`;
  } else if (isSchemaName(`${type}.pps`) && isSchemaName(`${type}.inbound`)) {
    name = Object.hasOwn(body, 'recipient') ? `${type}.pps` : `${type}.inbound`;
  } else {
    name = type;
  }
  return isSchemaName(name) ? name : undefined;
}
