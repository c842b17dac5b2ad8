import fc from 'fast-check';

/**
 * The character rules of monthly-batch §2, written out from the contract (not taken from the code
 * under test), and strings to test them with.
 */

/** What `String.prototype.trim` removes (§2's white space): WhiteSpace and LineTerminator, U+FEFF included. */
export const WHITE_SPACE = [
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  ' ',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2001',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
] as const;

/** Characters that look like white space elsewhere (Python's `strip`, Java's `trim`) but are not white space here. */
export const NOT_WHITE_SPACE = ['\u0085', '\u001c', '\u001d', '\u001e', '\u001f', '\u200b', '\u180e'] as const;

/** Whether a code point is a Unicode noncharacter: U+FDD0–U+FDEF, and U+xFFFE, U+xFFFF of every plane. */
export function isNoncharacter(codePoint: number): boolean {
  return (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;
}

/** Whether a code point is a control character of §2: U+0000–U+001F, U+007F (not the C1 controls). */
export function isControl(codePoint: number): boolean {
  return codePoint <= 0x1f || codePoint === 0x7f;
}

/** Whether `text` holds a character no value may hold (§2): a control character, a noncharacter or a lone surrogate. */
export function breaksCharacterRule(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true; // a lone high surrogate
      const codePoint = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
      if (isNoncharacter(codePoint)) return true;
      i += 1;
      continue;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return true; // a lone low surrogate
    if (isControl(unit) || isNoncharacter(unit)) return true;
  }
  return false;
}

/** Characters §2 forbids, one of each kind, noncharacters of the BMP and of planes 1 and 16, lone surrogates both ways. */
export const FORBIDDEN_SAMPLES = [
  '\u0000',
  '\u0001',
  '\u001c',
  '\u001f',
  '\u007f',
  '\ufdd0',
  '\ufdef',
  '\ufffe',
  '\uffff',
  '\u{1fffe}',
  '\u{1ffff}',
  '\u{10fffe}',
  '\u{10ffff}',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\ude00\ud83d', // a pair the wrong way round: two lone surrogates
] as const;

/** Characters §2 lets through unchanged: C1 controls, the neighbours of the noncharacters, emoji and other astral characters. */
export const ALLOWED_SAMPLES = [
  '\u0080',
  '\u0085',
  '\u009f',
  '\u00e9',
  '\u200b',
  '\ufdcf',
  '\ufdf0',
  '\ufffd',
  '\ud7ff',
  '\ue000',
  '😀',
  '👩‍👧',
  '🇧🇪',
  '\u{1fffd}',
  '\u{10000}',
  '\u{e0001}',
  '\u{10fffd}',
] as const;

/**
 * Strings of any UTF-16 code units, lone surrogates included, biased towards the edges of §2's
 * rules (controls, noncharacters, surrogates, white space, emoji).
 */
export const anyText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 4 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 3 }) },
      { weight: 1, arbitrary: fc.constantFrom(...FORBIDDEN_SAMPLES, ...ALLOWED_SAMPLES, ...WHITE_SPACE, ...NOT_WHITE_SPACE) },
      { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)) },
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));
