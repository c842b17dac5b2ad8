import { z } from 'zod';

/**
 * The one reader of environment variables, for the functions and the scripts alike: a zod schema
 * per variable, read once, every problem named by its variable. An empty value counts as unset,
 * as the SDK and Lambda's console treat it.
 */

/** What a process was started with: `process.env`, or a plain record in tests. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A schema per variable name; each receives the variable's text, or `undefined` when it is unset. */
export type VariableSchemas = Readonly<Record<string, z.ZodType>>;

/** The values a {@link VariableSchemas} produces, by variable name. */
export type VariableValues<S extends VariableSchemas> = { readonly [K in keyof S]: z.output<S[K]> };

/** Thrown at start-up; its message has one line per missing or invalid variable. */
export class ConfigurationError extends Error {}

const SECRETS = new WeakSet<z.ZodType>();

/** Marks a variable whose value an error message must never repeat (a key). */
export function secret<T extends z.ZodType>(schema: T): T {
  SECRETS.add(schema);
  return schema;
}

/** A variable that must be set. */
export function text(): z.ZodString {
  return z.string();
}

/** A number the variable must hold, described for the error message ("a number between 0 and 1"). */
export function numberWhere(description: string, accepts: (n: number) => boolean): z.ZodType<number, string> {
  return z
    .string()
    .refine((raw) => raw.trim() !== '' && accepts(Number(raw)), { error: `must be ${description}` })
    .transform(Number);
}

/** A share from 0 to 1 (`0.05` is 5 %). */
export function share(): z.ZodType<number, string> {
  return numberWhere('a number between 0 and 1', (n) => n >= 0 && n <= 1);
}

/** A whole number within `min`–`max`, described for the error message. */
export function wholeNumber(min: number, max: number, description: string): z.ZodType<number, string> {
  return numberWhere(description, (n) => Number.isInteger(n) && n >= min && n <= max);
}

/** JSON text whose value matches `schema`, described for the error message. */
export function json<T>(schema: z.ZodType<T>, description: string): z.ZodType<T, string> {
  return z.string().transform((raw, context) => {
    try {
      const parsed = schema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: the same message as a wrong shape
    }
    context.addIssue({ code: 'custom', message: `must be ${description}` });
    return z.NEVER;
  });
}

function problemOf(issue: z.core.$ZodIssue, schemas: VariableSchemas, input: Environment): string {
  const name = String(issue.path[0] ?? '');
  const raw = input[name];
  if (raw === undefined) return `environment variable ${name} is not set`;
  const schema = schemas[name];
  return schema !== undefined && SECRETS.has(schema) ? `${name} ${issue.message}` : `${name} ${issue.message}, got ${JSON.stringify(raw)}`;
}

/**
 * Reads the variables of `schemas` from `env`, each through its schema.
 * @throws ConfigurationError naming every variable that is missing or invalid, e.g.
 *   `environment variable BUCKET_STAGING is not set` or
 *   `MAX_REJECTED_SHARE must be a number between 0 and 1, got "abc"`.
 */
export function readConfig<S extends VariableSchemas>(schemas: S, env: Environment = process.env): VariableValues<S> {
  const input: Record<string, string | undefined> = {};
  for (const name of Object.keys(schemas)) input[name] = env[name] === '' ? undefined : env[name];
  const result = z.object(schemas).safeParse(input);
  if (result.success) return result.data as VariableValues<S>;
  const problems = [...new Set(result.error.issues.map((issue) => problemOf(issue, schemas, input)))];
  throw new ConfigurationError(problems.join('\n'));
}
