/**
 * Both engines in workerd on the equivalence cases (./equivalence-cases.ts, built by
 * the global setup): the shipped model and MSE and ZILN models trained on both real
 * tables, ≥ 10,000 rows each, hostile ones included. The compiled engine runs in both
 * test projects; onnxruntime-web in workerd only where the build carries it
 * (workers-ort), where it is compared with the compiled engine as well.
 */
import { describe, expect, inject, it } from 'vitest';
import { chooseEngine } from '../../../src/inference/choose.js';
import type { Engine } from '../../../src/inference/engine.js';
import { ortInBundle } from '../../../src/inference/ort/load.js';
import { TOLERANCE, allowedError, floatsFromBase64, fromBase64, kept, wellConditioned, worstDisagreement, zilnQuantiles } from './agreement.js';

const cases = inject('equivalenceCases').map((c) => ({
  ...c,
  onnx: fromBase64(c.onnxBase64),
  rows: floatsFromBase64(c.rowsBase64),
  reference: Object.fromEntries(Object.entries(c.referenceBase64).map(([k, v]) => [k, floatsFromBase64(v)])),
  web: Object.fromEntries(Object.entries(c.webBase64).map(([k, v]) => [k, floatsFromBase64(v)])),
}));

async function outputs(engine: Engine, c: (typeof cases)[number]): Promise<Readonly<Record<string, Float32Array>>> {
  return engine.run(c.rows, c.count, c.manifest.spec.io.outputs);
}

describe('the engines in workerd, ≥ 10,000 rows per model', () => {
  it('has the shipped model and MSE and ZILN models of both tables', () => {
    expect(cases).toHaveLength(5);
    for (const c of cases) expect(c.count).toBeGreaterThanOrEqual(10_000);
  });

  it('compiled: every output within 1e-4 of onnxruntime-node and -web, or within their own disagreement where larger', async () => {
    for (const c of cases) {
      const { engine } = await chooseEngine(c.onnx, 'compiled');
      expect(engine.kind).toBe('compiled');
      const compiled = await outputs(engine, c);
      for (const name of c.manifest.spec.io.outputs) {
        const bar = allowedError(worstDisagreement(c.web[name]!, c.reference[name]!).error);
        for (const [peer, values] of [['onnxruntime-node', c.reference[name]!], ['onnxruntime-web', c.web[name]!]] as const) {
          const worst = worstDisagreement(compiled[name]!, values);
          expect(worst.error, `${c.name}: ${name} row ${worst.index}: ${worst.actual} vs ${peer} ${worst.expected}`).toBeLessThanOrEqual(bar);
        }
      }
      if (c.manifest.head === 'ziln') {
        const keep = wellConditioned(c.reference.p_purchase!, c.count);
        const worst = worstDisagreement(kept(zilnQuantiles(compiled, c.count), keep), kept(zilnQuantiles(c.reference, c.count), keep));
        expect(worst.error, `${c.name}: quantiles`).toBeLessThanOrEqual(TOLERANCE);
      }
    }
  }, 60_000);

  it.runIf(ortInBundle())('onnxruntime-web in workerd: the same outputs as in Node, and as close to the compiled engine', async () => {
    for (const c of cases) {
      const ort = (await chooseEngine(c.onnx, 'ort')).engine;
      expect(ort.kind).toBe('ort');
      const web = await outputs(ort, c);
      const compiled = await outputs((await chooseEngine(c.onnx, 'compiled')).engine, c);
      for (const name of c.manifest.spec.io.outputs) {
        const bar = allowedError(worstDisagreement(c.web[name]!, c.reference[name]!).error);
        const inNode = worstDisagreement(web[name]!, c.web[name]!);
        expect(inNode.error, `${c.name}: ${name}: onnxruntime-web in workerd vs in Node`).toBeLessThanOrEqual(TOLERANCE);
        const worst = worstDisagreement(compiled[name]!, web[name]!);
        expect(worst.error, `${c.name}: ${name} row ${worst.index}: compiled ${worst.actual} vs onnxruntime-web in workerd ${worst.expected}`).toBeLessThanOrEqual(bar);
      }
    }
  }, 120_000);
});
