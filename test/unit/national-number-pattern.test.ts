import { describe, expect, it } from 'vitest';
import { NATIONAL_NUMBER_CLOUDWATCH_REGEX, nationalNumberRegExp } from '../../shared/national-number-pattern';
import { redactLogValue } from '../../shared/observability';

/** Every example, each with whether it holds a national number. */
const EXAMPLES: ReadonlyArray<readonly [text: string, holdsOne: boolean]> = [
  ['85073003328', true],
  ['85.07.30-033.28', true],
  ['85 07 30 033 28', true],
  ['insz 85 07 30 033 28 refused', true],
  ['{"insz":"00022212345"}', true],
  ['abc85073003328', true],
  ['85073003328abc', true],
  ['ref:85073003328;', true],
  ['first 85073003328, then 90010112345', true],
  ['abc85073003328def', true],
  ['85073003328_x', true],
  ['850730033281', false],
  ['1850730033281', false],
  ['1234567890', false],
  ['amount 1205.50', false],
  ['2025-11-03T09:15:00Z', false],
  ['KBO 0887010362', false],
  ['85..07.30.033.28', false],
];

describe('the national-number pattern', () => {
  it.each(EXAMPLES)('JavaScript and CloudWatch agree on %j (%s)', (text, holdsOne) => {
    expect(nationalNumberRegExp().test(text)).toBe(holdsOne);
    expect(new RegExp(NATIONAL_NUMBER_CLOUDWATCH_REGEX).test(text)).toBe(holdsOne);
  });

  it('is redacted by the logger in every example that holds one, and every number of a line', () => {
    for (const [text, holdsOne] of EXAMPLES) expect(redactLogValue('', text) !== text, text).toBe(holdsOne);
    expect(redactLogValue('note', 'first 85073003328, then 90010112345')).toBe('first [INSZ], then [INSZ]');
    expect(redactLogValue('note', 'abc85073003328')).toBe('abc[INSZ]');
  });

  it('is masked by CloudWatch in every number the logger masks, numbers a character apart too', () => {
    const cloudWatch = new RegExp(NATIONAL_NUMBER_CLOUDWATCH_REGEX, 'g');
    for (const text of [
      '85073003328 90010112345',
      '85073003328,90010112345',
      '["85073003328","90010112345"]',
      'x85073003328y 90010112345',
    ]) {
      expect(text.match(cloudWatch)?.length, text).toBe(text.match(nationalNumberRegExp())?.length);
    }
  });

  it('differs from the logger only where it documents it: a letter masked is lost to what follows; a longer run glued to a letter is masked', () => {
    const cloudWatch = new RegExp(NATIONAL_NUMBER_CLOUDWATCH_REGEX, 'g');
    expect('85073003328a90010112345'.match(nationalNumberRegExp())).toHaveLength(2);
    expect('85073003328a90010112345'.match(cloudWatch)).toHaveLength(1);
    expect(nationalNumberRegExp().test('1234567890123abc')).toBe(false);
    expect(cloudWatch.test('1234567890123abc')).toBe(true);
  });

  it('fits what CloudWatch Logs accepts for a custom data identifier: 200 characters, no group, no lookaround', () => {
    expect(NATIONAL_NUMBER_CLOUDWATCH_REGEX.length).toBeLessThanOrEqual(200);
    expect(NATIONAL_NUMBER_CLOUDWATCH_REGEX).toMatch(/^[A-Za-z0-9_#=@/;,\- ^$?[\]{}|\\*+.]+$/);
  });
});
