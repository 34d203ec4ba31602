/**
 * The scored table: staged on disk while the run goes, written out in its final
 * format only at the end, then renamed into place.
 *
 * Rows are appended, in input order, to a table in a DuckDB database file in the
 * run's work directory (beside --out, so the final rename stays on one filesystem):
 * DuckDB keeps it on disk within its memory limit, so memory does not grow with the
 * table. At the end one COPY writes CSV or Parquet (the format follows --out's
 * extension; `.csv.gz` is compressed; in CSV a text id that a spreadsheet would run
 * as a formula is escaped, as scripts/data/formula-cells.ts says) into the work directory, and a rename puts it
 * at --out. The model that scored it is in the Parquet file's key-value metadata, or
 * for CSV in a one-line JSON sidecar, `<out>.model.json`.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk, type DuckDBType, DuckDBTypeId, type DuckDBValue, FLOAT, UTINYINT } from '@duckdb/node-api';
import { escapeFormulaCell } from '../data/formula-cells.js';
import { escapedFormulaSql, ident, literal } from '../log-to-table/sql.js';
import type { ModelManifest } from '../../src/spec/manifest.js';
import { TIERS, answerColumns } from './answer-batch.js';
import type { TableFormat } from './input-table.js';

export interface OutputColumn {
  name: string;
  /** The type staged; the tier is staged as its code into TIERS and written as its name. */
  type: DuckDBType;
}

/** The output's columns: the id (when asked for), the answers, the tier (when the model has tiers). */
export function outputColumns(manifest: ModelManifest, id: { name: string; type: DuckDBType } | undefined): OutputColumn[] {
  return [
    ...(id === undefined ? [] : [id]),
    ...answerColumns(manifest).map((name) => ({ name, type: FLOAT })),
    ...(manifest.spec.tiers === undefined ? [] : [{ name: 'tier', type: UTINYINT }]),
  ];
}

/** Where a DuckDB vector holds at most this many rows. */
const CHUNK_ROWS = 2048;

export class ScoredOutput {
  rows = 0;

  private constructor(
    private readonly db: DuckDBConnection,
    private readonly appender: DuckDBAppender,
    private readonly columns: readonly OutputColumn[],
    private readonly workDir: string,
  ) {}

  /** Creates the staging table in `workDir/stage.duckdb`. */
  static async open(db: DuckDBConnection, workDir: string, columns: readonly OutputColumn[]): Promise<ScoredOutput> {
    await db.run(`ATTACH ${literal(join(workDir, 'stage.duckdb'))} AS stage`);
    await db.run(`CREATE TABLE stage.scores (${columns.map((c) => `${ident(c.name)} ${c.type.toString()}`).join(', ')})`);
    const appender = await db.createAppender('scores', 'main', 'stage');
    return new ScoredOutput(db, appender, columns, workDir);
  }

  /** Appends `count` rows given column by column, in output column order. */
  append(values: readonly (readonly DuckDBValue[] | Float32Array | Uint8Array)[], count: number): void {
    for (let from = 0; from < count; from += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, count - from);
      const chunk = DuckDBDataChunk.create(this.columns.map((c) => c.type), n);
      values.forEach((column, k) => {
        const vector = chunk.getColumnVector(k);
        for (let i = 0; i < n; i++) vector.setItem(i, column[from + i]!);
        vector.flush();
      });
      this.appender.appendDataChunk(chunk);
    }
    this.rows += count;
  }

  /**
   * Writes the staged rows to `out` in `format` and renames it into place, with
   * `metadata` as the Parquet key-value metadata or the CSV sidecar's one line.
   */
  async finish(out: string, format: TableFormat, metadata: Record<string, string>): Promise<void> {
    this.appender.closeSync();
    // The final name's extension, so that DuckDB compresses `.csv.gz`.
    const temporary = join(this.workDir, basename(out));
    const options = format === 'parquet'
      ? `FORMAT parquet, KV_METADATA {${Object.entries(metadata).map(([k, v]) => `${k}: ${literal(v)}`).join(', ')}}`
      : 'FORMAT csv, HEADER true';
    // Tier codes become names here, in the one pass that writes the file: no string per row is built in JS.
    // A CSV escapes text (the id, the names) against spreadsheet formulas, as every CSV the tools write.
    const tierNames = `[${TIERS.map(literal).join(', ')}]`;
    const select = this.columns.map((c) => {
      const name = format === 'csv' ? ident(escapeFormulaCell(c.name)) : ident(c.name);
      if (c.name === 'tier' && c.type === UTINYINT) return `${tierNames}[tier + 1] AS ${name}`;
      if (format === 'csv' && c.type.typeId === DuckDBTypeId.VARCHAR) return `${escapedFormulaSql(ident(c.name))} AS ${name}`;
      return `${ident(c.name)} AS ${name}`;
    }).join(', ');
    await this.db.run(`COPY (SELECT ${select} FROM stage.scores) TO ${literal(temporary)} (${options})`);
    if (format === 'csv') {
      const sidecar = join(this.workDir, `${basename(out)}.model.json`);
      writeFileSync(sidecar, `${JSON.stringify(metadata)}\n`);
      renameSync(sidecar, `${out}.model.json`);
    }
    renameSync(temporary, out);
  }
}
