/**
 * The streaming, column-by-column reader gives the trainer exactly what the
 * whole-file reader it replaced gave: the digests below were computed with that
 * reader (scripts/data/ on main at commit e8379ab, with its messages and warnings,
 * `prepareData` on the same tables and options), over the spec, both float32
 * matrices, targets, rows, ids, the report and the warnings (./prepared-digest.ts). Same input to the trainer, so on a given
 * CPU the same model bytes (the shipped model was retrained with the new reader to
 * its very bytes: docs/batch-scoring.md). A Parquet copy of a table gives the same
 * prepared data as its CSV.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCustomers, toCsv } from '../../../scripts/data/generate.js';
import { type PrepareOptions, type PreparedData, loadTrainingData, prepareData } from '../../../scripts/data/prepare.js';
import { sharedDataDir } from '../../../scripts/data/shared-data.js';
import { literal } from '../../../scripts/log-to-table/sql.js';
import { withDuckDB } from '../score/tables.js';
import { preparedDigest } from './prepared-digest.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-same-as-before-'));
const features = join(sharedDataDir(), 'features');
const shared = existsSync(join(features, 'cdnow_39w.csv')) && existsSync(join(features, 'online_retail.csv'));
if (!shared) console.warn(`shared tables skipped: ${features} not found (set LTV_DATA_DIR)`);

function generated(name: string, rows: number, seed: number): string {
  const path = join(dir, name);
  writeFileSync(path, toCsv(generateCustomers({ rows, seed })));
  return path;
}

describe('the streaming reader against the whole-file reader it replaced', () => {
  it('prepares the generated table the shipped model was trained on (5000 rows, seed 42, --id) to the same digest', () => {
    const data = generated('generated-5000-42.csv', 5000, 42);
    expect(preparedDigest(prepareData({ data, id: 'customer_id', unit: 'USD' }))).toBe('a12b61529f7f92d6dafdf6ac1f6a9275cb3860459938ad5c5c242f77e993ce8d');
  });

  it('prepares a generated table with declared categorical columns, the id among them, no --id (duplicates by content) to the same digest', () => {
    const data = generated('generated-20000-3.csv', 20_000, 3);
    expect(preparedDigest(prepareData({ data, categorical: ['channel', 'country', 'customer_id'] }))).toBe('57f9c8da3b500288c07c886cea5dae07696f26dcc8e4d1f2fb0a97ee78e1fd4a');
  });

  it('prepares a table whose columns turn categorical late (a word after 2,500 numbers), or after missing cells, with infinities, to the same digest', () => {
    const lines = ['id,score,code,late,spend,ltv'];
    for (let i = 0; i < 3000; i++) {
      const score = i % 97 === 0 ? 'inf' : i % 13 === 0 ? 'NA' : (i % 50 / 4).toFixed(2);
      const code = i < 700 ? '' : `${i % 7 === 0 ? 'x' : ''}${i % 11}`;
      const late = i === 2500 ? 'oops' : i % 9 === 0 ? ' ' : (i % 6).toFixed(1);
      const spend = i % 17 === 0 ? '' : String(10 + (i % 40));
      const ltv = i % 3 === 0 ? '0' : String(i % 23);
      lines.push(`c${i % 2900},${score},${code},${late},${spend},${ltv}`);
    }
    const data = join(dir, 'late-text.csv');
    writeFileSync(data, `${lines.join('\n')}\n`);
    const prepared = prepareData({ data, id: 'id' });
    // "late" was read again for its text: its levels are the cells as written ("5.0"), not numbers;
    // the warning names the cell that made it categorical and counts its numbers.
    expect(prepared.spec.features.find((f) => f.name === 'late')).toMatchObject({ type: 'categorical', levels: expect.arrayContaining(['5.0', '4.0']) });
    expect(prepared.warnings).toContainEqual(expect.stringMatching(/^column "late" is read as categorical because line 2502 holds "oops", which is not a number \(2665 of its cells are numbers\)/));
    expect(preparedDigest(prepared)).toBe('85f973a50f11fa615d536c2700eb304a3b0dd5587a3956fea75a3b784c886843');
  });

  it.skipIf(!shared)('prepares cdnow_39w and online_retail with their split files to the same digests', () => {
    const cdnow = prepareData({ data: join(features, 'cdnow_39w.csv'), split: join(features, 'cdnow_39w.split.csv'), unit: 'USD' });
    expect(preparedDigest(cdnow)).toBe('2ca00cb92e5eef0bdbdc29da2382f37120046d0f617e34aff62ee3884ee41c90');
    const retail = prepareData({ data: join(features, 'online_retail.csv'), split: join(features, 'online_retail.split.csv') });
    expect(preparedDigest(retail)).toBe('4a37ec79a2772f4121018714aafda65b00e578db054a3fa312f59b269c893f10');
  });
});

describe('a Parquet table', () => {
  /** Everything but what names the file (its path and its bytes' hash). */
  const content = ({ dataSha256: _, report, ...rest }: PreparedData) => ({ ...rest, report: { ...report, file: undefined } });

  it('prepares to the same spec, matrices, targets, report and warnings as the CSV it was written from', async () => {
    const csv = generated('parquet-source.csv', 3000, 8);
    const parquet = join(dir, 'parquet-source.parquet');
    const text = new Set(['customer_id', 'channel', 'country']);
    const header = generateCustomers({ rows: 1, seed: 8 }).header;
    const select = header.map((name) => (text.has(name) ? `"${name}"` : `TRY_CAST(TRIM("${name}") AS DOUBLE) AS "${name}"`)).join(', ');
    await withDuckDB((db) => db.run(`COPY (SELECT ${select} FROM read_csv(${literal(csv)}, all_varchar = true)) TO ${literal(parquet)} (FORMAT parquet)`));
    const options: Omit<PrepareOptions, 'data'> = { id: 'customer_id', unit: 'USD' };
    const fromCsv = prepareData({ ...options, data: csv });
    const fromParquet = await loadTrainingData({ ...options, data: parquet });
    expect(fromParquet.train.rows).toBeGreaterThan(2000);
    expect(content(fromParquet)).toEqual(content(fromCsv));
  });

  it('names a bad cell by its 1-based row', async () => {
    const parquet = join(dir, 'bad.parquet');
    await withDuckDB((db) => db.run(`COPY (SELECT * FROM (VALUES ('1', 2.0), ('x', 3.0), ('3', 4.0)) t(a, ltv)) TO ${literal(parquet)} (FORMAT parquet)`));
    await expect(loadTrainingData({ data: parquet, categorical: [] })).rejects.toThrow(`${parquet}: column "a": row 2: expected a number, got "x"`);
  });
});
