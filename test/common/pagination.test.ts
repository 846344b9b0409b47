import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.ts';
import { decodeCursor, encodeCursor } from '../../src/common/pagination.ts';
import { anyCursorId, anyCursorKey, anyText, isCursorOf } from '../support/inputs.ts';

const ORDERINGS = ['id:asc', 'name:asc', 'name:desc', 'createdAt:desc', 'createdAt:asc', 'updatedAt:desc'];
const forged = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

function refusal(cursor: string, ordering: string): ValidationError {
  try {
    decodeCursor(cursor, ordering);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`cursor ${cursor} was taken for ${ordering}`);
}

describe('decodeCursor', () => {
  it('takes back what encodeCursor wrote', () => {
    const position = { ordering: 'createdAt:desc', key: '2026-11-25T10:19:27.123456Z', id: 42 };
    expect(decodeCursor(encodeCursor(position), position.ordering)).toEqual(position);
    expect(decodeCursor(encodeCursor({ ordering: 'name:asc', key: 'Camaro \u{1f600}', id: 2 ** 31 - 1 }), 'name:asc').key).toBe('Camaro \u{1f600}');
  });

  it.each<[string, unknown[], string]>([
    ['a key that is no date, for a date ordering', ['createdAt:desc', 'yesterday', 1], 'createdAt:desc'],
    ['a date that does not exist (30 February)', ['createdAt:desc', '2026-02-30T00:00:00.000000Z', 1], 'createdAt:desc'],
    ['year 0', ['updatedAt:asc', '0000-01-01T00:00:00.000000Z', 1], 'updatedAt:asc'],
    ['a date not in the DTO form', ['createdAt:desc', '2026-01-01T00:00:00Z', 1], 'createdAt:desc'],
    ['infinity, which PostgreSQL would take', ['createdAt:desc', 'infinity', 1], 'createdAt:desc'],
    ['a number for a name ordering', ['name:asc', 7, 1], 'name:asc'],
    ['a name with U+0000', ['name:asc', 'a\u0000', 1], 'name:asc'],
    ['a name with a lone surrogate', ['name:asc', 'a\ud800', 1], 'name:asc'],
    ['a text key for the id ordering', ['id:asc', '5', 5], 'id:asc'],
    ['an id beyond integer', ['id:asc', 5, 2 ** 31], 'id:asc'],
    ['an id of zero', ['name:asc', 'a', 0], 'name:asc'],
    ['a fractional id', ['name:asc', 'a', 1.5], 'name:asc'],
    ['another ordering', ['name:asc', 'a', 1], 'name:desc'],
  ])('refuses %s as `after`', (_case, parts, ordering) => {
    expect(refusal(forged(parts), ordering).issues.map((issue) => issue.path)).toEqual([['after']]);
  });

  it('refuses what is not base64url JSON, or not its tuple', () => {
    for (const cursor of ['', 'not a cursor', forged([]), forged({ ordering: 'id:asc' }), Buffer.from('[1,').toString('base64url')]) {
      expect(refusal(cursor, 'id:asc').code).toBe('VALIDATION');
    }
  });

  it('takes exactly the forged cursors whose key and id fit the ordering', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ORDERINGS), anyCursorKey, anyCursorId, (ordering, key, id) => {
        // What JSON hands back: NaN becomes null, -0 becomes 0.
        const [, parsedKey, parsedId] = JSON.parse(JSON.stringify([ordering, key, id])) as unknown[];
        const expected = isCursorOf(ordering.split(':')[0]!, parsedKey, parsedId);
        const cursor = forged([ordering, key, id]);
        if (expected) expect(decodeCursor(cursor, ordering)).toEqual({ ordering, key: parsedKey, id: parsedId });
        else expect(refusal(cursor, ordering).issues[0]!.path).toEqual(['after']);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws anything but a ValidationError for an arbitrary string', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...ORDERINGS), (cursor, ordering) => {
        try {
          decodeCursor(cursor, ordering);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
