import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.ts';
import { ownedRecordIds, parseUserId, userIdSchema, serialIdSchema } from '../../src/common/validation.ts';
import { anyInteger, anyText } from '../support/inputs.ts';

/** What the schema makes of a value: its output, or that it refuses it. */
function bySchema<T>(parse: () => T): { value: T } | 'refused' {
  try {
    return { value: parse() };
  } catch {
    return 'refused';
  }
}

/** The same, through the call that may skip the schema for what it accepts. */
function byCall<T>(call: () => T): { value: T } | 'refused' {
  try {
    return { value: call() };
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return 'refused';
  }
}

// Ids skip zod when they are already what the schema would return; whatever they skip, the schema must agree with.
describe('ids accepted without the schema are exactly those it accepts unchanged', () => {
  const ids = fc.oneof(anyText, anyText.map((text) => ` ${text}\t`), fc.constantFrom('user_2abc', 'x'.repeat(255), 'x'.repeat(256), '😀'.repeat(200)));

  it('user ids', () => {
    fc.assert(
      fc.property(ids, (id) => {
        expect(byCall(() => parseUserId(id))).toEqual(bySchema(() => userIdSchema.parse(id)));
      }),
      { numRuns: 2000 },
    );
  });

  it('a user id with the id of one of their records', () => {
    fc.assert(
      fc.property(ids, fc.oneof(anyInteger, fc.constantFrom(1, 2_147_483_647, 2_147_483_648, 0, -1, 1.5)), (id, record) => {
        const expected = bySchema(() => [userIdSchema.parse(id), serialIdSchema.parse(record)]);
        expect(byCall(() => ownedRecordIds(id, record, 'camId'))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
