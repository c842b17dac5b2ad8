import { describe, expect, it } from 'vitest';
import { pascalCase } from '../../../infra/naming';

describe('pascalCase', () => {
  it('capitalises a camelCase name and writes an acronym as a word, as the deployed ids were made', () => {
    expect(['inbound', 'paymentLines', 'refusedMessages', 'VDAB', 'ACTIRIS', 'FOREM', 'PPS'].map(pascalCase)).toEqual([
      'Inbound',
      'PaymentLines',
      'RefusedMessages',
      'Vdab',
      'Actiris',
      'Forem',
      'Pps',
    ]);
  });
});
