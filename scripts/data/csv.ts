/**
 * RFC 4180 CSV, read whole from a string, with the physical line of every record
 * so that later errors can point at it.
 *
 * Follows Go's encoding/csv (the reference the conformance tests borrow from):
 * - fields are separated by `,`, records end with `\n` or `\r\n` (a lone `\r` is data,
 *   except at the very end of the input);
 * - a quoted field may hold separators, line breaks and `""` for one quote; a `\r\n`
 *   inside it is read as `\n`;
 * - a quote inside an unquoted field, or anything but a separator or line end after a
 *   closing quote, is an error rather than a guess;
 * - empty lines are skipped; a leading byte-order mark is dropped;
 * - by default every record must have as many fields as the first one (the header).
 * Lines without a quote are split natively and quoted fields are copied in runs
 * between quotes, so a 25,000 × 28 table parses in a few tens of milliseconds.
 */
import { DataError, plural } from './errors.js';
import { escapeFormulaCell } from './formula-cells.js';

export interface CsvRecord {
  /** Field values, unquoted; never trimmed. */
  fields: string[];
  /** 1-based physical line on which the record starts (the header is line 1 unless blank lines precede it). */
  line: number;
}

export interface ParseCsvOptions {
  /** Field separator, one character other than `"`, `\r`, `\n`. Default `,`. */
  separator?: string;
  /** Require every record to have as many fields as the first. Default true. */
  checkFieldCount?: boolean;
  /** File name put in error messages. Default none. */
  file?: string;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

/** Parses the whole of `text` into records. Throws DataError with the line of the first problem. */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvRecord[] {
  const { separator = ',', checkFieldCount = true, file } = options;
  if (separator.length !== 1 || separator === '"' || separator === '\r' || separator === '\n') {
    throw new RangeError(`separator must be one character other than a quote or line break, got ${JSON.stringify(separator)}`);
  }
  const sep = separator.charCodeAt(0);
  const n = text.length;
  const records: CsvRecord[] = [];
  let i = n > 0 && text.charCodeAt(0) === BOM ? 1 : 0;
  let line = 1;
  let nextQuote = -1; // position of the next quote at or after i, once looked up

  while (i < n) {
    // A blank line (or a final lone \r) holds no record.
    const first = text.charCodeAt(i);
    if (first === LF) { i++; line++; continue; }
    if (first === CR && (i + 1 === n || text.charCodeAt(i + 1) === LF)) { i += 2; line++; continue; }

    const start = line;
    // Fast path: a line without quotes is split natively.
    const lineFeed = text.indexOf('\n', i);
    const lineEnd = lineFeed < 0 ? n : lineFeed;
    if (nextQuote < i) {
      const q = text.indexOf('"', i);
      nextQuote = q < 0 ? Infinity : q;
    }
    if (nextQuote > lineEnd) {
      const end = lineEnd > i && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
      records.push({ fields: text.slice(i, end).split(separator), line: start });
      i = lineEnd + 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      if (i < n && text.charCodeAt(i) === QUOTE) {
        // Quoted field: copy runs between quotes; `""` stands for one quote.
        const opened = line;
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            throw new DataError(`a quoted field (field ${fields.length + 1}) is never closed`, { file, line: opened });
          }
          line += countNewlines(text, from, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
          } else {
            value += text.slice(from, q);
            i = q + 1;
            break;
          }
        }
        fields.push(value.includes('\r\n') ? value.replaceAll('\r\n', '\n') : value);
        const c = i < n ? text.charCodeAt(i) : LF;
        if (c === sep) { i++; continue; }
        if (c === LF || (c === CR && (i + 1 === n || text.charCodeAt(i + 1) === LF))) break;
        throw new DataError(
          `field ${fields.length}: unexpected ${JSON.stringify(text[i])} after a closing quote (a quote inside a quoted field is written "")`,
          { file, line },
        );
      } else {
        // Unquoted field: up to the next separator or line feed.
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === sep || c === LF) break;
          if (c === QUOTE) {
            throw new DataError(
              `field ${fields.length + 1}: a quote in an unquoted field (quote the whole field and write the quote as "")`,
              { file, line },
            );
          }
          j++;
        }
        let end = j;
        if ((j === n || text.charCodeAt(j) === LF) && end > i && text.charCodeAt(end - 1) === CR) end--;
        fields.push(text.slice(i, end));
        i = j;
        if (i < n && text.charCodeAt(i) === sep) { i++; continue; }
        break;
      }
    }
    // Step over the line end (\n, \r\n, or a final \r).
    if (i < n && text.charCodeAt(i) === CR) i++;
    if (i < n && text.charCodeAt(i) === LF) { i++; line++; }
    records.push({ fields, line: start });
  }

  if (checkFieldCount && records.length > 1) {
    const width = records[0]!.fields.length;
    for (const record of records) {
      if (record.fields.length !== width) {
        throw new DataError(
          `the record has ${plural(record.fields.length, 'field')}, but the header has ${width}`,
          { file, line: record.line },
        );
      }
    }
  }
  return records;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) count++;
  return count;
}

/**
 * One record as a CSV line (without the line end), quoting only the fields that need it;
 * a text field a spreadsheet would run as a formula is escaped first (./formula-cells.ts).
 */
export function formatCsvRecord(fields: readonly string[], separator = ','): string {
  return fields.map((field) => formatCsvField(escapeFormulaCell(field), separator)).join(separator);
}

function formatCsvField(field: string, separator: string): string {
  const needsQuotes = field.includes('"') || field.includes(separator) || field.includes('\n') || field.includes('\r');
  return needsQuotes ? `"${field.replaceAll('"', '""')}"` : field;
}
