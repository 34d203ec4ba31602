/**
 * One chunk of the input table → encoded rows, with the trainer's cell rules and
 * the shared Encoder, so that a customer is read and encoded exactly as the trainer
 * read and encoded its training rows (scripts/data/table.ts, scripts/data/prepare.ts):
 * - a CSV cell escaped against spreadsheet formulas (`'=x`) is unescaped;
 * - a cell is trimmed; empty, `NA`, `NaN` and `null` (any case) are missing;
 * - a numeric feature's cell must be a decimal number (`expected a number, got "abc"`);
 *   ±Infinity, and numbers stored as non-finite, read as missing and are counted;
 * - a categorical feature's cell is its level, unseen levels becoming OTHER in the Encoder;
 * - then the record (a number, string or null per feature) goes through
 *   `Encoder.encodeInto`, whose errors (a number beyond float32) reject the row too.
 * A rejected row writes nothing that is kept: the next good row takes its place.
 */
import type { DuckDBDataChunk, DuckDBValue, DuckDBVector } from '@duckdb/node-api';
import { unescapeFormulaCell } from '../data/formula-cells.js';
import { isMissing, parseNumber } from '../data/table.js';
import { type Encoder, describe } from '../../src/spec/encode.js';
import type { Feature } from '../../src/spec/feature-spec.js';
import type { ColumnKind } from './input-table.js';

/** Why one row cannot be scored: its first bad field, in spec order. */
export interface RowProblem {
  /** 0-based data row of the table. */
  row: number;
  field: string;
  message: string;
  /** The row's id, when an id column was asked for. */
  id: DuckDBValue | undefined;
}

export interface ChunkResult {
  /** Rows written into `out`, from `at` on. */
  kept: number;
  problems: RowProblem[];
  /** Non-finite numbers read as missing in this chunk. */
  nonFinite: number;
}

export class ChunkEncoder {
  private readonly width: number;
  /** One record object, refilled per row: same keys, same order, so V8 keeps its shape. */
  private readonly record: Record<string, number | string | null>;

  constructor(
    private readonly encoder: Encoder,
    private readonly features: readonly Feature[],
    private readonly kinds: readonly ColumnKind[],
    private readonly hasId: boolean,
    private readonly csv: boolean,
  ) {
    this.width = encoder.width;
    this.record = Object.fromEntries(features.map((f) => [f.name, null]));
  }

  /**
   * Encodes the rows of `chunk` (features in spec order, then the id) into `out`
   * from row `at`; `firstRow` is the table row of the chunk's first row. The ids of
   * kept rows are pushed onto `ids`.
   */
  encode(chunk: DuckDBDataChunk, firstRow: number, out: Float32Array, at: number, ids: DuckDBValue[]): ChunkResult {
    const count = chunk.rowCount;
    const vectors: DuckDBVector[] = this.features.map((_, k) => chunk.getColumnVector(k));
    const idVector = this.hasId ? chunk.getColumnVector(this.features.length) : undefined;
    const problems: RowProblem[] = [];
    const { features, kinds, record } = this;
    let kept = 0;
    let nonFinite = 0;
    for (let r = 0; r < count; r++) {
      let problem: { field: string; message: string } | undefined;
      for (let k = 0; k < features.length; k++) {
        const feature = features[k]!;
        const raw = vectors[k]!.getItem(r);
        let value: number | string | null;
        if (kinds[k] === 'number') {
          const x = raw as number;
          if (Number.isNaN(x)) value = null;
          else if (!Number.isFinite(x)) { value = null; nonFinite++; }
          else value = x;
        } else {
          const text = raw as string;
          // A cell the tools escaped against spreadsheet formulas reads as the trainer read it (CSV only).
          const cell = (this.csv && text.charCodeAt(0) === 0x27 ? unescapeFormulaCell(text) : text).trim();
          if (isMissing(cell)) value = null;
          else if (feature.type === 'categorical') value = cell;
          else {
            const x = parseNumber(cell);
            if (x === undefined) {
              problem ??= { field: feature.name, message: `expected a number, got ${describe(cell)}` };
              value = null;
            } else if (!Number.isFinite(x)) { value = null; nonFinite++; }
            else value = x;
          }
        }
        record[feature.name] = value;
      }
      if (problem === undefined) {
        const first = this.encoder.encodeInto(record, out, (at + kept) * this.width).errors[0];
        if (first !== undefined) problem = first;
      }
      const id = idVector?.getItem(r) ?? undefined;
      if (problem !== undefined) {
        problems.push({ row: firstRow + r, ...problem, id });
        continue;
      }
      if (idVector !== undefined) ids.push(id ?? null);
      kept++;
    }
    return { kept, problems, nonFinite };
  }
}
