/**
 * The streaming CSV reader against parseCsv on the whole text: the same records on
 * the same lines, or the same first error, for any text, read a few bytes at a time
 * so that chunks cut records, quoted line breaks, CRLF pairs and multi-byte
 * characters anywhere.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../scripts/data/csv.js';
import { forEachCsvRecord } from '../../../scripts/data/csv-stream.js';
import { DataError, plural } from '../../../scripts/data/errors.js';
import { fcSettings } from '../../support/fc-settings.js';

const settings = fcSettings(process.env);
const dir = mkdtempSync(join(tmpdir(), 'ltv-csv-stream-'));
let n = 0;

/** What reading the whole text gave before: its records, or its error message (field counts checked after parsing). */
function wholeFile(text: string, file: string): { records: { fields: string[]; line: number }[] } | { error: string } {
  try {
    const records = parseCsv(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { file });
    if (records.length === 0) return { error: new DataError('the file is empty', { file }).message };
    if (records.length === 1) return { error: new DataError('the file has a header but no data rows', { file }).message };
    return { records: records.map(({ fields, line }) => ({ fields, line })) };
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

const piece = fc.constantFrom('a', 'b1', '', ',', '\n', '\r\n', '\r', '"', '""', '"x,y"', '"q\nr"', 'é', '💸', ' ', '12.5', 'NA');
const text = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));

describe('forEachCsvRecord', () => {
  it('reads any text as parseCsv reads it whole, with chunks of 1 to 9 bytes', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 9 }), (csv, chunkBytes) => {
        const file = join(dir, `case-${++n}.csv`);
        writeFileSync(file, csv);
        expect(streamed(file, chunkBytes)).toEqual(wholeFile(csv, file));
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
    expect(streamed(file, 2)).toEqual({ error: `${file}: the file is not UTF-8 text` });
    const bytes = Buffer.from('a,b\n1,2\n3,4\n');
    writeFileSync(file, bytes);
    expect(forEachCsvRecord(file, () => {}, { chunkBytes: 5 })).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), records: 3 });
  });
});
