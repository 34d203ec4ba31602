/**
 * A whole customer table scored, streaming: the walk of one record, in chunks.
 *
 *   table ─DuckDB, 2048 rows at a time─▶ cells ─trainer's cell rules─▶ record
 *         ─shared Encoder─▶ rows (a batch) ─the worker's engine─▶ outputs
 *         ─the head's answers (ltv, p_purchase, quantiles, tier)─▶ staged rows ─COPY─▶ --out
 *
 * Memory holds one batch and DuckDB's buffers (its memory limit), whatever the
 * table's size. Bad rows stop the run at the first one, with its line and field,
 * and nothing is written; with `rejects` they are written there instead and the
 * good rows are scored. All output goes to a work directory beside `out`, and is
 * renamed into place only when the whole run succeeded.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBResult } from '@duckdb/node-api';
import { Encoder } from '../../src/spec/encode.js';
import { Batches } from './batches.js';
import { ChunkEncoder, type RowProblem } from './encode-chunk.js';
import { type EnginePool, openEnginePool } from './engine-pool.js';
import type { EngineChoice } from './engine.js';
import { type TableFormat, openInputTable, readError, tableFormat } from './input-table.js';
import { RejectsFile } from './rejects-file.js';
import { RowPlaces } from './row-places.js';
import { ScoredOutput, outputColumns } from './scored-output.js';
import type { ScoreProgress } from './progress.js';

export interface ScoreOptions {
  /** Model directory (ltv.json, ltv.onnx). */
  model: string;
  /** Customer table: .csv, .csv.gz or .parquet. */
  data: string;
  /** Scored table: .csv, .csv.gz or .parquet. */
  out: string;
  /** Column carried into the output as the customer id. Default: none. */
  id?: string;
  /** CSV file for rows that cannot be scored; without it the first such row stops the run. */
  rejects?: string;
  /** Rows per engine run. Default 8192. */
  batchRows?: number;
  /** DuckDB's memory_limit for reading and staging, e.g. '512MB'. Default DEFAULT_MEMORY_LIMIT. */
  memoryLimit?: string;
  /** Worker threads running the engine; 0 runs it in this thread. Default: defaultEngineThreads(the input's format). */
  threads?: number;
  /** Which engine runs the graph, as the worker's ENGINE. Default `auto`: compiled when the graph is in its subset, else ORT. */
  engine?: EngineChoice;
}

export interface ScoreSummary {
  /** Rows written to `out`. */
  scored: number;
  rejected: number;
  /** Non-finite numbers (e.g. `inf`) read as missing, as the trainer reads them. */
  nonFinite: number;
  seconds: number;
  model: { name: string; version: string; engine: string };
  format: TableFormat;
  columns: string[];
}

export interface ScoreHooks {
  onProgress?(progress: ScoreProgress): void;
}

/**
 * DuckDB's buffers for reading the table and staging the scores; beyond, the staged
 * rows stay on disk. On 10 million customers from Parquet, peak RSS was 588 MiB at
 * 128 MB against 796 MiB at 512 MB (the staged table then sat in memory), at the same
 * speed; a very wide table may need more (`--memory-limit`).
 */
export const DEFAULT_MEMORY_LIMIT = '128MB';
export const DEFAULT_BATCH_ROWS = 8192;
/**
 * The graph runs on worker threads while this thread reads, encodes and writes: one
 * per core for Parquet, one core left to DuckDB's CSV reader, at most 4 (beyond, this
 * thread's encoding is the bound). On the 2-core machine of `npm run bench:scale`, the
 * compiled engine and the shipped five-member graph, a million customers from Parquet
 * went at 123.7 k/s with 1 engine thread and 157.7 k/s with 2; from CSV at 104.7 k/s
 * with 1 and 109.7 k/s with 2, within this machine's noise (with onnxruntime-web,
 * slower per row, CSV went at 72.4 k/s with 1 and 53.5 k/s with 2).
 */
export function defaultEngineThreads(format: TableFormat): number {
  return Math.max(1, Math.min(4, availableParallelism() - (format === 'csv' ? 1 : 0)));
}
const CHUNK_ROWS = 2048;

export async function scoreTable(options: ScoreOptions, hooks: ScoreHooks = {}): Promise<ScoreSummary> {
  const started = performance.now();
  const outFormat = tableFormat(options.out, '--out');
  const batchRows = Math.max(CHUNK_ROWS, Math.ceil((options.batchRows ?? DEFAULT_BATCH_ROWS) / CHUNK_ROWS) * CHUNK_ROWS);
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  const workDir = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  mkdirSync(workDir);
  let engines: EnginePool | undefined;
  let instance: DuckDBInstance | undefined;
  const connections: DuckDBConnection[] = [];
  let places: RowPlaces | undefined;
  let rejects: RejectsFile | undefined;
  try {
    const threads = options.threads ?? defaultEngineThreads(tableFormat(options.data, '--data'));
    engines = await openEnginePool(options.model, threads, options.engine);
    const { manifest } = engines;
    const encoder = new Encoder(manifest.spec);
    const width = encoder.width;
    instance = await DuckDBInstance.create(':memory:', {
      memory_limit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
      temp_directory: join(workDir, 'spill'),
    });
    const reader = await instance.connect();
    const writer = await instance.connect();
    connections.push(reader, writer);
    const input = await openInputTable(reader, options.data, manifest.spec.features, options.id);
    places = new RowPlaces(options.data, input.format);
    if (options.rejects !== undefined) rejects = new RejectsFile(options.rejects, places.noun, options.id);
    const columns = outputColumns(manifest, options.id === undefined ? undefined : { name: options.id, type: input.idType! });
    const output = await ScoredOutput.open(writer, workDir, columns);
    const chunks = new ChunkEncoder(encoder, manifest.spec.features, input.kinds, options.id !== undefined, input.format === 'csv');

    const batches = new Batches(engines, batchRows, width, 2 * Math.max(1, threads), ({ values, tiers }, ids, count) =>
      output.append([...(options.id === undefined ? [] : [ids]), ...values, ...(tiers === undefined ? [] : [tiers])], count));
    let read = 0;
    let nonFinite = 0;
    const reject = async (problems: readonly RowProblem[]): Promise<void> => {
      for (const problem of problems) {
        if (rejects === undefined) throw await places!.error(problem);
        await rejects.add(problem, await places!.of(problem.row));
      }
    };

    const result = await input.scan(reader);
    for (let chunk = await fetch(result, input.file); chunk !== null; chunk = await fetch(result, input.file)) {
      await batches.makeRoom(chunk.rowCount);
      const encoded = chunks.encode(chunk, read, batches.rows, batches.count, batches.ids);
      read += chunk.rowCount;
      batches.count += encoded.kept;
      nonFinite += encoded.nonFinite;
      if (encoded.problems.length > 0) await reject(encoded.problems);
      hooks.onProgress?.({
        rows: read,
        rejected: rejects?.count ?? 0,
        seconds: (performance.now() - started) / 1000,
        fraction: input.rows !== undefined ? read / Math.max(1, input.rows) : duckdbFraction(reader.progress.percentage),
      });
    }
    await batches.drain();

    const summary: ScoreSummary = {
      scored: output.rows,
      rejected: rejects?.count ?? 0,
      nonFinite,
      seconds: 0,
      model: { name: manifest.name, version: manifest.version, engine: engines.engine },
      format: outFormat,
      columns: columns.map((c) => c.name),
    };
    await output.finish(out, outFormat, {
      model_name: manifest.name,
      model_version: manifest.version,
      model_head: manifest.head ?? 'mse',
      model_onnx_sha256: manifest.onnxSha256,
      scored_at: new Date().toISOString(),
      rows: String(summary.scored),
      rejected: String(summary.rejected),
    });
    await rejects?.commit();
    rejects = undefined;
    summary.seconds = (performance.now() - started) / 1000;
    return summary;
  } finally {
    rejects?.discard();
    places?.close();
    for (const connection of connections) connection.closeSync();
    instance?.closeSync();
    await engines?.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function fetch(result: DuckDBResult, file: string) {
  try {
    const chunk = await result.fetchChunk();
    return chunk === null || chunk.rowCount === 0 ? null : chunk;
  } catch (error) {
    throw readError(error, file);
  }
}

function duckdbFraction(percentage: number): number | undefined {
  return percentage >= 0 ? percentage / 100 : undefined;
}
