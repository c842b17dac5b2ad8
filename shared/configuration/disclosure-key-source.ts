import { SETTINGS_ENV } from '../topology';
import { ConfigurationError, type Environment, readConfig, secret, text, type VariableSchemas } from './read-config';

/** Where the disclosure HMAC key comes from: SSM in AWS, a hex value on the laptop. */
export type DisclosureKeySource = { readonly parameterName: string } | { readonly localHex: string };

/**
 * The variables that name the key: its SSM parameter in AWS, or on the laptop the key itself
 * (a secret: an error message never repeats it). Either may be unset; {@link disclosureKeySourceOf}
 * requires one.
 */
export const DISCLOSURE_KEY_SCHEMAS = {
  [SETTINGS_ENV.disclosureKeyParameter]: text().optional(),
  [SETTINGS_ENV.disclosureKeyLocal]: secret(text().optional()),
} as const satisfies VariableSchemas;

/**
 * The key's source from the values read through {@link DISCLOSURE_KEY_SCHEMAS}: the parameter when
 * it is named (AWS), else the laptop's key.
 * @throws ConfigurationError when neither is set.
 */
export function disclosureKeySourceOf(values: Readonly<Record<string, unknown>>): DisclosureKeySource {
  const parameterName = values[SETTINGS_ENV.disclosureKeyParameter];
  if (typeof parameterName === 'string') return { parameterName };
  const localHex = values[SETTINGS_ENV.disclosureKeyLocal];
  if (typeof localHex === 'string') return { localHex };
  throw new ConfigurationError(
    `environment variable ${SETTINGS_ENV.disclosureKeyParameter} is not set (on the laptop: ${SETTINGS_ENV.disclosureKeyLocal})`,
  );
}

/**
 * The key's source for a script (`npm run disclosures`), from the same variables the functions get.
 * @throws ConfigurationError when neither is set.
 */
export function readDisclosureKeySource(env: Environment = process.env): DisclosureKeySource {
  return disclosureKeySourceOf(readConfig(DISCLOSURE_KEY_SCHEMAS, env));
}
