/**
 * A text with its hex digests (keyed hashes, SHA-256s, batch ids: 32 hex characters or more) taken
 * out, so that a scan for national numbers does not take eleven digits inside a digest for one.
 */
export function withoutHexDigests(text: string): string {
  return text.replace(/[0-9a-f]{32,}/g, '<digest>');
}
