/**
 * The header of a CSV log (plain or gzip), read here rather than sniffed by DuckDB:
 * with the column names fixed, DuckDB's strict reader reports a malformed record
 * with its line ("CSV Error on Line: 7 … Expected Number of Columns: 3 Found: 4"),
 * where its sniffer would instead guess another layout from that record.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { parseCsv } from '../data/csv.js';
import { DataError } from '../data/errors.js';

/** Reads up to the first line break (at most 1 MiB) and parses it as one CSV record. */
export async function readCsvHeader(path: string, separator: string): Promise<string[]> {
  const file = createReadStream(path);
  const stream: Readable = /\.gz$/i.test(path) ? file.pipe(createGunzip()) : file;
  let text = '';
  try {
    for await (const chunk of stream) {
      text += (chunk as Buffer).toString('utf8');
      const end = text.search(/\r?\n/);
      if (end >= 0) { text = text.slice(0, end); break; }
      if (text.length > 1 << 20) throw new DataError('the first line (the header) is longer than 1 MiB', { file: path });
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read the transactions: ${(error as Error).message}`, { file: path });
  } finally {
    file.destroy();
  }
  const record = parseCsv(text, { separator, file: path })[0];
  if (record === undefined || record.fields.every((f) => f.trim() === '')) throw new DataError('the file is empty: no header line', { file: path });
  return record.fields;
}
