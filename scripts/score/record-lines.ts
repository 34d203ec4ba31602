/**
 * The physical line on which a CSV data row starts, for messages that point at it.
 *
 * DuckDB numbers rows, not lines: a quoted field may span lines and blank lines
 * are skipped. This reads the file (gzip too) forward, once, only as far as the
 * rows asked for, and only when a row is bad: it costs nothing on a clean table.
 * It counts as DuckDB and the trainer read: a record starts at the first byte of a
 * line that is not blank; a line break inside quotes belongs to the field; a `\r`
 * before the `\n` is part of the line end; the header is record 0, data row k is
 * record k + 1. Rows must be asked for in ascending order.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class RecordLines {
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly streams: Readable[];
  private buffer: Buffer = Buffer.alloc(0);
  private at = 0;
  private line = 1;
  private inQuotes = false;
  /** Whether a record is open (its first byte seen, its line end not yet). */
  private open = false;
  /** Index of the last record opened; -1 before the header. */
  private record = -1;
  private lastAnswer: { row: number; line: number } | undefined;

  constructor(private readonly file: string) {
    const stream = createReadStream(file);
    this.streams = /\.gz$/i.test(file) ? [stream, stream.pipe(createGunzip())] : [stream];
    this.chunks = this.streams.at(-1)![Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** The 1-based line where data row `row` (0-based) starts. */
  async lineOf(row: number): Promise<number> {
    if (this.lastAnswer !== undefined) {
      if (row === this.lastAnswer.row) return this.lastAnswer.line;
      if (row < this.lastAnswer.row) throw new RangeError(`rows must be asked for in ascending order: ${row} after ${this.lastAnswer.row}`);
    }
    const target = row + 1;
    for (;;) {
      while (this.at < this.buffer.length) {
        const byte = this.buffer[this.at++]!;
        if (byte === LF) {
          this.line++;
          if (!this.inQuotes) this.open = false;
          continue;
        }
        if (byte === CR) continue;
        if (!this.open) {
          this.open = true;
          this.record++;
          if (this.record === target) {
            // Let the byte be read again as part of the record (a quote changes the state).
            this.at--;
            this.open = false;
            this.record--;
            this.lastAnswer = { row, line: this.line };
            return this.line;
          }
        }
        if (byte === QUOTE) this.inQuotes = !this.inQuotes;
      }
      const next = await this.chunks.next();
      if (next.done) throw new RangeError(`${this.file} has no data row ${row} (it ends on line ${this.line})`);
      this.buffer = next.value;
      this.at = 0;
    }
  }

  close(): void {
    for (const stream of this.streams) stream.destroy();
  }
}
