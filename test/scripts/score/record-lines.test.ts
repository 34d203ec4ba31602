/**
 * RecordLines finds the physical line of a CSV data row as DuckDB numbers the rows:
 * checked on files whose rows say where they start, through quoted line breaks,
 * blank lines, CRLF, a byte-order mark and gzip, and against DuckDB's own reading.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { literal } from '../../../scripts/log-to-table/sql.js';
import { RecordLines } from '../../../scripts/score/record-lines.js';
import { withDuckDB } from './tables.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-record-lines-'));

/**
 * A CSV of `rows` rows whose first field is the line the row starts on, with
 * quoted line breaks (some CRLF), quotes and blank lines spread through it.
 */
function awkwardCsv(rows: number, eol: string): string {
  let text = `\uFEFFline,note${eol}`;
  let line = 2;
  for (let row = 0; row < rows; row++) {
    if (row % 7 === 3) { text += eol; line++; }
    const note = row % 5 === 1 ? `"two${eol}lines, and a ""quote"""` : row % 11 === 4 ? `"a""b"` : 'plain';
    text += `${line},${note}${eol}`;
    line += note.includes('\n') ? 2 : 1;
  }
  return text;
}

async function expectLines(path: string, rows: number): Promise<void> {
  const expected = await withDuckDB(async (db) =>
    (await db.runAndReadAll(`SELECT line FROM read_csv(${literal(path)}, header = true, auto_detect = false, columns = {'line': 'VARCHAR', 'note': 'VARCHAR'}, quote = '"', escape = '"')`))
      .getRowsJS().map(([line]) => Number(line)));
  expect(expected).toHaveLength(rows);
  const lines = new RecordLines(path);
  try {
    for (let row = 0; row < rows; row += 1 + (row % 3)) expect(await lines.lineOf(row), `row ${row}`).toBe(expected[row]);
  } finally {
    lines.close();
  }
}

describe('RecordLines', () => {
  it('finds the line of each row DuckDB reads, through quoted line breaks and blank lines (LF)', async () => {
    const path = join(dir, 'lf.csv');
    writeFileSync(path, awkwardCsv(500, '\n'));
    await expectLines(path, 500);
  });

  it('does the same with CRLF line ends', async () => {
    const path = join(dir, 'crlf.csv');
    writeFileSync(path, awkwardCsv(300, '\r\n'));
    await expectLines(path, 300);
  });

  it('reads gzip, across the decompressor’s chunks', async () => {
    const path = join(dir, 'big.csv.gz');
    writeFileSync(path, gzipSync(awkwardCsv(20_000, '\n')));
    await expectLines(path, 20_000);
  });

  it('answers the same row twice, refuses to go back, and says when a row is past the end', async () => {
    const path = join(dir, 'small.csv');
    writeFileSync(path, 'a\n1\n2\n');
    const lines = new RecordLines(path);
    expect(await lines.lineOf(1)).toBe(3);
    expect(await lines.lineOf(1)).toBe(3);
    await expect(lines.lineOf(0)).rejects.toThrow(/ascending order/);
    await expect(lines.lineOf(5)).rejects.toThrow(/has no data row 5/);
    lines.close();
  });
});
