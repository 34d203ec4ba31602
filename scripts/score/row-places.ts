/**
 * Where a bad row is, said the way the trainer and `npm run table-from-log` say it:
 * the physical line of a CSV row (`data.csv: line 9, column "recency": …`), the
 * 1-based row of a Parquet row (`data.parquet: column "recency": row 8: …`).
 */
import { DataError } from '../data/errors.js';
import type { RowProblem } from './encode-chunk.js';
import type { TableFormat } from './input-table.js';
import { RecordLines } from './record-lines.js';

export type PlaceNoun = 'line' | 'row';

export class RowPlaces {
  readonly noun: PlaceNoun;
  private lines: RecordLines | undefined;

  constructor(private readonly file: string, format: TableFormat) {
    this.noun = format === 'csv' ? 'line' : 'row';
  }

  /** The line or 1-based row of 0-based data row `row`; rows in ascending order. */
  async of(row: number): Promise<number> {
    if (this.noun === 'row') return row + 1;
    this.lines ??= new RecordLines(this.file);
    return this.lines.lineOf(row);
  }

  /** The error that stops a run at `problem`, with its place. */
  async error(problem: RowProblem): Promise<DataError> {
    const at = await this.of(problem.row);
    return this.noun === 'line'
      ? new DataError(problem.message, { file: this.file, line: at, column: problem.field })
      : new DataError(`row ${at}: ${problem.message}`, { file: this.file, column: problem.field });
  }

  close(): void {
    this.lines?.close();
  }
}
