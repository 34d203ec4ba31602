import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCsvRecord, parseCsv } from '../../../scripts/data/csv.js';
import { DataError } from '../../../scripts/data/errors.js';
import { sharedDataDir } from '../../../scripts/data/shared-data.js';

const fields = (text: string) => parseCsv(text, { checkFieldCount: false }).map((record) => record.fields);

/** Inputs and outputs after Go's encoding/csv reader tests (default options). */
const conformance: [name: string, input: string, output: string[][]][] = [
  ['simple', 'a,b,c\n', [['a', 'b', 'c']]],
  ['CRLF', 'a,b\r\nc,d\r\n', [['a', 'b'], ['c', 'd']]],
  ['bare CR is data', 'a,b\rc,d\r\n', [['a', 'b\rc', 'd']]],
  [
    'RFC 4180 example',
    '#field1,field2,field3\n"aaa","bb\nb","ccc"\n"a,a","b""bb","ccc"\nzzz,yyy,xxx\n',
    [['#field1', 'field2', 'field3'], ['aaa', 'bb\nb', 'ccc'], ['a,a', 'b"bb', 'ccc'], ['zzz', 'yyy', 'xxx']],
  ],
  ['no final line end', 'a,b,c', [['a', 'b', 'c']]],
  ['multi-line fields', '"two\nline","one line","three\nline\nfield"', [['two\nline', 'one line', 'three\nline\nfield']]],
  ['blank lines skipped', 'a,b,c\n\nd,e,f\n\n', [['a', 'b', 'c'], ['d', 'e', 'f']]],
  ['leading spaces kept', ' a,  b,   c\n', [[' a', '  b', '   c']]],
  ['trailing comma at EOF', 'a,b,c,', [['a', 'b', 'c', '']]],
  ['trailing comma at EOL', 'a,b,c,\n', [['a', 'b', 'c', '']]],
  ['trailing comma and space', 'a,b,c, ', [['a', 'b', 'c', ' ']]],
  ['trailing comma on line 3', 'a,b,c\nd,e,f\ng,hi,', [['a', 'b', 'c'], ['d', 'e', 'f'], ['g', 'hi', '']]],
  [
    'empty fields, quoted and not',
    'x,y,z,w\nx,y,z,\nx,y,,\nx,,,\n,,,\n"x","y","z","w"\n"x","y","z",""\n"","","",""\n',
    [
      ['x', 'y', 'z', 'w'], ['x', 'y', 'z', ''], ['x', 'y', '', ''], ['x', '', '', ''], ['', '', '', ''],
      ['x', 'y', 'z', 'w'], ['x', 'y', 'z', ''], ['', '', '', ''],
    ],
  ],
  ['CRLF in a quoted field reads as LF', 'A,"Hello\r\nHi",B\r\n', [['A', 'Hello\nHi', 'B']]],
  ['final CR', 'field1,field2\r', [['field1', 'field2']]],
  ['quoted field then final CR', '"field"\r', [['field']]],
  ['CR inside a field', 'field\rfield\r', [['field\rfield']]],
  ['CR CR at EOF', 'field\r\rfield\r\r', [['field\r\rfield\r']]],
  ['CR CR LF', 'field\r\r\nfield\r\r\n', [['field\r'], ['field\r']]],
  ['quoted CR', '"\r"\r\n', [['\r']]],
  ['non-ASCII', 'αβ,"γ,δ"\n', [['αβ', 'γ,δ']]],
];

describe('parseCsv', () => {
  for (const [name, input, output] of conformance) {
    it(`reads ${name}`, () => {
      expect(fields(input)).toEqual(output);
    });
  }

  it('drops a leading byte-order mark', () => {
    expect(parseCsv('\uFEFFid,ltv\n1,2\n').map((r) => r.fields)).toEqual([['id', 'ltv'], ['1', '2']]);
  });

  it('reports the physical line on which each record starts', () => {
    const records = parseCsv('h1,h2\r\n"a\nb",c\r\n\r\nd,"e\r\n\r\nf"\ng,h\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 5, 8]);
  });

  it('names the line of a record with the wrong number of fields', () => {
    const text = ['a,b,c,d,e,f', ...Array.from({ length: 15 }, () => '1,2,3,4,5,6'), '1,2,3,4,5'].join('\n');
    expect(() => parseCsv(text)).toThrow(new DataError('the record has 5 fields, but the header has 6', { line: 17 }));
    expect(() => parseCsv(text)).toThrow('line 17: the record has 5 fields, but the header has 6');
  });

  it('counts lines inside quoted fields when naming a bad record', () => {
    expect(() => parseCsv('a,b\n"x\ny",z\nq\n')).toThrow('line 4: the record has 1 field, but the header has 2');
  });

  it('puts the file name first when given', () => {
    expect(() => parseCsv('a,b\n1\n', { file: 'x.csv' })).toThrow('x.csv: line 2: the record has 1 field, but the header has 2');
  });

  it('rejects a quote inside an unquoted field', () => {
    expect(() => parseCsv('a,b\nx,say "hi"\n')).toThrow(/^line 2: field 2: a quote in an unquoted field/);
    expect(() => parseCsv('"a word",b"\n')).toThrow(/^line 1: field 2: a quote in an unquoted field/);
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseCsv('a,b\n"a "word","b"\n')).toThrow(/^line 2: field 1: unexpected "w" after a closing quote/);
    expect(() => parseCsv('"field"\r\r')).toThrow(/after a closing quote/);
  });

  it('names the line where an unclosed quote opens', () => {
    expect(() => parseCsv('a,b\n1,2\n3,"open\nmore\n')).toThrow('line 3: a quoted field (field 2) is never closed');
  });

  it('reads another separator', () => {
    expect(fields('a;b;c\n')).toEqual([['a;b;c']]);
    expect(parseCsv('a;b;"c;d"\n', { separator: ';' }).map((r) => r.fields)).toEqual([['a', 'b', 'c;d']]);
  });

  it('returns no records for empty input', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF\n\n')).toEqual([]);
  });
});

describe('formatCsvRecord', () => {
  it('quotes only what needs it and round-trips through parseCsv', () => {
    const record = ['plain', 'with,comma', 'say "hi"', 'two\nlines', '', ' padded '];
    const line = formatCsvRecord(record);
    expect(line).toBe('plain,"with,comma","say ""hi""","two\nlines",, padded ');
    expect(parseCsv(`${line}\n`)[0]!.fields).toEqual(record);
  });
});

describe('parseCsv on the shared real data', () => {
  const dir = join(sharedDataDir(), 'features');
  const present = existsSync(dir);
  if (!present) console.warn(`skipping real-data CSV checks: ${dir} is absent (set LTV_DATA_DIR)`);

  it.skipIf(!present)('reads every feature table with one record per line, quickly', () => {
    for (const name of ['cdnow_39w.csv', 'online_retail.csv', 'cdnow_39w.split.csv']) {
      const text = readFileSync(join(dir, name), 'utf8');
      const started = performance.now();
      const records = parseCsv(text);
      const ms = performance.now() - started;
      const lines = text.split('\n').filter((line) => line.length > 0).length;
      expect(records).toHaveLength(lines);
      expect(records.at(-1)!.line).toBe(lines);
      expect(ms).toBeLessThan(2000);
    }
  });
});
