/**
 * CSV rows → feature-store records, each checked against the model's spec with the
 * shared Encoder (the same check POST /v1/score makes), so that what is published
 * is what the worker will accept. A row that does not fit is rejected with its line
 * and field; the others are published.
 *
 * Cells are read as the trainer reads them (scripts/data/table.ts): an empty or
 * NA/NaN/null cell is missing; a numeric feature's cell must be a decimal number.
 * Ids are stored exactly as written, never trimmed: a caller scores a customer by
 * the id it sends, and `" spaced "` trimmed to `spaced` would then be unknown.
 * Columns that are not features of the model (the target, other ids) are ignored
 * and reported.
 */
import { type CsvRecord } from '../data/csv.js';
import { DataError } from '../data/errors.js';
import { isMissing, parseNumber } from '../data/table.js';
import { type StoredFeatures, type StoredValue, featureKey, invalidId } from '../../src/feature-store/stored-record.js';
import { Encoder } from '../../src/spec/encode.js';
import type { ModelManifest } from '../../src/spec/manifest.js';
import { printable, printableList } from '../data/printable.js';

export interface KvPair {
  key: string;
  value: string;
}

export interface RejectedRow {
  /** Physical line in the CSV (1-based; the header is line 1). */
  line: number;
  id: string | undefined;
  /** The field (column) at fault, when one is. */
  field?: string;
  message: string;
}

export interface BuiltRecords {
  pairs: KvPair[];
  rejected: RejectedRow[];
  /** Columns read as features, and those ignored (not in the spec). */
  featureColumns: string[];
  ignoredColumns: string[];
  /** Stored ids that begin or end with white space (stored as they are; callers must send them so). */
  spacedIds: number;
}

export function buildRecords(records: readonly CsvRecord[], idColumn: string, manifest: ModelManifest, publishedAt: string, file?: string): BuiltRecords {
  const [header, ...rows] = records;
  if (header === undefined) throw new DataError('the file is empty', { file });
  const idIndex = header.fields.indexOf(idColumn);
  if (idIndex < 0) throw new DataError(`no id column ${printable(idColumn)}; the columns are ${printableList(header.fields)}`, { file, line: header.line });
  const byName = new Map(manifest.spec.features.map((f) => [f.name, f]));
  const featureColumns = header.fields.filter((name, i) => i !== idIndex && byName.has(name));
  const ignoredColumns = header.fields.filter((name, i) => i !== idIndex && !byName.has(name));
  const encoder = new Encoder(manifest.spec);

  const pairs: KvPair[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  let spacedIds = 0;
  for (const row of rows) {
    const id = row.fields[idIndex]!;
    const reject = (message: string, field?: string) => rejected.push({ line: row.line, id: id || undefined, field, message });
    const badId = id.trim() === '' ? 'expected a non-empty id' : invalidId(id);
    if (badId !== undefined) { reject(badId, idColumn); continue; }
    const first = seen.get(id);
    if (first !== undefined) { reject(`duplicate id, first on line ${first}`, idColumn); continue; }
    seen.set(id, row.line);

    const features: Record<string, StoredValue> = {};
    let cellError = false;
    header.fields.forEach((name, i) => {
      const feature = byName.get(name);
      if (feature === undefined || i === idIndex || cellError) return;
      const cell = row.fields[i]!.trim();
      if (isMissing(cell)) return;
      if (feature.type === 'categorical') { features[name] = cell; return; }
      const value = parseNumber(cell);
      if (value === undefined || !Number.isFinite(value)) { reject(`expected a finite number, got ${JSON.stringify(cell)}`, name); cellError = true; return; }
      features[name] = value;
    });
    if (cellError) continue;
    // The worker's own check: required features present, values in range.
    const { errors } = encoder.encode(features);
    if (errors.length > 0) { for (const error of errors) reject(error.message, error.field); continue; }

    const record: StoredFeatures = { modelVersion: manifest.version, publishedAt, features };
    pairs.push({ key: featureKey(id), value: JSON.stringify(record) });
    if (id !== id.trim()) spacedIds++;
  }
  return { pairs, rejected, featureColumns, ignoredColumns, spacedIds };
}
