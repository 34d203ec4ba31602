import { describe, expect, it } from 'vitest';
import { Encoder, describe as describeValue } from '../../../src/spec/encode.js';
import { columnNames, encodedWidth } from '../../../src/spec/feature-spec.js';
import { smallSpec } from './fixtures.js';

describe('Encoder', () => {
  const encoder = new Encoder(smallSpec());

  it('lays numeric values and a one-hot block out in spec order', () => {
    const { row, errors, imputed } = encoder.encode({ recency: 2.5, channel: 'search', frequency: 4 });
    expect(errors).toEqual([]);
    expect(imputed).toEqual([]);
    expect(Array.from(row)).toEqual([2.5, 0, 1, 0, 0, 4]);
    expect(encoder.width).toBe(6);
    expect(encodedWidth(smallSpec())).toBe(6);
    expect(columnNames(smallSpec())).toEqual([
      'recency', 'channel=email', 'channel=search', 'channel=__other__', 'channel=__missing__', 'frequency',
    ]);
  });

  it('encodes a missing optional numeric as NaN and a missing category as its own level, naming both', () => {
    const { row, errors, imputed } = encoder.encode({ frequency: 1, channel: null });
    expect(errors).toEqual([]);
    expect(imputed).toEqual(['recency', 'channel']);
    expect(Number.isNaN(row[0])).toBe(true);
    expect(Array.from(row.subarray(1, 5))).toEqual([0, 0, 0, 1]);
  });

  it('sends unseen and reserved-name categories to the other level', () => {
    for (const value of ['tv', '__missing__', '__other__']) {
      const { row } = encoder.encode({ frequency: 1, recency: 1, channel: value });
      expect(Array.from(row.subarray(1, 5))).toEqual([0, 0, 1, 0]);
    }
  });

  it('reports every problem of a record at once', () => {
    const { errors } = encoder.encode({ recency: 'abc', channel: 7, bogus: 1 });
    expect(errors).toEqual([
      { field: 'bogus', message: 'unknown feature' },
      { field: 'recency', message: 'expected a number, got "abc"' },
      { field: 'channel', message: 'expected a string, got 7' },
      { field: 'frequency', message: 'missing required feature' },
    ]);
  });

  it('rejects missing features in strict mode instead of imputing', () => {
    const { errors, imputed } = encoder.encode({ frequency: 1 }, { strict: true });
    expect(imputed).toEqual([]);
    expect(errors.map((e) => e.field)).toEqual(['recency', 'channel']);
  });

  it('rejects numbers a float32 cannot hold and non-finite numbers', () => {
    expect(encoder.encode({ frequency: 1e39 }).errors[0]?.message).toBe('number 1e+39 is outside the float32 range');
    expect(encoder.encode({ frequency: Number.POSITIVE_INFINITY }).errors[0]?.message).toBe('expected a number, got Infinity');
  });

  it('treats __proto__ and constructor as plain unknown keys, never as a path into the prototype', () => {
    const record = JSON.parse('{"__proto__": {"frequency": 1}, "constructor": 2, "frequency": 3}') as object;
    const { row, errors } = encoder.encode(record);
    expect(errors.map((e) => e.field).sort()).toEqual(['__proto__', 'constructor']);
    expect(row[5]).toBe(3);
  });

  it('writes into a shared batch buffer at an offset without touching neighbours', () => {
    const out = new Float32Array(18).fill(-7);
    encoder.encodeInto({ recency: 1, channel: 'email', frequency: 2 }, out, 6);
    expect(Array.from(out.subarray(0, 6))).toEqual(new Array(6).fill(-7));
    expect(Array.from(out.subarray(6, 12))).toEqual([1, 1, 0, 0, 0, 2]);
    expect(Array.from(out.subarray(12))).toEqual(new Array(6).fill(-7));
  });
});

describe('describe()', () => {
  it('shortens long strings and names shapes instead of dumping them', () => {
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(40)}…"`);
    expect(describeValue([1, 2])).toBe('an array');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue(true)).toBe('boolean');
  });
});
