/**
 * A CSV file read in chunks, record by record, with the rules and the messages of
 * ./table.ts's readCsvFile (./csv.ts's parseCsv over the whole file): the same
 * records, the same physical lines, formula escapes undone (./formula-cells.ts),
 * the same first error (text that is not UTF-8, named by its line, before anything
 * else; then CR-only line ends; then the first malformed record). Memory holds one
 * chunk, not the file.
 *
 * How: the bytes are decoded as UTF-8 in chunks of 512 KiB; the text is cut after the last line
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
import { unescapeFormulaCell } from './formula-cells.js';

export const NOT_UTF8 = 'this line is not UTF-8 text; save the file as UTF-8 (it may be Latin-1 or Windows-1252)';
export const CR_ONLY = 'the lines end in CR alone (classic Mac OS line ends); save the file with LF or CRLF line ends';

/**
 * Bytes read at a time (tests pass a few, to cut records and characters anywhere). Small
 * enough that a piece's parsed records die young: with 4 MiB pieces V8 promoted them and a
 * million-row load peaked at ~800 MiB, with 512 KiB at ~590 MiB, and ran no slower.
 */
const CHUNK_BYTES = 512 << 10;
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
  let sawLineFeed = false;

  const parse = (text: string, last: boolean): void => {
    // No line feed anywhere yet, so this is the whole text so far: CR-only line ends are said as such.
    if (!sawLineFeed) {
      const cr = text.indexOf('\r');
      if (cr >= 0 && cr < text.trimEnd().length) throw notUtf8Later(fd, decoder, file) ?? new DataError(CR_ONLY, { file, line: 1 });
    }
    let parsed: CsvRecord[];
    try {
      parsed = parseCsv(text, { file, checkFieldCount: false });
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      // As when the whole file was decoded first: text further on that is not UTF-8 is the first problem.
      throw notUtf8Later(fd, decoder, file) ?? (error.line === undefined ? error : new DataError(error.detail, { file, line: error.line + lineBase, column: error.column }));
    }
    for (const record of parsed) {
      record.line += lineBase;
      const { fields } = record;
      for (let i = 0; i < fields.length; i++) if (fields[i]!.charCodeAt(0) === 0x27) fields[i] = unescapeFormulaCell(fields[i]!);
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
        throw new DataError(NOT_UTF8, { file, line: firstNonUtf8Line(file) });
      }
      hash.update(buffer.subarray(0, read));
      pending += text;
      if (!sawLineFeed && text.includes('\n')) sawLineFeed = true;
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

/**
 * When the bytes not yet read are not UTF-8 (or end inside a character), the error
 * naming the first line that is not; else undefined. Reads from where `fd` stands.
 */
function notUtf8Later(fd: number, decoder: { decode(input: Uint8Array, options?: { stream?: boolean }): string }, file: string): DataError | undefined {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  try {
    for (let read = readSync(fd, buffer, 0, CHUNK_BYTES, null); ; read = readSync(fd, buffer, 0, CHUNK_BYTES, null)) {
      decoder.decode(buffer.subarray(0, read), { stream: read > 0 });
      if (read === 0) return undefined;
    }
  } catch {
    return new DataError(NOT_UTF8, { file, line: firstNonUtf8Line(file) });
  }
}

/** The first line of `file` that is not UTF-8 (a line feed is never part of a multi-byte sequence, so lines decode alone). */
export function firstNonUtf8Line(file: string): number {
  const fd = openSync(file, 'r');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let line = 1;
  let carry = Buffer.alloc(0);
  try {
    for (let read = readSync(fd, buffer, 0, CHUNK_BYTES, null); ; read = readSync(fd, buffer, 0, CHUNK_BYTES, null)) {
      const bytes = Buffer.concat([carry, buffer.subarray(0, read)]);
      let start = 0;
      for (let end = bytes.indexOf(0x0a, start); end >= 0 || read === 0; end = bytes.indexOf(0x0a, start)) {
        const stop = end < 0 ? bytes.length : end;
        try {
          decoder.decode(bytes.subarray(start, stop));
        } catch {
          return line;
        }
        if (end < 0) return line;
        start = stop + 1;
        line++;
      }
      carry = bytes.subarray(start);
    }
  } finally {
    closeSync(fd);
  }
}

function countLineFeeds(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
