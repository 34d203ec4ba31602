/**
 * The trainer end to end on a small generated table, with its default ensemble
 * (members averaged in one graph, calibrated on held-out rows): the exported graph,
 * run in onnxruntime-node and in onnxruntime-web, gives the trainer's own test
 * predictions; the same seed gives the same bytes; a test-split target changes
 * nothing in the model; the manifest describes what was written.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCustomers, toCsv } from '../../../scripts/data/generate.js';
import { prepareData } from '../../../scripts/data/prepare.js';
import { type TrainConfig, trainModel } from '../../../scripts/train/train-model.js';
import { ENSEMBLE_DEFAULTS } from '../../../scripts/train/ensemble-defaults.js';
import { buildLtvOnnx } from '../../../scripts/onnx/ltv-graph.js';
import { readMemberParams } from '../../../scripts/onnx/read-params.js';
import { parseManifest } from '../../../src/spec/manifest.js';
import { sha256Hex } from '../../../scripts/onnx/write-model-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-train-'));
const data = join(dir, 'customers.csv');
writeFileSync(data, toCsv(generateCustomers({ rows: 1200, seed: 7 })));

// Small network and few epochs: this checks the plumbing, not model quality.
const config = (out: string): TrainConfig => ({
  prepare: { data, id: 'customer_id', unit: 'USD' },
  fit: { hidden: [32, 16], epochs: 8, batchSize: 64 },
  out,
});

describe('trainModel', () => {
  const out = join(dir, 'model');
  beforeAll(async () => {
    await trainModel(config(out));
  });

  it('writes a manifest that validates and names the ONNX bytes it sits beside', () => {
    const manifest = parseManifest(JSON.parse(readFileSync(join(out, 'ltv.json'), 'utf8')));
    expect(manifest.onnxSha256).toBe(sha256Hex(readFileSync(join(out, 'ltv.onnx'))));
    expect(manifest.spec.target).toMatchObject({ name: 'ltv_26w', unit: 'USD' });
    expect(manifest.hyperparameters.hidden).toEqual([32, 16]);
    // The default head: ZILN, with its bounds recorded in the spec.
    expect(manifest.head).toBe('ziln');
    expect(manifest.hyperparameters.loss).toBe('ziln');
    // The default ensemble: K members' parameters as [N, K] outputs, and a calibration fitted on held-out rows.
    const k = ENSEMBLE_DEFAULTS.members;
    expect(manifest.spec.io.outputs).toEqual(['ltv', 'p_purchase', 'member_p', 'member_mu', 'member_sigma']);
    expect(manifest.spec.io.widths).toEqual({ member_p: k, member_mu: k, member_sigma: k });
    expect(manifest.spec.members).toMatchObject({ count: k, rows: 'folds' });
    expect(manifest.hyperparameters).toMatchObject({ members: k, memberRows: 'folds', calibration: 'isotonic-bins' });
    const calibration = manifest.spec.calibration!;
    expect(calibration.slopes.every((slope) => slope > 0)).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    // Held out: the members' validation folds, a tenth of the training split each.
    expect(calibration.fittedOn.rows).toBe(report.calibration.rows);
    expect(calibration.fittedOn.rows).toBeGreaterThan(0.1 * k * report.data.trainRows - k);
    expect(calibration.fittedOn.rows).toBeLessThan(0.1 * k * report.data.trainRows + k);
    expect(Object.keys(report.variants)).toEqual(['single', 'members', 'served']);
    expect(report.training.members).toHaveLength(k);
    const ziln = manifest.spec.target.ziln!;
    expect(ziln.muMin).toBeLessThan(ziln.muMax);
    expect(ziln.sigmaMax).toBeGreaterThan(ziln.sigmaFloor);
    for (const value of Object.values(manifest.metrics)) expect(Number.isFinite(value)).toBe(true);
    expect(Object.keys(report.test)).toEqual(['model', 'mean', 'ridge']);
    expect(report.data.rowsRead).toBe(1200);
  });

  it('writes tier thresholds at the training-set quantiles of its own predictions (50 % / 80 % by default)', () => {
    const manifest = parseManifest(JSON.parse(readFileSync(join(out, 'ltv.json'), 'utf8')));
    const { quantiles, thresholds } = manifest.spec.tiers!;
    expect(quantiles).toEqual([0.5, 0.8]);
    expect(thresholds[0]).toBeLessThanOrEqual(thresholds[1]);
    // On the test split (same distribution), roughly the intended shares fall below each threshold.
    const predicted = readFileSync(join(out, 'test-predictions.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
    const below = (t: number) => predicted.filter((p) => p < t).length / predicted.length;
    expect(below(thresholds[0])).toBeGreaterThan(0.3);
    expect(below(thresholds[0])).toBeLessThan(0.7);
    expect(below(thresholds[1])).toBeGreaterThan(0.65);
    expect(below(thresholds[1])).toBeLessThan(0.95);
  });

  it('gives, in onnxruntime-node and onnxruntime-web, the predictions it wrote for the test rows (1e-5 relative)', async () => {
    const prepared = prepareData(config(out).prepare);
    const lines = readFileSync(join(out, 'test-predictions.csv'), 'utf8').trim().split('\n').slice(1);
    expect(lines.length).toBe(prepared.test.rows);
    const written = lines.map((line) => line.split(',').map(Number));
    written.forEach(([row], i) => expect(row).toBe(prepared.test.dataRows[i]));

    const bytes = readFileSync(join(out, 'ltv.onnx'));
    ortWeb.env.wasm.numThreads = 1;
    const shape = [prepared.test.rows, prepared.width];
    for (const [runtime, session] of [
      ['onnxruntime-node', await ortNode.InferenceSession.create(bytes)],
      ['onnxruntime-web', await ortWeb.InferenceSession.create(bytes)],
    ] as const) {
      const Tensor = runtime === 'onnxruntime-node' ? ortNode.Tensor : ortWeb.Tensor;
      const result = await session.run({ features: new Tensor('float32', prepared.test.raw, shape) });
      const ltv = result.ltv!.data as Float32Array;
      const pPurchase = result.p_purchase!.data as Float32Array;
      written.forEach(([, , predicted, p], i) => {
        // 1e-5 relative, with a 1e-4 USD floor for predictions near 0.
        const tolerance = 1e-5 * Math.abs(predicted!) + 1e-4;
        expect(Math.abs(ltv[i]! - predicted!), `${runtime}, test row ${i}`).toBeLessThanOrEqual(tolerance);
        // ORT's Sigmoid is accurate to ~1e-7 absolute (see test/scripts/onnx/ziln-head-graph.test.ts).
        expect(Math.abs(pPurchase[i]! - p!), `${runtime}, test row ${i} p_purchase`).toBeLessThanOrEqual(1e-6);
      });
    }
  });

  it('is deterministic: the same data and seed give the same ONNX bytes and version', async () => {
    const again = join(dir, 'model-again');
    await trainModel(config(again));
    expect(sha256Hex(readFileSync(join(again, 'ltv.onnx')))).toBe(sha256Hex(readFileSync(join(out, 'ltv.onnx'))));
    const version = (p: string) => JSON.parse(readFileSync(join(p, 'ltv.json'), 'utf8')).version;
    expect(version(again)).toBe(version(out));
  });

  it('fits nothing on the test split: another target for a test customer leaves the networks, the calibration and the spec unchanged', async () => {
    const prepared = prepareData(config(out).prepare);
    const lines = readFileSync(data, 'utf8').split('\n');
    // Data row r is line r + 1 (after the header); the target is the last field.
    const line = prepared.test.dataRows[0]! + 1;
    const fields = lines[line]!.split(',');
    fields[fields.length - 1] = String(Number(fields.at(-1)) + 12345);
    lines[line] = fields.join(',');
    const changed = join(dir, 'changed.csv');
    writeFileSync(changed, lines.join('\n'));
    const other = join(dir, 'model-changed');
    await trainModel({ ...config(other), prepare: { ...config(other).prepare, data: changed } });
    const manifest = (p: string) => parseManifest(JSON.parse(readFileSync(join(p, 'ltv.json'), 'utf8')));
    expect(manifest(other).trainingData.sha256).not.toBe(manifest(out).trainingData.sha256);
    expect(manifest(other).spec).toEqual(manifest(out).spec);
    // The graph differs only in its metadata (the data's hash): rebuilt without it, the bytes are equal.
    const graph = (p: string) => buildLtvOnnx(manifest(p).spec, readMemberParams(readFileSync(join(p, 'ltv.onnx'))), {});
    expect(sha256Hex(graph(other))).toBe(sha256Hex(graph(out)));
  });
});
