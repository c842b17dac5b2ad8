import { ALL_FIELDS, RECIPIENT_VIEWS, type Recipient, type RecipientRecord, type RecordField } from './recipients';

/**
 * Minimisation (spec monthly-batch §6): a recipient's record holds exactly the fields of its view,
 * from the normalised values (the amount already with exactly two decimals), and nothing else;
 * absent optional fields are left out.
 */
export function minimise(recipient: Recipient, values: Readonly<Partial<Record<RecordField, string>>>): RecipientRecord {
  const view = RECIPIENT_VIEWS[recipient];
  // A view of every field is the normalised line itself, which nothing changes after validation.
  if (view === ALL_FIELDS) return values;
  const record: Partial<Record<RecordField, string>> = {};
  for (let i = 0; i < view.length; i++) {
    const field = view[i] as RecordField;
    const value = values[field];
    if (value !== undefined) record[field] = value;
  }
  return record;
}
