/**
 * The one error type for bad training input: a file that cannot be read, a CSV
 * that does not parse, a column or value that cannot be used, a split file that
 * does not match. It carries where the problem is, so the CLI prints the message
 * as it stands and exits non-zero; nothing else needs to know the place's format.
 */
import { printable } from './printable.js';

/** Where a problem is: any subset of file, physical line (1-based) and column name. */
export interface DataPlace {
  file?: string;
  line?: number;
  column?: string;
}

export class DataError extends Error {
  override name = 'DataError';
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: string | undefined;

  /**
   * `detail` says what is wrong; the message puts the place first, e.g.
   * `data.csv: line 9, column "recency": expected a number, got "abc"`.
   */
  constructor(readonly detail: string, place: DataPlace = {}) {
    super(formatPlace(place) + detail);
    this.file = place.file;
    this.line = place.line;
    this.column = place.column;
  }
}

function formatPlace({ file, line, column }: DataPlace): string {
  const where: string[] = [];
  if (line !== undefined) where.push(`line ${line}`);
  if (column !== undefined) where.push(`column ${printable(column)}`);
  const inFile = where.join(', ');
  if (file === undefined) return inFile ? `${inFile}: ` : '';
  return inFile ? `${file}: ${inFile}: ` : `${file}: `;
}

/** "1 field", "5 fields": counts in messages read as sentences. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
