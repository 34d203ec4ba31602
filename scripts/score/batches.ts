/**
 * Encoded rows gathered into batches for the engine, and their answers written in
 * input order: a batch is handed over when full, up to `depth` batches are in the
 * engine at once (so that the next one is being encoded while threads run the
 * others), and the oldest is written first. Memory holds `depth` + 1 batches.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import type { AnswerBatch } from './answer-batch.js';
import type { EnginePool } from './engine-pool.js';

export class Batches {
  /** The batch being filled: `rows` encoded rows from `count` on, and their ids. */
  rows: Float32Array;
  ids: DuckDBValue[] = [];
  count = 0;
  private readonly inFlight: { answers: Promise<AnswerBatch>; ids: DuckDBValue[]; count: number }[] = [];

  constructor(
    private readonly engines: EnginePool,
    private readonly capacity: number,
    private readonly width: number,
    private readonly depth: number,
    private readonly write: (answers: AnswerBatch, ids: DuckDBValue[], count: number) => void,
  ) {
    this.rows = new Float32Array(capacity * width);
  }

  /** Hands the batch over when `more` rows would not fit in it. */
  async makeRoom(more: number): Promise<void> {
    if (this.count + more > this.capacity) await this.submit();
  }

  /** Hands every row over and writes every answer. */
  async drain(): Promise<void> {
    await this.submit();
    while (this.inFlight.length > 0) await this.writeOldest();
  }

  private async submit(): Promise<void> {
    if (this.count === 0) return;
    const answers = this.engines.run(this.rows, this.count);
    // Awaited in order by writeOldest; a run that stops early must not leave a rejection unhandled.
    answers.catch(() => {});
    this.inFlight.push({ answers, ids: this.ids, count: this.count });
    // The engine may own the old buffer now (handed to a thread): a fresh one for the next batch.
    this.rows = new Float32Array(this.capacity * this.width);
    this.ids = [];
    this.count = 0;
    while (this.inFlight.length >= this.depth) await this.writeOldest();
  }

  private async writeOldest(): Promise<void> {
    const { answers, ids, count } = this.inFlight.shift()!;
    this.write(await answers, ids, count);
  }
}
