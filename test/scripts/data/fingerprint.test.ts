/** Fingerprints: equal text, equal fingerprint; distinct texts, distinct fingerprints; the set finds repeats as a Set of strings would. */
import { describe, expect, it } from 'vitest';
import { FingerprintSet, fingerprintInto } from '../../../scripts/data/fingerprint.js';

const fp = (text: string) => {
  const out = new Uint32Array(4);
  fingerprintInto(text, out, 0);
  return Array.from(out);
};

describe('fingerprintInto', () => {
  it('gives equal texts equal fingerprints, and every one of 200,000 near-identical texts its own', () => {
    expect(fp('["C000001","email","US","1.5"]')).toEqual(fp('["C000001","email","US","1.5"]'));
    const seen = new Set<string>();
    // Texts of every length 0..40 and one character apart, the cases a weak hash merges.
    for (let i = 0; i < 200_000; i++) seen.add(fp(`${'x'.repeat(i % 41)}${i}`).join(','));
    seen.add(fp('').join(','));
    seen.add(fp('\u0000').join(','));
    seen.add(fp('\u0000\u0000').join(','));
    expect(seen.size).toBe(200_003);
  });

  it('reads every UTF-16 unit: a tail of 1 to 7 units, surrogates and units above 0xFF all count', () => {
    const texts = ['a', 'ab', 'abc', 'abcdefg', 'abcdefgh', 'é', 'e\u0301', '💸', '\uD83D', 'Ā', 'ā'];
    expect(new Set(texts.map((t) => fp(t).join(','))).size).toBe(texts.length);
  });
});

describe('FingerprintSet', () => {
  it('adds each fingerprint once, through growth, as a Set of the texts would', () => {
    const set = new FingerprintSet(4);
    const reference = new Set<string>();
    const key = new Uint32Array(4);
    for (let i = 0; i < 50_000; i++) {
      const text = `row-${(i * 7919) % 20_011}`;
      fingerprintInto(text, key, 0);
      expect(set.add(key, 0)).toBe(!reference.has(text));
      reference.add(text);
    }
  });
});
