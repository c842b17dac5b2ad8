import { afterEach, expect, it } from 'vitest';
import { functionClock, setFunctionClock } from '../../shared/ports';

afterEach(() => setFunctionClock(undefined));

it("reads the machine's clock until a host gives its own, and again once the host takes it back", () => {
  const before = Date.now();
  const read = functionClock().getTime();
  expect(read).toBeGreaterThanOrEqual(before);
  expect(read).toBeLessThanOrEqual(Date.now());

  let now = Date.parse('2031-05-06T07:08:09.000Z');
  setFunctionClock(() => new Date(now));
  expect(functionClock().toISOString()).toBe('2031-05-06T07:08:09.000Z');
  now += 900_000;
  expect(functionClock().toISOString()).toBe('2031-05-06T07:23:09.000Z');

  setFunctionClock(undefined);
  expect(Math.abs(functionClock().getTime() - Date.now())).toBeLessThan(1_000);
});
