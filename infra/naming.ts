/**
 * A name as a PascalCase word for construct ids, statement ids and export names:
 * `paymentLines` → `PaymentLines`, and an acronym as a word, `VDAB` → `Vdab`. Deployed ids are
 * made with it, so its output for an existing name must never change.
 */
export function pascalCase(name: string): string {
  const word = /^[A-Z0-9]+$/.test(name) ? name.toLowerCase() : name;
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * The prefix of every stack of a stage's hub (`Art60Hub-<stage>`): the stacks are named
 * `<prefix>-Stateful` and `<prefix>-Stateless`, and the alarms after their stack, so that the
 * alarm topic can let exactly this stage's alarms publish.
 */
export function hubStackPrefix(stageName: string): string {
  return `Art60Hub-${stageName}`;
}
