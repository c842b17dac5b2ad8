import { RECIPIENT_VIEWS, type Recipient, type RecipientRecord, type RecordField } from './recipients';
import { formatCents } from './money';

/**
 * Minimisation (spec monthly-batch §6): a recipient's record holds exactly the fields of its view,
 * from the normalised values, and nothing else; absent optional fields are left out. The amount
 * goes out as a string with exactly two decimals.
 */
export function minimise(recipient: Recipient, values: Readonly<Partial<Record<RecordField, string>>>, amountCents: number): RecipientRecord {
  const record: Partial<Record<RecordField, string>> = {};
  for (const field of RECIPIENT_VIEWS[recipient]) {
    const value = field === 'amount' ? formatCents(amountCents) : values[field];
    if (value !== undefined) record[field] = value;
  }
  return record;
}
