/**
 * The streaming CSV reader against the whole-file reader (readCsvFile: decode, check
 * line ends, parseCsv, undo formula escapes): the same records on the same lines, or
 * the same first error, for any text, read a few bytes at a time so that chunks cut
 * records, quoted line breaks, CRLF pairs and multi-byte characters anywhere.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachCsvRecord } from '../../../scripts/data/csv-stream.js';
import { plural } from '../../../scripts/data/errors.js';
import { readCsvFile } from '../../../scripts/data/table.js';
import { fcSettings } from '../../support/fc-settings.js';

const settings = fcSettings(process.env);
const dir = mkdtempSync(join(tmpdir(), 'ltv-csv-stream-'));
let n = 0;

/** What reading the whole file gives: its records, or its error message. */
function wholeFile(file: string): { records: { fields: string[]; line: number }[] } | { error: string } {
  try {
    return { records: readCsvFile(file).records.map(({ fields, line }) => ({ fields, line })) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function streamed(file: string, chunkBytes: number): { records: { fields: string[]; line: number }[] } | { error: string } {
  const records: { fields: string[]; line: number }[] = [];
  try {
    forEachCsvRecord(file, ({ fields, line }) => records.push({ fields: [...fields], line }), { chunkBytes });
    return { records };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const piece = fc.constantFrom('a', 'b1', '', ',', '\n', '\r\n', '\r', '"', '""', '"x,y"', '"q\nr"', 'é', '💸', ' ', '12.5', 'NA', "'=x", "''+1", "'-2");
const text = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));
/** Now and then a byte that is not UTF-8, somewhere. */
const bytes = fc.tuple(text, fc.option(fc.nat(), { nil: undefined })).map(([csv, at]) => {
  const encoded = Buffer.from(csv);
  return at === undefined || encoded.length === 0 ? encoded : Buffer.concat([encoded.subarray(0, at % encoded.length), Buffer.from([0xe9]), encoded.subarray(at % encoded.length)]);
});

describe('forEachCsvRecord', () => {
  it('reads any bytes as the whole-file reader does, with chunks of 1 to 9 bytes', () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 9 }), (csv, chunkBytes) => {
        const file = join(dir, `case-${++n}.csv`);
        writeFileSync(file, csv);
        expect(streamed(file, chunkBytes)).toEqual(wholeFile(file));
      }),
      settings,
    );
  });

  it('reports a wrong field count only when nothing worse follows, and says where', () => {
    const file = join(dir, 'count.csv');
    writeFileSync(file, 'a,b\n1,2\n3\n4,5\n');
    expect(streamed(file, 3)).toEqual({ error: `${file}: line 3: the record has ${plural(1, 'field')}, but the header has 2` });
    writeFileSync(file, 'a,b\n1,2\n3\n4,"5\n');
    expect(streamed(file, 3)).toEqual({ error: `${file}: line 4: a quoted field (field 2) is never closed` });
  });

  it('says a file that is not UTF-8 is not, and hashes what it read', () => {
    const file = join(dir, 'latin1.csv');
    writeFileSync(file, Buffer.from([0x61, 0x0a, 0xe9, 0x0a]));
    expect(streamed(file, 2)).toEqual({ error: `${file}: line 2: this line is not UTF-8 text; save the file as UTF-8 (it may be Latin-1 or Windows-1252)` });
    const bytes = Buffer.from('a,b\n1,2\n3,4\n');
    writeFileSync(file, bytes);
    expect(forEachCsvRecord(file, () => {}, { chunkBytes: 5 })).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), records: 3 });
  });
});
