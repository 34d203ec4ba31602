/**
 * The demo marketing page on local workerd, with two known visitors: the worker as
 * `wrangler dev` runs it (wrangler's unstable_dev on 127.0.0.1, public/ as static
 * assets), its feature store filled beforehand by `wrangler kv bulk put --local`
 * in the same persistence directory. Shared by the browser test and `npm run demo:screenshot`.
 *
 * The tier thresholds are set (SEGMENT_THRESHOLDS) between the two visitors'
 * predictions, computed with onnxruntime-node on model/ltv.onnx, so that one is
 * `high` and the other `low` whatever model is checked in (the high one just below
 * the high visitor's value, which the worker's runtime may round differently).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { type Unstable_DevWorker, unstable_dev } from 'wrangler';
import { generateCustomers } from '../../data/generate.js';
import { isMissing } from '../../data/table.js';
import { featureKey } from '../../../src/feature-store/stored-record.js';
import { Encoder } from '../../../src/spec/encode.js';
import { parseManifest } from '../../../src/spec/manifest.js';

const run = promisify(execFile);

export interface DemoWorker {
  origin: string;
  /** Visitor ids whose tier is high and low. */
  visitors: { high: string; low: string };
  /** Their predicted LTVs: what the browser must never see. */
  ltvs: number[];
  stop(): Promise<void>;
}

export async function startDemoWorker(): Promise<DemoWorker> {
  const manifest = parseManifest(JSON.parse(readFileSync('model/ltv.json', 'utf8')));
  const encoder = new Encoder(manifest.spec);
  const names = new Set(manifest.spec.features.map((f) => f.name));
  const { header, rows } = generateCustomers({ rows: 40, seed: 3 });
  const records = rows.map((row) => {
    const record: Record<string, number | string> = {};
    header.forEach((column, i) => {
      const cell = row[i];
      if (!names.has(column) || cell === undefined || isMissing(cell.trim())) return;
      const feature = manifest.spec.features.find((f) => f.name === column)!;
      record[column] = feature.type === 'numeric' ? Number(cell) : cell.trim();
    });
    return record;
  });
  const usable = records.filter((r) => encoder.encode(r).errors.length === 0);
  const matrix = new Float32Array(usable.length * encoder.width);
  usable.forEach((r, i) => encoder.encodeInto(r, matrix, i * encoder.width));
  const session = await ort.InferenceSession.create(readFileSync('model/ltv.onnx'));
  const out = await session.run({ [manifest.spec.io.input]: new ort.Tensor('float32', matrix, [usable.length, encoder.width]) });
  const ltv = Array.from(out[manifest.spec.io.outputs[0]!]!.data as Float32Array);
  await session.release();
  const hi = ltv.indexOf(Math.max(...ltv));
  const lo = ltv.indexOf(Math.min(...ltv));
  if (ltv[hi]! <= ltv[lo]!) throw new Error('the demo customers all have the same predicted LTV');

  // The store, written as publish-store writes it (wrangler kv bulk put --local), where the worker below reads it.
  const dir = mkdtempSync(join(tmpdir(), 'ltv-demo-'));
  const pairs = ([['visitor-high', hi], ['visitor-low', lo]] as const).map(([id, i]) => ({
    key: featureKey(id),
    value: JSON.stringify({ modelVersion: manifest.version, publishedAt: new Date().toISOString(), features: usable[i] }),
  }));
  writeFileSync(join(dir, 'pairs.json'), JSON.stringify(pairs));
  await run('npx', ['wrangler', 'kv', 'bulk', 'put', join(dir, 'pairs.json'), '--binding', 'FEATURES', '--local', '--persist-to', dir], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let worker: Unstable_DevWorker;
  try {
    worker = await unstable_dev('src/index.ts', {
      config: 'wrangler.toml',
      ip: '127.0.0.1',
      port,
      persistTo: dir,
      vars: {
        API_TOKEN: 'demo-token',
        SEGMENT_SITES: JSON.stringify({ pk_demo: [origin] }),
        // The high threshold a hair below the high visitor's value: onnxruntime-web in the worker may
        // round that value a float32 ulp or so away from onnxruntime-node's.
        SEGMENT_THRESHOLDS: `${(ltv[lo]! + ltv[hi]!) / 2},${ltv[hi]! * (1 - 1e-4)}`,
      },
      logLevel: 'error',
      experimental: { disableExperimentalWarning: true, disableDevRegistry: true },
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    origin,
    visitors: { high: 'visitor-high', low: 'visitor-low' },
    ltvs: [ltv[hi]!, ltv[lo]!],
    async stop() {
      await worker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
