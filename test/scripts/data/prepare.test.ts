import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../scripts/data/errors.js';
import { type PrepareOptions, prepareData } from '../../../scripts/data/prepare.js';
import { applyTransforms, transformValue } from '../../../scripts/data/transform.js';
import { Encoder } from '../../../src/spec/encode.js';
import { MISSING_LEVEL, OTHER_LEVEL, SPEC_FORMAT, columnTransforms } from '../../../src/spec/feature-spec.js';
import { sharedDataDir } from '../../../scripts/data/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-prepare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function write(text: string, name = `data-${++files}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function csv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => row.join(',')).join('\n') + '\n';
}

/** Runs prepareData and returns the DataError it throws (failing if it throws nothing or something else). */
function failure(options: PrepareOptions): DataError {
  try {
    prepareData(options);
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected prepareData to throw a DataError');
}

/** n valid rows of recency,spend,ltv. */
function simpleRows(n: number): (string | number)[][] {
  return [['recency', 'spend', 'ltv'], ...Array.from({ length: n }, (_, i) => [i % 7, 10 + i, i % 3 === 0 ? 0 : i])];
}

/**
 * The hand-made table: data rows 0–13 are train and 14–19 test in its split file.
 * Row 10 repeats row 1; rows 11–13 have a missing, negative and infinite target;
 * row 14 repeats the id of row 2; `constant` is constant and `empty` always missing.
 */
const HANDMADE = [
  ['customer_id', 'recency', 'spend', 'channel', 'constant', 'empty', 'ltv'],
  ['c01', '1', '10', 'email', '5', '', '0'],
  ['c02', '2', '20', 'social', '5', 'NA', '12.5'],
  ['c03', '3', '30', 'email', '5', '', '0'],
  ['c04', 'NA', '40', 'organic', '5', '', '7'],
  ['c05', '5', '50', '', '5', 'null', '0'],
  ['c06', '6', '60', 'email', '5', '', '3'],
  ['c07', '7', '70', 'social', '5', '', '0'],
  ['c08', '8', '80', 'email', '5', '', '1'],
  ['c09', '9', 'NaN', 'organic', '5', '', '0'],
  ['c10', '10', '1000', 'email', '5', '', '100'],
  ['c02', '2', '20', 'social', '5', 'NA', '12.5'],
  ['c11', '11', '110', 'email', '5', '', ''],
  ['c12', '12', '120', 'email', '5', '', '-3'],
  ['c13', '13', '130', 'email', '5', '', 'Infinity'],
  ['c03', '99', '99', 'email', '5', '', '1'],
  ['c14', '500', '5000', 'paid', '5', '', '2'],
  ['c15', '15', '150', 'email', '5', '', '0'],
  ['c16', '16', '160', 'social', '5', '', '4'],
  ['c17', '', '170', 'organic', '5', 'NULL', '0'],
  ['c18', '18', '180', 'email', '5', '', '9'],
];
const handmade = write(csv(HANDMADE), 'handmade.csv');
const handmadeSplit = write(
  csv([['row', 'customer_id', 'split'], ...HANDMADE.slice(1).map((row, i) => [i, row[0]!, i < 14 ? 'train' : 'test'])]),
  'handmade.split.csv',
);
const handmadeOptions: PrepareOptions = {
  data: handmade, id: 'customer_id', split: handmadeSplit, clipQuantiles: [0.1, 0.9], maxLevels: 2, unit: 'USD',
};

describe('prepareData on a hand-made table', () => {
  const prepared = prepareData(handmadeOptions);
  const { report, spec, train, test } = prepared;

  it('counts duplicates, duplicate ids and bad targets, keeping the first of each', () => {
    expect(report).toMatchObject({
      rowsRead: 20, duplicateRows: 1, duplicateIds: 1, missingTarget: 1, negativeTarget: 1, nonFiniteTarget: 1,
      rowsKept: 15, split: 'file', trainRows: 10, testRows: 5,
    });
    expect([...train.dataRows]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...test.dataRows]).toEqual([15, 16, 17, 18, 19]);
    expect(train.ids).toEqual(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10']);
    expect([...test.y]).toEqual([2, 0, 4, 0, 9]);
  });

  it('counts missing values per column over the kept rows, whatever the token', () => {
    expect(report.missingByColumn).toEqual({ recency: 2, spend: 1, channel: 1, constant: 0, empty: 15 });
  });

  it('drops a constant and an all-missing column with warnings naming them', () => {
    expect(report.droppedColumns.map((d) => [d.name, d.reason])).toEqual([['constant', 'constant'], ['empty', 'missing']]);
    expect(prepared.warnings).toContain('column "constant" is constant in the training split (every value is 5); dropped');
    expect(prepared.warnings).toContain('column "empty" is missing in every training row; dropped');
    expect(spec.features.map((f) => f.name)).toEqual(['recency', 'spend', 'channel']);
    expect(report.features).toEqual({ read: 5, kept: 3, width: 6 });
  });

  it('fits impute and clip bounds on the training split only', () => {
    const [recency, spend] = spec.features;
    // Training recency: 1 2 3 · 5 6 7 8 9 10 (test has 500, which must not matter).
    expect(recency).toMatchObject({ type: 'numeric', optional: true });
    if (recency?.type !== 'numeric' || spend?.type !== 'numeric') throw new Error('expected numeric features');
    expect(recency.transform.impute).toBe(6);
    expect(recency.transform.min).toBeCloseTo(1.8, 5);
    expect(recency.transform.max).toBeCloseTo(9.2, 5);
    // Training spend: 10 … 80 and 1000 (test has 5000): q0.1 = 18, q0.9 = 80 + 0.2 · 920 = 264.
    expect(spend.transform.impute).toBe(50);
    expect(spend.transform.min).toBeCloseTo(18, 4);
    expect(spend.transform.max).toBeCloseTo(264, 4);
    expect(report.clippedByColumn).toEqual({ recency: { below: 1, above: 1 }, spend: { below: 1, above: 1 } });
    expect(report.clippedTotal).toBe(4);
  });

  it('keeps the top-K training levels, then OTHER and MISSING, ties in name order', () => {
    const channel = spec.features[2];
    if (channel?.type !== 'categorical') throw new Error('expected a categorical feature');
    // Training: email 5, organic 2, social 2, missing 1.
    expect(channel.levels).toEqual(['email', 'organic', OTHER_LEVEL, MISSING_LEVEL]);
    expect(report.categories.channel).toEqual({ distinct: 3, kept: 2, otherRows: 2 });
    expect(prepared.columns).toEqual(['recency', 'spend', 'channel=email', 'channel=organic', `channel=${OTHER_LEVEL}`, `channel=${MISSING_LEVEL}`]);
    const oneHot = (split: typeof train, i: number) => [...split.raw.slice(i * 6 + 2, i * 6 + 6)];
    expect(oneHot(train, 1)).toEqual([0, 0, 1, 0]); // social: rare in training → OTHER
    expect(oneHot(train, 4)).toEqual([0, 0, 0, 1]); // missing
    expect(oneHot(test, 0)).toEqual([0, 0, 1, 0]); // paid: never seen → OTHER
    expect(oneHot(test, 3)).toEqual([0, 1, 0, 0]);
  });

  it('encodes rows with the shared Encoder, NaN for missing numbers', () => {
    const expected = new Encoder(spec).encode({ recency: null, spend: 40, channel: 'organic' }).row;
    expect([...train.raw.slice(3 * 6, 4 * 6)]).toEqual([...expected]);
    expect(Number.isNaN(test.raw[3 * 6])).toBe(true);
  });

  it('scales the training columns to mean 0 and std 1 after impute and clip', () => {
    for (let c = 0; c < prepared.width; c++) {
      const column = Array.from({ length: train.rows }, (_, r) => train.scaled[r * prepared.width + c]!);
      const mean = column.reduce((s, v) => s + v, 0) / column.length;
      const sd = Math.sqrt(column.reduce((s, v) => s + (v - mean) ** 2, 0) / column.length);
      expect(mean).toBeCloseTo(0, 5);
      // A level absent from training (MISSING is present here) has std 1 and stays 0.
      expect(sd === 0 || Math.abs(sd - 1) < 1e-5).toBe(true);
    }
    const transforms = columnTransforms(spec);
    test.raw.forEach((x, i) => expect(test.scaled[i]).toBe(transformValue(transforms[i % prepared.width]!, x)));
    expect(applyTransforms(spec, test.raw, test.rows)).toEqual(test.scaled);
  });

  it('writes the spec with the training target statistics', () => {
    const y = [0, 12.5, 0, 7, 0, 3, 0, 1, 0, 100];
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const std = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length);
    expect(spec.format).toBe(SPEC_FORMAT);
    expect(spec.io).toEqual({ input: 'features', outputs: ['ltv'] });
    expect(spec.target).toEqual({ name: 'ltv', unit: 'USD', mean: Math.fround(mean), std: Math.fround(std) });
    expect([...train.y]).toEqual(y);
    for (const t of columnTransforms(spec)) for (const v of Object.values(t)) expect(Math.fround(v)).toBe(v);
  });

  it('hashes the file', () => {
    expect(prepared.dataSha256).toBe(createHash('sha256').update(readFileSync(handmade)).digest('hex'));
  });
});

describe('prepareData splits', () => {
  const data = write(csv(simpleRows(50)));

  it('splits 80/20 at random, reproducibly by seed', () => {
    const a = prepareData({ data });
    const b = prepareData({ data, seed: 42 });
    const c = prepareData({ data, seed: 7 });
    expect([a.train.rows, a.test.rows]).toEqual([40, 10]);
    expect(a.test.dataRows).toEqual(b.test.dataRows);
    expect(a.test.dataRows).not.toEqual(c.test.dataRows);
    expect([...a.train.dataRows, ...a.test.dataRows].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a.report.split).toBe('random');
  });

  it('honours a split file', () => {
    const split = write(csv([['row', 'customer_id', 'split'], ...Array.from({ length: 50 }, (_, i) => [i, `x${i}`, i % 5 === 1 ? 'test' : 'train'])]));
    const prepared = prepareData({ data, split });
    expect([...prepared.test.dataRows]).toEqual([1, 6, 11, 16, 21, 26, 31, 36, 41, 46]);
    expect(prepared.test.ids).toEqual(['x1', 'x6', 'x11', 'x16', 'x21', 'x26', 'x31', 'x36', 'x41', 'x46']);
  });

  it('does not take different customers with identical rows for duplicates when the split file names them', () => {
    const same = write(csv([['recency', 'ltv'], ...Array.from({ length: 20 }, (_, i) => [i % 4, i % 4])]));
    const split = write(csv([['row', 'customer_id', 'split'], ...Array.from({ length: 20 }, (_, i) => [i, `c${i}`, i < 15 ? 'train' : 'test'])]));
    expect(prepareData({ data: same, split }).report.duplicateRows).toBe(0);
    const prepared = prepareData({ data: same, minRows: 2 });
    expect(prepared.report.duplicateRows).toBe(16);
    expect(prepared.warnings[0]).toMatch(/^16 rows \(80\.0 %\) repeat an earlier row exactly and were dropped/);
  });
});

describe('prepareData column types', () => {
  const rows = simpleRows(12);
  rows[8]![0] = 'abc'; // data row 8, line 9

  it('infers a column with a non-number as categorical', () => {
    const prepared = prepareData({ data: write(csv(rows)) });
    expect(prepared.spec.features.map((f) => [f.name, f.type])).toEqual([['recency', 'categorical'], ['spend', 'numeric']]);
  });

  it('rejects a non-number in a column that --categorical leaves numeric, naming line and column', () => {
    const withChannel = rows.map((row, i) => [...row.slice(0, 2), i === 0 ? 'channel' : 'web', row[2]!]);
    const error = failure({ data: write(csv(withChannel)), categorical: ['channel'] });
    expect(error.message).toMatch(/: line 9, column "recency": expected a number, got "abc"$/);
    expect([error.line, error.column]).toEqual([9, 'recency']);
  });

  it('reads infinite feature values as missing, with a warning', () => {
    const infinite = simpleRows(12);
    infinite[3]![1] = 'inf';
    const prepared = prepareData({ data: write(csv(infinite)) });
    expect(prepared.report.nonFiniteByColumn).toEqual({ spend: 1 });
    expect(prepared.warnings).toContain('column "spend" has 1 non-finite values, read as missing');
  });

  it('warns about a categorical column that looks like an identifier', () => {
    const rows = simpleRows(40).map((row, i) => [...row.slice(0, 2), i === 0 ? 'email' : `user${i}@example.com`, row[2]!]);
    const prepared = prepareData({ data: write(csv(rows)) });
    expect(prepared.warnings).toEqual([
      'column "email" has 32 distinct values in 32 training rows; if it identifies customers, name it as the id column',
    ]);
  });

  it('rejects a number beyond float32 in a feature, naming line and column', () => {
    const rows = simpleRows(12);
    rows[4]![1] = '1e39';
    expect(failure({ data: write(csv(rows)) }).message).toMatch(/: line 5, column "spend": number 1e\+39 is outside the float32 range$/);
  });

  it('names the cell that made a numeric-looking column categorical, escaped', () => {
    const stray = simpleRows(12);
    stray[7]![0] = '1\x00'; // one stray byte: data row 7, line 8
    const prepared = prepareData({ data: write(csv(stray)) });
    expect(prepared.spec.features[0]).toMatchObject({ name: 'recency', type: 'categorical' });
    expect(prepared.warnings).toContain(
      'column "recency" is read as categorical because line 8 holds "1\\u0000", which is not a number (11 of its cells are numbers); ' +
        'if the column is numeric, fix that cell, or pass --categorical to list the categorical columns and make any other non-number an error',
    );
  });

  it('keeps categorical levels to 256 characters: a longer value is not a level, and a warning says so', () => {
    const rows = simpleRows(30).map((row, i) => [...row.slice(0, 2), i === 0 ? 'note' : i === 5 ? 'x'.repeat(1_000_000) : ['a', 'b'][i % 2]!, row[2]!]);
    const prepared = prepareData({ data: write(csv(rows)), seed: 1, testFraction: 0.1 });
    const note = prepared.spec.features.find((f) => f.name === 'note');
    expect(note?.type === 'categorical' && note.levels).toEqual(['a', 'b', OTHER_LEVEL, MISSING_LEVEL]);
    const inTrain = prepared.train.dataRows.includes(4);
    expect(inTrain).toBe(true);
    expect(prepared.warnings).toContain(
      `column "note": 1 distinct value is longer than 256 characters (1 training row) and not kept as levels; they encode as ${OTHER_LEVEL}, in training and when scored`,
    );
  });

  it('reads quoted fields, CRLF and a BOM', () => {
    const text = '\uFEFF"id","channel","ltv"\r\n' + Array.from({ length: 12 }, (_, i) => `"c${i}","${i % 3 ? 'a, ""b""' : 'two\r\nlines'}",${i}`).join('\r\n');
    const prepared = prepareData({ data: write(text), id: 'id' });
    const channel = prepared.spec.features[0];
    expect(channel?.type === 'categorical' && channel.levels.slice(0, 2)).toEqual(['a, "b"', 'two\nlines']);
  });
});

describe('prepareData errors', () => {
  const ok = write(csv(simpleRows(12)));

  it('names a missing file', () => {
    const path = join(dir, 'nope.csv');
    expect(failure({ data: path }).message).toBe(`${path}: no such file`);
  });

  it('rejects an empty file and a header without rows', () => {
    expect(failure({ data: write('') }).message).toMatch(/: the file is empty$/);
    expect(failure({ data: write('\n\n') }).message).toMatch(/: the file is empty$/);
    expect(failure({ data: write('a,b,ltv\n') }).message).toMatch(/: the file has a header but no data rows$/);
  });

  it('names the line of a record with the wrong number of fields', () => {
    const rows: (string | number)[][] = [['a', 'b', 'c', 'd', 'e', 'ltv'], ...Array.from({ length: 20 }, (_, i) => [1, 2, 3, 4, 5, i])];
    rows[16] = [1, 2, 3, 4, 5];
    const error = failure({ data: write(csv(rows)) });
    expect(error.message).toMatch(/: line 17: the record has 5 fields, but the header has 6$/);
    expect(error.line).toBe(17);
  });

  it('names an absent target, id or categorical column', () => {
    expect(failure({ data: ok, target: 'ltv_39w' }).message).toMatch(/: the target column "ltv_39w" is not in the header \(columns: "recency", "spend", "ltv"\)$/);
    expect(failure({ data: ok, id: 'customer' }).message).toMatch(/the id column "customer" is not in the header/);
    expect(failure({ data: ok, categorical: ['country'] }).message).toMatch(/: the categorical column "country" is not in the header \(columns: "recency", "spend", "ltv"\)$/);
  });

  it('names the first line that is not UTF-8', () => {
    const text = Buffer.from(csv(simpleRows(12)));
    const lineStarts = [0, ...[...text.entries()].filter(([, b]) => b === 0x0a).map(([i]) => i + 1)];
    const bytes = Buffer.concat([text.subarray(0, lineStarts[6]!), Buffer.from([0x63, 0xe9, 0x2c]), text.subarray(lineStarts[6]!)]); // "cé," in Latin-1 on line 7
    const error = failure({ data: write(bytes as unknown as string) });
    expect(error.message).toMatch(/: line 7: this line is not UTF-8 text; save the file as UTF-8 \(it may be Latin-1 or Windows-1252\)$/);
    expect(error.line).toBe(7);
  });

  it('says a file whose lines end in CR alone has classic Mac line ends, not that it has no rows', () => {
    const error = failure({ data: write(csv(simpleRows(12)).replaceAll('\n', '\r')) });
    expect(error.message).toMatch(/: line 1: the lines end in CR alone \(classic Mac OS line ends\); save the file with LF or CRLF line ends$/);
  });

  it('rejects a target beyond the float32 range with its line, in whichever split it would land', () => {
    for (const row of [2, 9]) {
      const rows = simpleRows(12);
      rows[row]![2] = '1e308';
      const error = failure({ data: write(csv(rows)), seed: row });
      expect(error.message).toMatch(new RegExp(`: line ${row + 1}, column "ltv": target "1e308" is beyond ±3\\.4e38, the float32 range the model predicts in; fix the value or leave the cell empty$`));
      expect([error.line, error.column]).toEqual([row + 1, 'ltv']);
    }
    const largest = simpleRows(12);
    largest[3]![2] = '3.4e38';
    expect(prepareData({ data: write(csv(largest)) }).report.rowsKept).toBe(12);
  });

  it('rejects a non-numeric target with its line', () => {
    const rows = simpleRows(12);
    rows[5]![2] = 'lots';
    expect(failure({ data: write(csv(rows)) }).message).toMatch(/: line 6, column "ltv": expected a number, got "lots"$/);
  });

  it('says how many valid rows there are and how many are needed', () => {
    const rows = simpleRows(12);
    rows[2]![2] = '';
    rows[3]![2] = '-1';
    rows[4]![2] = 'NA';
    expect(failure({ data: write(csv(rows)) }).message).toMatch(
      /: need at least 10 rows with a valid target to split and fit, got 9 \(of 12 data rows: 0 duplicate, 2 missing, 0 non-finite, 1 negative target, 0 repeated id\)$/,
    );
  });

  it('rejects a split file that does not match the data', () => {
    const header = ['row', 'customer_id', 'split'];
    const good = Array.from({ length: 12 }, (_, i) => [i, `c${i}`, i < 9 ? 'train' : 'test'] as (string | number)[]);
    const short = write(csv([header, ...good.slice(0, 11)]));
    expect(failure({ data: ok, split: short }).message).toBe(`${short}: the split file has 11 rows, but the data has 12`);

    const badValue = good.map((row) => [...row]);
    badValue[6]![2] = 'validation';
    expect(failure({ data: ok, split: write(csv([header, ...badValue])) }).message).toMatch(
      /: line 8: "split" must be "train" or "test", got "validation"$/,
    );

    const repeated = good.map((row) => [...row]);
    repeated[4]![0] = 3;
    expect(failure({ data: ok, split: write(csv([header, ...repeated])) }).message).toMatch(/: line 6: row 3 appears twice \(first on line 5\)$/);

    const outOfRange = good.map((row) => [...row]);
    outOfRange[0]![0] = 12;
    expect(failure({ data: ok, split: write(csv([header, ...outOfRange])) }).message).toMatch(
      /: line 2: "row" must be a data row index from 0 to 11, got "12"$/,
    );

    const allTrain = good.map((row) => [row[0]!, row[1]!, 'train']);
    expect(failure({ data: ok, split: write(csv([header, ...allTrain])) }).message).toMatch(/: no kept row is in the test split \(of 12 kept rows\)$/);

    const noColumns = write(csv([['index', 'set'], ...good.map((row) => [row[0]!, row[2]!])]));
    expect(failure({ data: ok, split: noColumns }).message).toMatch(/: line 1: a split file needs the columns "row" and "split"/);
  });

  it('rejects a split file whose customer ids disagree with the id column', () => {
    const rows = [['id', 'x', 'ltv'], ...Array.from({ length: 12 }, (_, i) => [`${i + 1}`, i, i])];
    const data = write(csv(rows));
    const split = [['row', 'customer_id', 'split'], ...Array.from({ length: 12 }, (_, i) => [i, `000${i + 1}`, i < 9 ? 'train' : 'test'])];
    expect(prepareData({ data, id: 'id', split: write(csv(split)) }).test.ids).toEqual(['10', '11', '12']);
    split[5]![1] = 'c99';
    expect(failure({ data, id: 'id', split: write(csv(split)) }).message).toMatch(
      /: line 6: customer_id "c99" of row 4 does not match "5" in the data's column "id"$/,
    );
  });

  it('rejects options out of range', () => {
    expect(failure({ data: ok, clipQuantiles: [0.9, 0.1] }).message).toMatch(/clip quantiles must satisfy/);
    expect(failure({ data: ok, maxLevels: 0 }).message).toMatch(/max levels must be an integer ≥ 1/);
  });
});

describe('prepareData on the shared real data', () => {
  const features = join(sharedDataDir(), 'features');
  const present = existsSync(features);
  if (!present) console.warn(`skipping real-data preparation: ${features} is absent (set LTV_DATA_DIR)`);

  it.skipIf(!present)('prepares cdnow_39w with its split file in about a second', () => {
    const started = performance.now();
    const prepared = prepareData({ data: join(features, 'cdnow_39w.csv'), split: join(features, 'cdnow_39w.split.csv') });
    const ms = performance.now() - started;
    // The split file's customer_id tells identical rows of different customers apart: nothing is dropped.
    expect(prepared.report).toMatchObject({ rowsRead: 23570, duplicateRows: 0, rowsKept: 23570, trainRows: 18856, testRows: 4714 });
    expect(prepared.spec.features).toHaveLength(21);
    expect(prepared.spec.target.name).toBe('holdout_spend_39w');
    expect(prepared.warnings).toEqual([]);
    expect(prepared.test.ids?.[0]).toMatch(/^\d{5}$/);
    expect(prepared.train.scaled.every(Number.isFinite)).toBe(true);
    expect(ms).toBeLessThan(5000);
  });
});
