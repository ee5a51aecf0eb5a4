// Edit distance with a ceiling: exact up to the ceiling, `max + 1` beyond it, whatever the strings; and the
// "did you mean" of the inventory stays cheap for words no host name could be a typo of.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levenshtein } from '../../../src/text/similar.js';
import { closeWords, MAX_SUGGESTED_LENGTH } from '../../../src/inventory/suggest.js';

describe('levenshtein with max', () => {
  it('is the distance when it is within max, and max + 1 otherwise', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-'), maxLength: 30 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 12 }), (a, b, max) => {
        expect(levenshtein(a, b, max)).toBe(Math.min(levenshtein(a, b), max + 1));
      }),
      { numRuns: 2000 },
    );
  });

  it('counts a swap of neighbours as one edit, also at the ceiling', () => {
    expect(levenshtein('prot', 'port', 1)).toBe(1);
    expect(levenshtein('ab', 'ba', 0)).toBe(1);
  });
});

describe('closeWords', () => {
  it('suggests for a typo, and nothing for a word longer than any typo of a host name', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `web-${String(i).padStart(4, '0')}`);
    expect(closeWords('web-O012', names)).toEqual(['web-0012']);
    expect(closeWords('w'.repeat(MAX_SUGGESTED_LENGTH + 1), ['w'.repeat(MAX_SUGGESTED_LENGTH + 1)])).toEqual(
      [],
    );
  });
});
