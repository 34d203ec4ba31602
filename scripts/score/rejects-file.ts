/**
 * `--rejects FILE`: every row that could not be scored, one CSV line each (its id
 * when --id is given, its line or row, the field and the reason), written to a
 * temporary file beside FILE and renamed into place only when the run succeeds.
 */
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { DuckDBValue } from '@duckdb/node-api';
import { formatCsvRecord } from '../data/csv.js';
import type { RowProblem } from './encode-chunk.js';
import type { PlaceNoun } from './row-places.js';

export class RejectsFile {
  count = 0;
  private readonly temporary: string;
  private readonly stream: WriteStream;

  constructor(private readonly path: string, noun: PlaceNoun, private readonly idName: string | undefined) {
    this.temporary = `${path}.partial-${process.pid}`;
    this.stream = createWriteStream(this.temporary);
    this.write([...(idName === undefined ? [] : [idName]), noun, 'column', 'reason']);
  }

  async add(problem: RowProblem, place: number): Promise<void> {
    this.count++;
    const fields = [String(place), problem.field, problem.message];
    if (this.idName !== undefined) fields.unshift(idText(problem.id));
    if (!this.write(fields)) await once(this.stream, 'drain');
  }

  /** Flushes and renames the file into place. */
  async commit(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'close');
    renameSync(this.temporary, this.path);
  }

  /** Removes the temporary file; the path itself is left as it was. */
  discard(): void {
    this.stream.destroy();
    rmSync(this.temporary, { force: true });
  }

  private write(fields: string[]): boolean {
    return this.stream.write(`${formatCsvRecord(fields)}\n`);
  }
}

function idText(id: DuckDBValue | undefined): string {
  return id === null || id === undefined ? '' : String(id);
}
