/**
 * The value a construct always has in this app (a customer-managed key, set by our own secure
 * defaults), typed as optional by CDK. Fails the synthesis, naming what is missing, rather than
 * deploying a resource without it.
 */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not set`);
  return value;
}
