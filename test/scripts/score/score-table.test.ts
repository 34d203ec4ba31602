/**
 * The batch scorer on real tables, the shipped model and a freshly trained MSE model:
 * what it writes (columns, values, order, metadata), that CSV and Parquet give the
 * same float32 values, that it reproduces the trainer's own test predictions, and
 * what it does with rows it cannot score.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCustomers, toCsv } from '../../../scripts/data/generate.js';
import { formatCsvRecord } from '../../../scripts/data/csv.js';
import { DataError } from '../../../scripts/data/errors.js';
import { literal } from '../../../scripts/log-to-table/sql.js';
import { ModelLoadError } from '../../../scripts/score/engine.js';
import { type ScoreOptions, scoreTable } from '../../../scripts/score/score-table.js';
import { trainModel } from '../../../scripts/train/train-model.js';
import { tierOf } from '../../../src/head/answers.js';
import { type ModelManifest, parseManifest } from '../../../src/spec/manifest.js';
import { TOLERANCE, worstDisagreement } from '../../src/inference/agreement.js';
import { outsideSubsetModel } from '../../src/inference/outside-subset.js';
import { customerTables, parquetMetadata, readRows, withDuckDB } from './tables.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-score-'));
const shipped = parseManifest(JSON.parse(readFileSync('model/ltv.json', 'utf8')));
const ZILN_COLUMNS = ['customer_id', 'ltv', 'p_purchase', 'ltv_p10', 'ltv_p50', 'ltv_p90', 'tier'];
let tables: { csv: string; parquet: string };

beforeAll(async () => {
  tables = await customerTables(dir, 300, 7);
});

/** Scores in this thread (threads 0) unless told otherwise: quicker, and the same engine code. */
const score = (options: Partial<ScoreOptions> & Pick<ScoreOptions, 'data' | 'out'>) =>
  scoreTable({ model: 'model', id: 'customer_id', threads: 0, ...options });

/** A CSV written by the scorer, its numbers as the float32 values they spell. */
async function readCsvScores(path: string): Promise<Record<string, unknown>[]> {
  return (await readRows(path)).map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k === 'customer_id' || k === 'tier' ? v : Math.fround(Number(v))])));
}

describe('npm run score, the library', () => {
  it('scores every customer of a CSV, in input order, with the answers of a ZILN model and its tier', async () => {
    const out = join(dir, 'scores.csv');
    const summary = await score({ data: tables.csv, out });
    expect(summary).toMatchObject({ scored: 300, rejected: 0, format: 'csv', columns: ZILN_COLUMNS, model: { name: shipped.name, version: shipped.version } });
    const rows = await readCsvScores(out);
    const ids = generateCustomers({ rows: 300, seed: 7 }).rows.map((r) => r[0]);
    expect(rows.map((r) => r.customer_id)).toEqual(ids);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(ZILN_COLUMNS);
      const [ltv, p, p10, p50, p90] = [row.ltv, row.p_purchase, row.ltv_p10, row.ltv_p50, row.ltv_p90] as [number, number, number, number, number];
      expect(ltv >= 0 && Number.isFinite(ltv), `ltv ${ltv}`).toBe(true);
      expect(p >= 0 && p <= 1, `p ${p}`).toBe(true);
      expect(p10 <= p50 && p50 <= p90, `${p10} ${p50} ${p90}`).toBe(true);
      expect(row.tier).toBe(tierOf(ltv, shipped.spec.tiers!.thresholds));
    }
    // The three tiers occur: the thresholds are training quantiles of the same kind of table.
    expect(new Set(rows.map((r) => r.tier))).toEqual(new Set(['low', 'medium', 'high']));
  });

  it('gives the same float32 values for the table as CSV or as Parquet, written as CSV or as Parquet', async () => {
    const results = await Promise.all([
      score({ data: tables.csv, out: join(dir, 'csv-to.parquet') }).then(() => readRows(join(dir, 'csv-to.parquet'))),
      score({ data: tables.parquet, out: join(dir, 'parquet-to.parquet') }).then(() => readRows(join(dir, 'parquet-to.parquet'))),
      score({ data: tables.parquet, out: join(dir, 'parquet-to.csv') }).then(() => readCsvScores(join(dir, 'parquet-to.csv'))),
    ]);
    expect(results[0]).toHaveLength(300);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('writes the same bytes with the engine in this thread or on one or two worker threads', async () => {
    const bytes = async (threads: number) => {
      const out = join(dir, `threads-${threads}.csv`);
      await score({ data: tables.csv, out, threads, batchRows: 2048 });
      return readFileSync(out, 'utf8');
    };
    const inThread = await bytes(0);
    expect(await bytes(1)).toBe(inThread);
    expect(await bytes(2)).toBe(inThread);
  });

  it('puts the model that scored the table in the Parquet metadata and in the CSV sidecar line', async () => {
    await score({ data: tables.csv, out: join(dir, 'meta.parquet') });
    const metadata = await parquetMetadata(join(dir, 'meta.parquet'));
    expect(metadata).toMatchObject({ model_name: 'ltv', model_version: shipped.version, model_head: 'ziln', model_onnx_sha256: shipped.onnxSha256, rows: '300', rejected: '0' });
    expect(Number.isNaN(Date.parse(metadata.scored_at!))).toBe(false);
    await score({ data: tables.csv, out: join(dir, 'meta.csv') });
    const sidecar = readFileSync(join(dir, 'meta.csv.model.json'), 'utf8');
    expect(sidecar.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(sidecar)).toMatchObject({ model_name: 'ltv', model_version: shipped.version, rows: '300' });
  });

  it("reproduces the trainer's test-predictions.csv for its test rows (the compiled engine against the trainer's TypeScript forward pass: within 1e-5 relative)", async () => {
    // The shipped model was trained by `npm start` on the generator's 5000 rows, seed 42: the same bytes.
    const data = join(dir, 'training.csv');
    writeFileSync(data, toCsv(generateCustomers({ rows: 5000, seed: 42 })));
    expect(createHash('sha256').update(readFileSync(data)).digest('hex')).toBe(shipped.trainingData.sha256);
    const out = join(dir, 'training-scores.parquet');
    expect((await score({ data, out })).model.engine).toBe('compiled');
    const scored = await readRows(out);
    const [header, ...lines] = readFileSync('model/test-predictions.csv', 'utf8').trim().split('\n');
    expect(header).toBe('row,actual,predicted,p_purchase');
    let worst = 0;
    let exact = 0;
    for (const line of lines) {
      const [row, , predicted, pPurchase] = line.split(',').map(Number) as [number, number, number, number];
      const ours = scored[row]!;
      for (const [value, reference] of [[ours.ltv, predicted], [ours.p_purchase, pPurchase]] as [number, number][]) {
        const relative = Math.abs(value - Math.fround(reference)) / Math.abs(reference);
        worst = Math.max(worst, relative);
        if (value === Math.fround(reference)) exact++;
      }
    }
    console.info(`test-predictions.csv: ${lines.length} test rows, ltv and p_purchase: ${exact} of ${2 * lines.length} values bit-identical, largest relative difference ${worst.toExponential(2)}`);
    expect(lines.length).toBe(995);
    expect(worst).toBeLessThan(1e-5);
  });

  it("runs the shipped graph on the compiled engine by default; onnxruntime-web on request, within the engines' agreement bar of it", async () => {
    const compiled = await score({ data: tables.parquet, out: join(dir, 'engine-auto.parquet') });
    const ort = await score({ data: tables.parquet, out: join(dir, 'engine-ort.parquet'), engine: 'ort' });
    expect(compiled.model.engine).toBe('compiled');
    expect(ort.model.engine).toBe('ort');
    expect((await score({ data: tables.parquet, out: join(dir, 'engine-auto-1.parquet'), threads: 1 })).model.engine).toBe('compiled × 1 worker thread');
    const [a, b] = await Promise.all([readRows(join(dir, 'engine-auto.parquet')), readRows(join(dir, 'engine-ort.parquet'))]);
    expect(a).toHaveLength(300);
    for (const field of ['ltv', 'p_purchase', 'ltv_p10', 'ltv_p50', 'ltv_p90']) {
      const worst = worstDisagreement(a.map((r) => r[field] as number), b.map((r) => r[field] as number));
      console.info(`${field}: compiled against onnxruntime-web on 300 customers, worst ${worst.error.toExponential(2)} (row ${worst.index})`);
      expect(worst.error, `${field} row ${worst.index}: ${worst.actual} vs ${worst.expected}`).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('scores a graph outside the compiled subset on onnxruntime-web (auto), with onnxruntime-node\'s values; --engine compiled refuses it, naming the node', async () => {
    const model = await outsideSubsetModel();
    const modelDir = join(dir, 'outside-subset');
    mkdirSync(modelDir);
    writeFileSync(join(modelDir, 'ltv.json'), JSON.stringify(model.manifest));
    writeFileSync(join(modelDir, 'ltv.onnx'), Buffer.from(model.onnxBase64, 'base64'));
    const data = join(dir, 'outside-subset.csv');
    writeFileSync(data, `id,a,b\n${model.records.map((r, i) => `c${i},${r.a ?? ''},${r.b ?? ''}`).join('\n')}\n`);
    const summary = await score({ model: modelDir, data, id: 'id', out: join(dir, 'outside-subset-scores.parquet') });
    expect(summary.model.engine).toBe('ort');
    const rows = await readRows(join(dir, 'outside-subset-scores.parquet'));
    expect(rows.map((r) => r.ltv)).toEqual(model.ltv);
    const refused = await score({ model: modelDir, data, id: 'id', out: join(dir, 'outside-subset-compiled.parquet'), engine: 'compiled' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ModelLoadError);
    expect((refused as Error).message).toMatch(/the model cannot score: UnsupportedGraphError: node "odd\/Abs" \(Abs\): operator Abs is not in the compiled engine's subset/);
  });

  it('writes only ltv (and the tier) for an MSE model', async () => {
    const mse = join(dir, 'mse-model');
    const data = join(dir, 'mse-training.csv');
    writeFileSync(data, toCsv(generateCustomers({ rows: 600, seed: 5 })));
    await trainModel({ prepare: { data, id: 'customer_id', unit: 'USD' }, fit: { hidden: [16, 8], epochs: 4 }, out: mse, loss: 'mse' });
    const manifest: ModelManifest = parseManifest(JSON.parse(readFileSync(join(mse, 'ltv.json'), 'utf8')));
    const summary = await score({ model: mse, data: tables.csv, out: join(dir, 'mse.parquet') });
    expect(summary.columns).toEqual(['customer_id', 'ltv', 'tier']);
    const rows = await readRows(join(dir, 'mse.parquet'));
    expect(rows).toHaveLength(300);
    for (const row of rows) expect(row.tier).toBe(tierOf(row.ltv as number, manifest.spec.tiers!.thresholds));
  });

  it("reads a CSV's formula-escaped cells as the trainer does, and escapes a text id again in a CSV it writes", async () => {
    // A level and ids that a spreadsheet would run as formulas, written as the tools write them ('=promo).
    const { header, rows } = generateCustomers({ rows: 600, seed: 9 });
    const channel = header.indexOf('channel');
    rows.forEach((row, i) => {
      if (i % 3 === 0) row[channel] = '=promo';
      if (i < 5) row[0] = `=C${i}`;
    });
    const csv = join(dir, 'escaped.csv');
    writeFileSync(csv, `${[header, ...rows].map((r) => formatCsvRecord(r)).join('\n')}\n`);
    expect(readFileSync(csv, 'utf8')).toContain("'=promo");
    const model = join(dir, 'escaped-model');
    await trainModel({ prepare: { data: csv, id: 'customer_id', unit: 'USD' }, fit: { hidden: [8], epochs: 2 }, out: model, loss: 'mse' });
    const manifest = parseManifest(JSON.parse(readFileSync(join(model, 'ltv.json'), 'utf8')));
    expect(manifest.spec.features.find((f) => f.name === 'channel')).toMatchObject({ levels: expect.arrayContaining(['=promo']) });
    // The same table as Parquet holds the values themselves: scores from either must agree.
    const parquet = join(dir, 'escaped.parquet');
    await withDuckDB((db) => db.run(`COPY (SELECT * REPLACE (CASE WHEN channel = '''=promo' THEN '=promo' ELSE channel END AS channel,
      CASE WHEN starts_with(customer_id, '''') THEN substr(customer_id, 2) ELSE customer_id END AS customer_id)
      FROM read_csv(${literal(csv)}, all_varchar = true)) TO ${literal(parquet)} (FORMAT parquet)`));
    await score({ model, data: csv, out: join(dir, 'escaped-from-csv.parquet') });
    await score({ model, data: parquet, out: join(dir, 'escaped-from-parquet.parquet') });
    const fromCsv = await readRows(join(dir, 'escaped-from-csv.parquet'));
    expect(fromCsv).toEqual(await readRows(join(dir, 'escaped-from-parquet.parquet')));
    expect(fromCsv[0]!.customer_id).toBe('=C0');
    await score({ model, data: csv, out: join(dir, 'escaped-scores.csv') });
    expect(readFileSync(join(dir, 'escaped-scores.csv'), 'utf8').split('\n')[1]).toMatch(/^'=C0,/);
  });

  it('reads a non-finite number as missing, as the trainer does, and counts it', async () => {
    const lines = readFileSync(tables.csv, 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    const at = header.indexOf('total_spend');
    const withCell = (cell: string) => {
      const fields = lines[1]!.split(',');
      fields[at] = cell;
      return `${lines[0]}\n${fields.join(',')}\n`;
    };
    writeFileSync(join(dir, 'inf.csv'), withCell('inf'));
    writeFileSync(join(dir, 'empty.csv'), withCell(''));
    const summary = await score({ data: join(dir, 'inf.csv'), out: join(dir, 'inf-scores.csv') });
    await score({ data: join(dir, 'empty.csv'), out: join(dir, 'empty-scores.csv') });
    expect(summary.nonFinite).toBe(1);
    expect(readFileSync(join(dir, 'inf-scores.csv'), 'utf8')).toBe(readFileSync(join(dir, 'empty-scores.csv'), 'utf8'));
  });
});

describe('rows that cannot be scored', () => {
  /** The generated table with two bad rows: a word in a numeric column (on a line after a quoted line break) and a number beyond float32. */
  function badTable(): string {
    const [header, ...rows] = readFileSync(tables.csv, 'utf8').trim().split('\n');
    const columns = header!.split(',');
    const spoil = (row: string, column: string, cell: string) => {
      const fields = row.split(',');
      fields[columns.indexOf(column)] = cell;
      return fields.join(',');
    };
    rows[3] = spoil(rows[3]!, 'channel', '"paid\nsearch"');
    rows[5] = spoil(rows[5]!, 'total_spend', 'abc');
    rows[200] = spoil(rows[200]!, 'days_last_13w', '1e39');
    const path = join(dir, 'bad.csv');
    // A blank line before the data: lines are physical lines, not rows.
    writeFileSync(path, `${header}\n\n${rows.join('\n')}\n`);
    return path;
  }

  it('stop the run at the first one with its line and field, and leave no output and no work files', async () => {
    const data = badTable();
    const out = join(dir, 'stopped', 'scores.csv');
    const error = await score({ data, out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    // Header line 1, blank line 2, data row 0 on line 3; row 3 spans two lines, so row 5 is on line 9.
    expect((error as Error).message).toBe(`${data}: line 9, column "total_spend": expected a number, got "abc"`);
    expect(readdirSync(join(dir, 'stopped'))).toEqual([]);
  });

  it('leave an existing output exactly as it was', async () => {
    const out = join(dir, 'kept.csv');
    writeFileSync(out, 'the old scores\n');
    await expect(score({ data: badTable(), out })).rejects.toThrow(DataError);
    expect(readFileSync(out, 'utf8')).toBe('the old scores\n');
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('with --rejects: the good rows are scored and each bad one is written with its id, line, field and reason', async () => {
    const out = join(dir, 'with-rejects.parquet');
    const rejects = join(dir, 'rejects.csv');
    const summary = await score({ data: badTable(), out, rejects });
    expect(summary).toMatchObject({ scored: 298, rejected: 2 });
    expect(await readRows(out)).toHaveLength(298);
    const ids = generateCustomers({ rows: 300, seed: 7 }).rows.map((r) => r[0]);
    expect(readFileSync(rejects, 'utf8')).toBe(
      'customer_id,line,column,reason\n' +
        `${ids[5]},9,total_spend,"expected a number, got ""abc"""\n` +
        `${ids[200]},204,days_last_13w,number 1e+39 is outside the float32 range\n`,
    );
    expect((await parquetMetadata(out)).rejected).toBe('2');
  });

  it('in Parquet are named by their 1-based row', async () => {
    const data = join(dir, 'bad.parquet');
    await withDuckDB((db) => db.run(`COPY (SELECT * REPLACE (CASE WHEN customer_id = 'C000004' THEN 'lots' ELSE CAST(total_spend AS VARCHAR) END AS total_spend)
      FROM read_parquet(${literal(tables.parquet)})) TO ${literal(data)} (FORMAT parquet)`));
    await expect(score({ data, out: join(dir, 'bad-parquet.csv') })).rejects.toThrow(`${data}: column "total_spend": row 4: expected a number, got "lots"`);
  });

  it('a table without a column the model reads is refused before any row, naming the columns', async () => {
    const data = join(dir, 'narrow.csv');
    writeFileSync(data, 'customer_id,channel\nC1,email\n');
    const error = (await score({ data, out: join(dir, 'narrow-scores.csv') }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/^.*narrow\.csv: missing columns "country", "x_repeat_days", .*"total_spend" \(the model reads 17 features and --id\); the file has "customer_id", "channel"$/);
    expect(existsSync(join(dir, 'narrow-scores.csv'))).toBe(false);
  });
});
