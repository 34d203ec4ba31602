/**
 * A CSV file read in chunks, record by record, with the rules and the messages of
 * ./csv.ts's parseCsv over the whole file: the same records, the same physical
 * lines, the same first error. Memory holds one chunk, not the file.
 *
 * How: the bytes are decoded as UTF-8 in chunks; the text is cut after the last line
 * feed outside quotes (a record boundary), and each piece goes through parseCsv with
 * the lines before it added. As in parseCsv, a wrong field count is reported only
 * once the whole file has parsed, so that a malformed quote further on wins over it.
 * A piece that grows past MAX_PENDING without a boundary (an unclosed quote) is
 * parsed as it is, which reports the unclosed quote where it opened.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type CsvRecord, parseCsv } from './csv.js';
import { DataError, plural } from './errors.js';

/** Bytes read at a time (tests pass a few, to cut records and characters anywhere). */
const CHUNK_BYTES = 4 << 20;
/** Text held without a record boundary before it is parsed regardless. */
const MAX_PENDING = 64 << 20;

export interface CsvStreamResult {
  /** SHA-256 (hex) of the file's bytes. */
  sha256: string;
  /** Records read, the header included. */
  records: number;
}

/**
 * Calls `onRecord` for every record of `file`, the header first, in file order.
 * Throws DataError as parseCsv and readCsvFile would: a file that cannot be read,
 * text that is not UTF-8, a malformed record, a record whose field count differs
 * from the header's, an empty file, a header without data rows.
 */
export function forEachCsvRecord(file: string, onRecord: (record: CsvRecord) => void, { chunkBytes = CHUNK_BYTES } = {}): CsvStreamResult {
  const fd = openFile(file);
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let pending = '';
  /** Where the quote scan of `pending` stopped, and its state there. */
  let scanned = 0;
  let inQuotes = false;
  let boundary = -1;
  /** Physical lines before `pending`. */
  let lineBase = 0;
  let records = 0;
  let width = -1;
  let wrongCount: DataError | undefined;

  const parse = (text: string, last: boolean): void => {
    let parsed: CsvRecord[];
    try {
      parsed = parseCsv(text, { file, checkFieldCount: false });
    } catch (error) {
      if (error instanceof DataError && error.line !== undefined) throw new DataError(error.detail, { file, line: error.line + lineBase, column: error.column });
      throw error;
    }
    for (const record of parsed) {
      record.line += lineBase;
      if (width < 0) width = record.fields.length;
      else if (record.fields.length !== width && wrongCount === undefined) {
        wrongCount = new DataError(`the record has ${plural(record.fields.length, 'field')}, but the header has ${width}`, { file, line: record.line });
      }
      records++;
      onRecord(record);
    }
    if (!last) lineBase += countLineFeeds(text);
  };

  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, chunkBytes, null);
      let text: string;
      try {
        text = decoder.decode(buffer.subarray(0, read), { stream: read > 0 });
      } catch {
        throw new DataError('the file is not UTF-8 text', { file });
      }
      hash.update(buffer.subarray(0, read));
      pending += text;
      if (read === 0) break;
      // Find the last line feed outside quotes in the text not yet scanned.
      for (let i = scanned; i < pending.length; i++) {
        const c = pending.charCodeAt(i);
        if (c === 0x22) inQuotes = !inQuotes;
        else if (c === 0x0a && !inQuotes) boundary = i;
      }
      scanned = pending.length;
      if (boundary >= 0) {
        parse(pending.slice(0, boundary + 1), false);
        pending = pending.slice(boundary + 1);
        scanned -= boundary + 1;
        boundary = -1;
      } else if (pending.length > MAX_PENDING) {
        parse(pending, true);
        throw new DataError(`a record longer than ${MAX_PENDING >> 20} MiB starts here; the file is not a table of customers`, { file, line: lineBase + 1 });
      }
    }
    parse(pending, true);
  } finally {
    closeSync(fd);
  }
  if (wrongCount !== undefined) throw wrongCount;
  if (records === 0) throw new DataError('the file is empty', { file });
  if (records === 1) throw new DataError('the file has a header but no data rows', { file });
  return { sha256: hash.digest('hex'), records };
}

/**
 * An upper bound on the records of `file`, from its bytes alone (line feeds outside
 * quotes, plus a last line without one), to size the columns before reading; 0
 * when the file cannot be read (forEachCsvRecord then says why).
 */
export function countCsvRecords(file: string): number {
  let fd: number;
  try {
    fd = openFile(file);
  } catch {
    return 0;
  }
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let count = 0;
  let inQuotes = false;
  let last = 0x0a;
  try {
    for (let read = readSync(fd, buffer, 0, CHUNK_BYTES, null); read > 0; read = readSync(fd, buffer, 0, CHUNK_BYTES, null)) {
      for (let i = 0; i < read; i++) {
        const byte = buffer[i]!;
        if (byte === 0x22) inQuotes = !inQuotes;
        else if (byte === 0x0a && !inQuotes) count++;
      }
      last = buffer[read - 1]!;
    }
  } finally {
    closeSync(fd);
  }
  return last === 0x0a ? count : count + 1;
}

function openFile(file: string): number {
  try {
    const fd = openSync(file, 'r');
    // A directory opens on Linux; say what readFileSync said of it.
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    }
    return fd;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : `cannot read it (${code ?? 'unknown error'})`;
    throw new DataError(reason, { file });
  }
}

function countLineFeeds(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
