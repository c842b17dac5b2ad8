import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { SETTINGS_ENV } from '../topology';

/**
 * The key of the HMAC that names a person in the record of disclosures (return-flows §4). It lives
 * outside the table: an SSM SecureString in AWS (its name in `DISCLOSURE_KEY_PARAMETER`), a hex
 * key in `DISCLOSURE_KEY_LOCAL` on the laptop. Without either the hub must not deliver: a record of
 * disclosures keyed by a guessable or missing key would be worthless, so this fails loudly.
 */

/** At least 256 bits: the HMAC-SHA-256 output length (RFC 2104 §3). */
export const MIN_KEY_BYTES = 32;

/** How long a fetched key is cached in the Lambda's memory, in seconds. */
const KEY_CACHE_SECONDS = 300;

/** No usable disclosure key: the hub must not deliver without one. */
export class DisclosureKeyError extends Error {
  override readonly name = 'DisclosureKeyError';
}

/** Reads a hex key and checks its length; the message never contains the key. */
export function parseHexKey(value: string, source: string): Buffer {
  const hex = value.trim();
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new DisclosureKeyError(`${source}: the disclosure key must be hex`);
  const key = Buffer.from(hex, 'hex');
  if (key.length < MIN_KEY_BYTES) throw new DisclosureKeyError(`${source}: the disclosure key must be at least ${MIN_KEY_BYTES} bytes`);
  return key;
}

/**
 * The disclosure HMAC key: from the SSM SecureString named by `DISCLOSURE_KEY_PARAMETER` (decrypted,
 * cached five minutes by Powertools), else from `DISCLOSURE_KEY_LOCAL`.
 * @throws DisclosureKeyError when neither is set, or the value is not a hex key of 32 bytes or more.
 */
export async function loadDisclosureKey(env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const parameterName = env[SETTINGS_ENV.disclosureKeyParameter];
  if (parameterName) {
    const value = await getParameter(parameterName, { decrypt: true, maxAge: KEY_CACHE_SECONDS });
    if (typeof value !== 'string' || value === '') throw new DisclosureKeyError(`SSM parameter ${parameterName} holds no disclosure key`);
    return parseHexKey(value, `SSM parameter ${parameterName}`);
  }
  const local = env[SETTINGS_ENV.disclosureKeyLocal];
  if (local) return parseHexKey(local, SETTINGS_ENV.disclosureKeyLocal);
  throw new DisclosureKeyError(
    `No disclosure key: set ${SETTINGS_ENV.disclosureKeyParameter} (SSM SecureString, AWS) or ${SETTINGS_ENV.disclosureKeyLocal} (hex, laptop)`,
  );
}
