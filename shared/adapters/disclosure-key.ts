import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { DisclosureKeySource } from '../configuration/disclosure-key-source';
import { SETTINGS_ENV } from '../topology';
import { awsClientSettings } from './aws-clients';

/**
 * The key of the HMAC that names a person in the record of disclosures (return-flows §4). It lives
 * outside the table: an SSM SecureString in AWS, a hex key on the laptop; the function's
 * configuration says which (shared/configuration/disclosure-key-source.ts). Without a usable key
 * the hub must not deliver: a record of disclosures keyed by a guessable or missing key would be
 * worthless, so this fails loudly.
 */

/** At least 256 bits: the HMAC-SHA-256 output length (RFC 2104 §3). */
export const MIN_KEY_BYTES = 32;

/** How long a fetched key is cached in the Lambda's memory, in seconds. */
const KEY_CACHE_SECONDS = 300;

let ssm: SSMProvider | undefined;

/** Powertools' SSM provider over an SSM client with the hub's timeouts and retry policy, made on first use. */
function ssmProvider(): SSMProvider {
  ssm ??= new SSMProvider({ awsSdkV3Client: new SSMClient(awsClientSettings('ssm')) });
  return ssm;
}

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
 * The disclosure HMAC key from its source: the SSM SecureString (decrypted, cached five minutes by
 * Powertools), or the laptop's hex key.
 * @throws DisclosureKeyError when the source names no key, or the value is not a hex key of 32 bytes or more.
 */
export async function loadDisclosureKey(source: DisclosureKeySource): Promise<Buffer> {
  if ('parameterName' in source) {
    const { parameterName } = source;
    const value = await ssmProvider().get(parameterName, { decrypt: true, maxAge: KEY_CACHE_SECONDS });
    if (typeof value !== 'string' || value === '') throw new DisclosureKeyError(`SSM parameter ${parameterName} holds no disclosure key`);
    return parseHexKey(value, `SSM parameter ${parameterName}`);
  }
  if ('localHex' in source) return parseHexKey(source.localHex, SETTINGS_ENV.disclosureKeyLocal);
  // The type allows no other source; a value built around it still must not pass unkeyed.
  throw new DisclosureKeyError(
    `No disclosure key: set ${SETTINGS_ENV.disclosureKeyParameter} (SSM SecureString, AWS) or ${SETTINGS_ENV.disclosureKeyLocal} (hex, laptop)`,
  );
}

/**
 * The disclosure key as a function reads it, at each use and always through a cache: in AWS the
 * SSM parameter is fetched again only when Powertools' five-minute cache has run out (so a rotated
 * key is picked up without a cold start); the laptop's key is parsed once.
 */
export function disclosureKeyReader(source: DisclosureKeySource): () => Promise<Uint8Array> {
  if ('localHex' in source) {
    let parsed: Promise<Buffer> | undefined;
    return () => {
      parsed ??= loadDisclosureKey(source);
      return parsed;
    };
  }
  return () => loadDisclosureKey(source);
}
