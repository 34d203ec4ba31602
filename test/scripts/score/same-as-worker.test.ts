/**
 * Same numbers everywhere: customers scored by `npm run score` and the same customers
 * sent to `POST /v1/score` of the worker, built as `wrangler deploy` builds it and
 * served by workerd over real HTTP on loopback, get identical float32 values
 * (ltv, p_purchase, P10, P50, P90), bit for bit. Both run the compiled engine
 * (the project's WebAssembly kernels) through src/inference, the same code on the
 * same .wasm bytes, on batches of different sizes (8192 rows on an engine thread
 * against the worker's 1000 per request). The worker's JSON numbers are the
 * shortest decimals that round back to the same float32 (src/http/float32.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMissing, parseNumber } from '../../../scripts/data/table.js';
import { scoreTable } from '../../../scripts/score/score-table.js';
import type { ModelManifest } from '../../../src/spec/manifest.js';
import { type BuiltWorker, buildWorker } from '../measure/built-worker.js';
import { customerTables, readRows } from './tables.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-same-as-worker-'));
const TOKEN = 'same-numbers-test';
const CUSTOMERS = 2500;

let built: BuiltWorker | undefined;
let worker: { url: URL; dispose(): Promise<void> } | undefined;

beforeAll(async () => {
  built = buildWorker();
  const { distModules, startWorker } = await import('../../../scripts/measure/workerd/workerd.js');
  const mf = startWorker(distModules(built.dir), TOKEN, { modulesRoot: built.dir, bindings: { WARM_UP_RUNS: 1 } });
  worker = { url: await mf.ready, dispose: () => mf.dispose() };
}, 180_000);

afterAll(async () => {
  await worker?.dispose();
  built?.remove();
});

/** A CSV row as the JSON customer a caller would send: the spec's features, read by the trainer's cell rules. */
function customerJson(row: Record<string, unknown>, manifest: ModelManifest): Record<string, number | string | null> {
  const customer: Record<string, number | string | null> = {};
  for (const feature of manifest.spec.features) {
    const cell = String(row[feature.name] ?? '').trim();
    customer[feature.name] = isMissing(cell) ? null : feature.type === 'numeric' ? parseNumber(cell)! : cell;
  }
  return customer;
}

describe('npm run score and POST /v1/score', () => {
  it('give the same float32 values for every customer', async () => {
    const { csv } = await customerTables(dir, CUSTOMERS, 11);
    const out = join(dir, 'scores.parquet');
    const summary = await scoreTable({ model: 'model', data: csv, out, id: 'customer_id', threads: 1 });
    expect(summary.model.engine).toBe('compiled × 1 worker thread');
    const scored = await readRows(out);
    const rows = await readRows(csv);
    const model = (await (await fetch(new URL('/v1/model', worker!.url), { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { version: string; engine: string };
    const manifest = (await import('../../../model/ltv.json', { with: { type: 'json' } })).default as unknown as ModelManifest;
    expect(model.version).toBe(manifest.version);
    expect(model.engine).toBe('compiled');
    // A graph of several members: the quantiles compared are their mixture's (src/head/answers.ts, src/head/mixture.ts).
    expect(manifest.spec.members?.count).toBeGreaterThan(1);

    const fields = ['ltv', 'p_purchase', 'ltv_p10', 'ltv_p50', 'ltv_p90'] as const;
    let compared = 0;
    const differences: string[] = [];
    for (let from = 0; from < CUSTOMERS; from += 1000) {
      const customers = rows.slice(from, from + 1000).map((row) => customerJson(row, manifest));
      const response = await fetch(new URL('/v1/score', worker!.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ customers }),
      });
      expect(response.status).toBe(200);
      // The fields read here of POST /v1/score's answer (src/schemas/score.ts, typed for workerd).
      const { predictions } = (await response.json()) as { predictions: Record<(typeof fields)[number], number>[] };
      expect(predictions).toHaveLength(customers.length);
      predictions.forEach((prediction, i) => {
        const ours = scored[from + i]!;
        expect(ours.customer_id).toBe(rows[from + i]!.customer_id);
        for (const field of fields) {
          compared++;
          if (Math.fround(prediction[field]) !== ours[field]) differences.push(`${ours.customer_id} ${field}: worker ${prediction[field]}, npm run score ${ours[field] as number}`);
        }
      });
    }
    expect(compared).toBe(CUSTOMERS * fields.length);
    expect(differences).toEqual([]);
  }, 120_000);
});
