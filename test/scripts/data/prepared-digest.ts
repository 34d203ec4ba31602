/**
 * One SHA-256 over everything the data step hands the trainer (the spec, the raw and
 * scaled float32 matrices, targets, rows, ids, the report and the warnings): two
 * readers that give the same digest give the trainer the same input, hence, on one
 * CPU, the same model bytes.
 */
import { createHash } from 'node:crypto';
import type { PreparedData } from '../../../scripts/data/prepare.js';

/** The digest; the report's `file` (the path as given, not what the file holds) is left out. */
export function preparedDigest(data: PreparedData): string {
  const hash = createHash('sha256');
  const { train, test, report, ...rest } = data;
  hash.update(JSON.stringify({ ...rest, report: { ...report, file: undefined } }));
  for (const split of [train, test]) {
    hash.update(JSON.stringify({ rows: split.rows, ids: split.ids ?? null }));
    for (const array of [split.raw, split.scaled, split.y, split.dataRows]) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }
  return hash.digest('hex');
}
