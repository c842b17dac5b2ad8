import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * The published contract as a region or the PPS receives it, and nothing else: the JSON Schema
 * files (`schemas/*.schema.json`) and the rules of messages.md. This module, like the whole
 * consumer, imports none of the hub's code, so that a party can copy it with the schema files alone.
 */

/** The recipients of messages.md; VDAB and ACTIRIS also send to the hub and receive amounts. */
export const CONSUMER_RECIPIENTS = ['VDAB', 'ACTIRIS', 'FOREM'] as const;
export type ConsumerRecipient = (typeof CONSUMER_RECIPIENTS)[number];
/** Who the consumer reads for: a recipient, or the PPS (its outbound queue and the OCMWs'). */
export const CONSUMER_PARTIES = [...CONSUMER_RECIPIENTS, 'PPS'] as const;
export type ConsumerParty = (typeof CONSUMER_PARTIES)[number];

/** Whether a recipient receives amounts and sends validation decisions and correction requests (messages.md). */
export function isReturning(party: ConsumerParty): boolean {
  return party === 'VDAB' || party === 'ACTIRIS';
}

/** What each party may send the hub on its inbound queue, by type, with the schema it is checked against (messages.md). */
const INBOUND_SCHEMAS: Readonly<Record<ConsumerParty, Readonly<Record<string, string>>>> = {
  VDAB: { 'validation.decision': 'validation.decision.inbound', 'correction.request': 'correction.request.inbound' },
  ACTIRIS: { 'validation.decision': 'validation.decision.inbound', 'correction.request': 'correction.request.inbound' },
  FOREM: {},
  PPS: { 'correction.decision': 'correction.decision' },
};

/** The types a party may send the hub (none for FOREM). */
export function inboundTypesOf(party: ConsumerParty): string[] {
  return Object.keys(INBOUND_SCHEMAS[party]);
}

/** The repository's published schema files. */
export const PUBLISHED_SCHEMAS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemas');

const SUFFIX = '.schema.json';

/** The envelope every message carries (messages.md). */
export interface Envelope {
  readonly type: string;
  readonly schemaVersion: number;
  readonly messageId: string;
  readonly sentAt: string;
}

export interface BatchRecordsMessage extends Envelope {
  readonly type: 'batch.records';
  readonly batchId: string;
  readonly period: string;
  readonly recipient: ConsumerRecipient;
  readonly seq: number;
  readonly records: ReadonlyArray<Record<string, unknown>>;
}

export interface BatchCompletedMessage extends Envelope {
  readonly type: 'batch.completed';
  readonly batchId: string;
  readonly period: string;
  readonly recipient: ConsumerRecipient;
  readonly messages: number;
  readonly records: number;
  readonly amountCents?: string;
  readonly amount?: string;
}

export type CheckResult<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly reason: string };

/** The validators of the published schema files, by schema name (`batch.records.VDAB`, …). */
export class PublishedContract {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(schemasDir: string = PUBLISHED_SCHEMAS_DIR) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    for (const file of readdirSync(schemasDir).filter((f) => f.endsWith(SUFFIX))) {
      const schema = JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as object;
      this.validators.set(file.slice(0, -SUFFIX.length), ajv.compile(schema));
    }
    if (this.validators.size === 0) throw new Error(`no *${SUFFIX} file in ${schemasDir}`);
  }

  /**
   * Checks a message received on `recipient`'s outbound queue: JSON, a known type (the body's,
   * and the `type` attribute when there is one, agree), valid by its published schema.
   */
  checkOutbound(recipient: ConsumerParty, body: string, typeAttribute: string | undefined): CheckResult<Envelope> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { ok: false, reason: 'the body is not JSON' };
    }
    const type = typeof parsed === 'object' && parsed !== null ? (parsed as { type?: unknown }).type : undefined;
    if (typeAttribute !== undefined && typeAttribute !== type) {
      return { ok: false, reason: `the type attribute ${typeAttribute} differs from the body's type ${String(type)}` };
    }
    const schema = outboundSchemaName(recipient, type);
    if (schema === undefined) return { ok: false, reason: `no ${recipient} message has type ${String(type)}` };
    return this.check(schema, parsed);
  }

  /** Checks a message a party is about to send on its inbound queue. */
  checkInbound(party: ConsumerParty, message: unknown): CheckResult<Envelope> {
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    const schema = typeof type === 'string' && Object.hasOwn(INBOUND_SCHEMAS[party], type) ? INBOUND_SCHEMAS[party][type] : undefined;
    if (schema === undefined) return { ok: false, reason: `type must be one of ${inboundTypesOf(party).join(', ')}, got ${String(type)}` };
    return this.check(schema, message);
  }

  private check(schema: string, value: unknown): CheckResult<Envelope> {
    const validate = this.validators.get(schema);
    if (validate === undefined) return { ok: false, reason: `no published schema ${schema}${SUFFIX}` };
    if (validate(value)) return { ok: true, message: value as Envelope };
    return { ok: false, reason: `not valid by ${schema}${SUFFIX}: ${describeErrors(validate.errors ?? [])}` };
  }
}

/** What the PPS's queues carry (messages.md, Hub → PPS and Hub → OCMW), by type. */
const PPS_SCHEMAS: Readonly<Record<string, string>> = {
  'batch.outcome': 'batch.outcome',
  'validation.decision': 'validation.decision.pps',
  'correction.request': 'correction.request.pps',
  'message.refused': 'message.refused',
  'correction.approved': 'correction.approved',
};

function outboundSchemaName(party: ConsumerParty, type: unknown): string | undefined {
  if (party === 'PPS') return typeof type === 'string' && Object.hasOwn(PPS_SCHEMAS, type) ? PPS_SCHEMAS[type] : undefined;
  if (type === 'batch.records' || type === 'batch.completed') return `${type}.${party}`;
  if (type === 'message.refused') return type;
  if (type === 'correction.outcome' && isReturning(party)) return type;
  return undefined;
}

/**
 * At most three of ajv's errors, as `path: problem`; the message's values are never repeated (they
 * may be personal), the schema's are: an `enum` or `const` names what it allows.
 */
function describeErrors(errors: readonly ErrorObject[]): string {
  const shown = errors.slice(0, 3).map((e) => `${e.instancePath || '/'} ${problemOf(e)}`);
  return errors.length > 3 ? `${shown.join('; ')}; and ${errors.length - 3} more` : shown.join('; ');
}

function problemOf(error: ErrorObject): string {
  const params = error.params as { allowedValues?: readonly unknown[]; allowedValue?: unknown };
  if (error.keyword === 'enum' && params.allowedValues !== undefined)
    return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'const') return `must be ${JSON.stringify(params.allowedValue)}`;
  return error.message ?? 'is invalid';
}

/** A decimal amount of the contract (`-12.34`) in cents, exactly. */
export function centsOf(amount: string): bigint {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  if (match === null) throw new Error(`not an amount with two decimals: ${amount}`);
  const [, sign, units, cents] = match;
  const value = BigInt(units ?? '0') * 100n + BigInt(cents ?? '0');
  return sign === '-' ? -value : value;
}

/** Cents as the contract's decimal text (`-1234` → `-12.34`). */
export function amountText(cents: bigint): string {
  const negative = cents < 0n;
  const absolute = negative ? -cents : cents;
  return `${negative ? '-' : ''}${absolute / 100n}.${String(absolute % 100n).padStart(2, '0')}`;
}
