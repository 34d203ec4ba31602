/**
 * The rows on which the two engines must agree with onnxruntime-node (Node side: the
 * global setup hands them to workerd, test/src/inference/compiled/ uses them directly).
 *
 * Five models: the shipped model/ltv.onnx, and one MSE and one ZILN model trained
 * (small and short: the weights only need to be real) on each table in
 * ../shared/data/features. Each gets at least MIN_ROWS rows: its table's customers
 * (generated customers for the shipped model) encoded by the shared encoder, then
 * copies made hostile: cells set to NaN, ±Infinity, ±1e30 and ±3e38, unseen
 * categories, rows that are all missing, rows of NaN only. onnxruntime-node scores
 * every row; its outputs are the reference. onnxruntime-web (Node) scores them too:
 * where the two disagree, that sets the bar (./agreement.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { parseCsv } from '../../../scripts/data/csv.js';
import { generateCustomers } from '../../../scripts/data/generate.js';
import { sharedDataDir } from '../../../scripts/data/shared-data.js';
import { Rng } from '../../../scripts/math/rng.js';
import type { LossName } from '../../../scripts/mlp/objective.js';
import { trainModel } from '../../../scripts/train/train-model.js';
import { Encoder } from '../../../src/spec/encode.js';
import { MISSING_LEVEL, OTHER_LEVEL } from '../../../src/spec/feature-spec.js';
import { type ModelManifest, parseManifest } from '../../../src/spec/manifest.js';
import type { EquivalenceCaseJson } from './agreement.js';

export const MIN_ROWS = 10_000;

export interface EquivalenceCase {
  name: string;
  manifest: ModelManifest;
  onnx: Uint8Array;
  /** Encoded rows, row-major [count, width]. */
  rows: Float32Array;
  count: number;
  /** onnxruntime-node's outputs for `rows`, by name (every output in the spec). */
  reference: Record<string, Float32Array>;
  /** onnxruntime-web's (its WebAssembly build, in Node): where the two disagree sets the bar (./agreement.ts). */
  web: Record<string, Float32Array>;
}


const root = new URL('../../../', import.meta.url).pathname;
const tables = [
  { table: 'cdnow_39w', unit: 'USD' },
  { table: 'online_retail', unit: 'GBP' },
] as const;

/**
 * Every case; built once per process (the two workerd projects' global setups share it).
 * Tables missing from ../shared/data are left out, with a warning.
 */
export function equivalenceCases(): Promise<EquivalenceCase[]> {
  const cache = globalThis as { ltvEquivalenceCases?: Promise<EquivalenceCase[]> };
  cache.ltvEquivalenceCases ??= buildCases();
  return cache.ltvEquivalenceCases;
}

async function buildCases(): Promise<EquivalenceCase[]> {
  const cases: EquivalenceCase[] = [];
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')));
  const generated = generateCustomers({ rows: 6000, seed: 9 });
  cases.push(await scored(`shipped model/ltv.onnx (${manifest.head ?? 'mse'})`, manifest, new Uint8Array(readFileSync(join(root, 'model', 'ltv.onnx'))), generated.header, generated.rows));
  const features = join(sharedDataDir(), 'features');
  for (const { table, unit } of tables) {
    const data = join(features, `${table}.csv`);
    if (!existsSync(data)) {
      console.warn(`equivalence cases: ${data} not found, its models are left out (set LTV_DATA_DIR)`);
      continue;
    }
    const [header, ...body] = parseCsv(readFileSync(data, 'utf8')).map((r) => r.fields);
    for (const loss of ['mse', 'ziln'] as const) {
      const trained = await train(data, join(features, `${table}.split.csv`), unit, loss);
      cases.push(await scored(`${table} (${loss}, trained for the test)`, trained.manifest, trained.onnx, header!, body));
    }
  }
  return cases;
}

async function train(data: string, split: string, unit: string, loss: LossName): Promise<{ manifest: ModelManifest; onnx: Uint8Array }> {
  const out = mkdtempSync(join(tmpdir(), `ltv-equivalence-${loss}-`));
  try {
    await trainModel({ prepare: { data, split, unit }, fit: { hidden: [32, 16], epochs: 2 }, out, loss });
    return { manifest: parseManifest(JSON.parse(readFileSync(join(out, 'ltv.json'), 'utf8'))), onnx: new Uint8Array(readFileSync(join(out, 'ltv.onnx'))) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function scored(name: string, manifest: ModelManifest, onnx: Uint8Array, header: string[], cells: string[][]): Promise<EquivalenceCase> {
  const rows = hostileRows(manifest, header, cells, new Rng(17));
  const encoder = new Encoder(manifest.spec);
  const count = rows.length / encoder.width;
  const { io } = manifest.spec;
  const session = await ort.InferenceSession.create(onnx);
  const results = await session.run({ [io.input]: new ort.Tensor('float32', rows, [count, encoder.width]) });
  await session.release();
  const reference = Object.fromEntries(io.outputs.map((o) => [o, results[o]!.data as Float32Array]));
  ortWeb.env.wasm.numThreads = 1;
  // Under vitest's global setup ORT's relative import of its loader fails: give it the directory.
  ortWeb.env.wasm.wasmPaths = pathToFileURL(`${dirname(createRequire(import.meta.url).resolve('onnxruntime-web'))}/`).href;
  const webSession = await ortWeb.InferenceSession.create(onnx);
  const webResults = await webSession.run({ [io.input]: new ortWeb.Tensor('float32', rows, [count, encoder.width]) });
  await webSession.release();
  const web = Object.fromEntries(io.outputs.map((o) => [o, webResults[o]!.data as Float32Array]));
  return { name, manifest, onnx, rows, count, reference, web };
}

/**
 * The table's customers, encoded, then hostile copies until there are MIN_ROWS rows.
 * Cells that are not numbers where the spec wants one are left missing.
 */
export function hostileRows(manifest: ModelManifest, header: string[], cells: string[][], rng: Rng): Float32Array {
  const { features } = manifest.spec;
  const encoder = new Encoder(manifest.spec);
  const width = encoder.width;
  const records = cells.map((row) => {
    const record: Record<string, number | string | null> = {};
    for (const f of features) {
      const cell = row[header.indexOf(f.name)];
      if (cell === undefined || cell === '') record[f.name] = null;
      else if (f.type === 'numeric') record[f.name] = Number.isFinite(Number(cell)) ? Number(cell) : null;
      else record[f.name] = cell;
    }
    return record;
  });
  const numericColumns: number[] = [];
  let at = 0;
  for (const f of features) {
    if (f.type === 'numeric') numericColumns.push(at);
    at += f.type === 'numeric' ? 1 : f.levels.length;
  }
  const categorical = features.filter((f) => f.type === 'categorical');
  const count = Math.max(MIN_ROWS, records.length);
  const rows = new Float32Array(count * width);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rng.next() * values.length)]!;
  const extremes = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e30, -1e30, 3e38, -3e38];
  for (let r = 0; r < count; r++) {
    const base = { ...records[r % records.length]! };
    const kind = r < records.length ? 0 : 1 + (r % 6);
    if (kind === 3) for (const f of features) base[f.name] = null; // every feature missing: all imputed
    if (kind === 4) for (const f of categorical) base[f.name] = `never-seen-${r}`; // unseen categories
    if (kind === 5) for (const f of categorical) base[f.name] = pick([OTHER_LEVEL, MISSING_LEVEL]); // the reserved level names, as values
    const { errors } = encoder.encodeInto(base, rows, r * width);
    // Required features left out are an error for a request, not for the engine: the row is still laid out.
    if (errors.some((e) => e.message !== 'missing required feature')) throw new Error(`row ${r}: ${JSON.stringify(errors)}`);
    const row = rows.subarray(r * width, (r + 1) * width);
    if (kind === 1) for (let k = 0; k < 3; k++) row[pick(numericColumns)] = pick(extremes);
    if (kind === 2) for (const c of numericColumns) if (rng.next() < 0.3) row[c] = pick(extremes);
    if (kind === 6) row.fill(Number.NaN); // what OIP infer gets for a row of nulls
  }
  return rows;
}

export function toJson(c: EquivalenceCase): EquivalenceCaseJson {
  const base64 = (a: Float32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return {
    name: c.name,
    manifest: c.manifest,
    onnxBase64: base64(c.onnx),
    rowsBase64: base64(c.rows),
    count: c.count,
    referenceBase64: Object.fromEntries(Object.entries(c.reference).map(([k, v]) => [k, base64(v)])),
    webBase64: Object.fromEntries(Object.entries(c.web).map(([k, v]) => [k, base64(v)])),
  };
}
