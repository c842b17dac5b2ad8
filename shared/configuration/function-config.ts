import { z } from 'zod';
import { DEFAULT_MAX_ROWS } from '../domain/batch/reader';
import { DEFAULT_MAX_REJECTED_SHARE } from '../domain/batch/split';
import { DEFAULT_MONTHLY_FILE_DUE_DAY, LAST_DUE_DAY } from '../domain/operations/batch-watch';
import { RETURNING_RECIPIENTS, type ReturningRecipient } from '../domain/recipients';
import { type DayBounds, DEFAULT_REFUSED_MESSAGE_RETENTION_DAYS, describeDayBounds, RETENTION_BOUNDS } from '../domain/retention';
import { type VariableSource, variablesOf } from '../function-environment';
import { type FunctionDeclaration, type FunctionSetting, type FunctionUses, type QueueSpec, SETTINGS_ENV } from '../topology';
import { DISCLOSURE_KEY_SCHEMAS, type DisclosureKeySource, disclosureKeySourceOf } from './disclosure-key-source';
import { ConfigurationError, type Environment, json, readConfig, share, text, type VariableSchemas, wholeNumber } from './read-config';

/**
 * A function's configuration, typed and read once at cold start from the variables its
 * declaration in shared/topology.ts gives it: plain values, ready to hand to its adapters.
 */

/** The value of each setting, once read. */
export interface SettingValues {
  readonly maxRejectedShare: number;
  readonly maxRows: number;
  readonly recipientKbos: Readonly<Record<ReturningRecipient, string>>;
  readonly refusedMessageRetentionDays: number;
  readonly monthlyFileDueDay: number;
  readonly replayWindowDays: number;
}

/** A number of days within the spec's bounds for a retention (shared/domain/retention.ts). */
const daysWithin = (bounds: DayBounds) => wholeNumber(bounds.min, bounds.max, describeDayBounds(bounds));

const kbo = z.string().regex(/^[01]\d{9}$/);

const SETTING_SCHEMAS: { readonly [K in FunctionSetting]: z.ZodType<SettingValues[K], string | undefined> } = {
  maxRejectedShare: share().default(DEFAULT_MAX_REJECTED_SHARE),
  maxRows: wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a whole number of rows, at least 1').default(DEFAULT_MAX_ROWS),
  recipientKbos: json(
    z.object(Object.fromEntries(RETURNING_RECIPIENTS.map((r) => [r, kbo])) as Record<ReturningRecipient, typeof kbo>),
    `JSON with the 10-digit KBO of ${RETURNING_RECIPIENTS.join(' and ')}`,
  ),
  refusedMessageRetentionDays: daysWithin(RETENTION_BOUNDS.refusedMessageRetentionDays).default(DEFAULT_REFUSED_MESSAGE_RETENTION_DAYS),
  // No default: a re-delivery must know the stage's own window, which the template gives it.
  replayWindowDays: daysWithin(RETENTION_BOUNDS.replayWindowDays),
  monthlyFileDueDay: wholeNumber(1, LAST_DUE_DAY, `a day of the month from 1 to ${LAST_DUE_DAY}`).default(DEFAULT_MONTHLY_FILE_DUE_DAY),
};

/** How a setting's variable is read and checked: the functions' way, for a script that reads one too. */
export function settingSchema<K extends FunctionSetting>(setting: K): z.ZodType<SettingValues[K], string | undefined> {
  return SETTING_SCHEMAS[setting];
}

/** What a function reads from its environment, typed by what its declaration says it uses. */
export interface FunctionConfig<U extends FunctionUses = FunctionUses> {
  readonly buckets: { readonly [K in keyof U['buckets']]-?: string };
  readonly tables: { readonly [K in keyof U['tables']]-?: string };
  /** The URL of each queue it sends to and of each trigger queue, by queue name. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** The ARN of each trigger queue, by queue name. */
  readonly queueArns: Readonly<Record<string, string>>;
  readonly settings: { readonly [K in U['settings'][number]]: SettingValues[K] };
  readonly disclosureKey: U['disclosureKey'] extends true ? DisclosureKeySource : undefined;
}

function schemaOf(source: VariableSource): z.ZodType {
  if (source.kind === 'setting') return SETTING_SCHEMAS[source.setting];
  // In AWS the key's parameter; on the laptop DISCLOSURE_KEY_LOCAL instead (checked below).
  if (source.kind === 'disclosureKeyParameter') return DISCLOSURE_KEY_SCHEMAS[SETTINGS_ENV.disclosureKeyParameter];
  return text();
}

/** The schema of every variable a function reads, derived from its declaration. */
export function configSchemaOf(fn: FunctionDeclaration): VariableSchemas {
  const schemas: Record<string, z.ZodType> = {};
  for (const { name, source } of variablesOf(fn)) schemas[name] = schemaOf(source);
  if (fn.uses.disclosureKey) schemas[SETTINGS_ENV.disclosureKeyLocal] = DISCLOSURE_KEY_SCHEMAS[SETTINGS_ENV.disclosureKeyLocal];
  return schemas;
}

/**
 * Reads a function's configuration from `env`, once, at cold start.
 * @throws ConfigurationError naming each missing or invalid variable.
 */
export function readFunctionConfig<F extends FunctionDeclaration>(fn: F, env: Environment = process.env): FunctionConfig<F['uses']> {
  const values = readConfig(configSchemaOf(fn), env) as Readonly<Record<string, unknown>>;
  const buckets: Record<string, string> = {};
  const tables: Record<string, string> = {};
  const queueUrls: Record<string, string> = {};
  const queueArns: Record<string, string> = {};
  const settings: Record<string, unknown> = {};
  for (const { name, source } of variablesOf(fn)) {
    const value = values[name];
    if (source.kind === 'bucket') buckets[source.bucket] = String(value);
    else if (source.kind === 'table') tables[source.table] = String(value);
    else if (source.kind === 'queueUrl') queueUrls[source.queue.name] = String(value);
    else if (source.kind === 'queueArn') queueArns[source.queue.name] = String(value);
    else if (source.kind === 'setting') settings[source.setting] = value;
  }
  const disclosureKey = fn.uses.disclosureKey ? disclosureKeySourceOf(values) : undefined;
  return { buckets, tables, queueUrls, queueArns, settings, disclosureKey } as unknown as FunctionConfig<F['uses']>;
}

/** The URL of `queue` in a function's configuration. @throws when the function does not declare the queue. */
export function queueUrlOf(config: Pick<FunctionConfig, 'queueUrls'>, queue: QueueSpec): string {
  const url = config.queueUrls[queue.name];
  if (url === undefined) throw new ConfigurationError(`${queue.name} is not a queue this function declares (shared/topology.ts)`);
  return url;
}

/** The ARN of trigger `queue` in a function's configuration. @throws when the function is not triggered by the queue. */
export function queueArnOf(config: Pick<FunctionConfig, 'queueArns'>, queue: QueueSpec): string {
  const arn = config.queueArns[queue.name];
  if (arn === undefined)
    throw new ConfigurationError(`${queue.name} is not a trigger of this function whose ARN it reads (shared/topology.ts)`);
  return arn;
}

/** The URL of each trigger queue of `fn`, by the queue's ARN (the one name an SQS record gives its queue). */
export function triggerQueueUrlsOf(
  config: Pick<FunctionConfig, 'queueUrls' | 'queueArns'>,
  fn: FunctionDeclaration,
): (arn: string) => string | undefined {
  const urls = new Map(fn.triggers.map((queue) => [queueArnOf(config, queue), queueUrlOf(config, queue)]));
  return (arn) => urls.get(arn);
}
