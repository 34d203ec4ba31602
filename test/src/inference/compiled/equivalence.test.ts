/**
 * The compiled engine, in Node, against onnxruntime-node and onnxruntime-web (Node's
 * WebAssembly build) on every equivalence case (../equivalence-cases.ts): ≥ 10,000
 * rows per model, hostile ones included. The same comparison runs in workerd
 * (test/src/inference/engines.test.ts); this one also runs onnxruntime-web, which
 * sets the bar where onnxruntime's two builds disagree (../agreement.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CompiledEngine } from '../../../../src/inference/compiled/engine.js';
import { type EquivalenceCase, MIN_ROWS, equivalenceCases } from '../equivalence-cases.js';
import { allowedError, kept, wellConditioned, TOLERANCE, worstDisagreement, zilnQuantiles } from '../agreement.js';
import { kernelsModule } from './kernels-module.js';

let cases: EquivalenceCase[] = [];
beforeAll(async () => {
  cases = await equivalenceCases();
}, 120_000);

function compiledOutputs(c: EquivalenceCase): Record<string, Float32Array> {
  const engine = CompiledEngine.create(c.onnx, kernelsModule());
  const outputs = engine.runAll(c.rows, c.count);
  return Object.fromEntries(engine.outputs.map((o, i) => [o.name, outputs[i]!]));
}

describe('the compiled engine against onnxruntime, ≥ 10,000 rows per model', () => {
  it('has every model: the shipped one and MSE and ZILN models of both tables', () => {
    expect(cases).toHaveLength(5);
    for (const c of cases) expect(c.count).toBeGreaterThanOrEqual(MIN_ROWS);
  });

  it('gives every output within 1e-4 of onnxruntime-node and -web, or within their own disagreement where that is larger', () => {
    for (const c of cases) {
      const compiled = compiledOutputs(c);
      for (const name of c.manifest.spec.io.outputs) {
        const bar = allowedError(worstDisagreement(c.web[name]!, c.reference[name]!).error);
        for (const [peer, values] of [['onnxruntime-node', c.reference[name]!], ['onnxruntime-web', c.web[name]!]] as const) {
          const worst = worstDisagreement(compiled[name]!, values);
          console.info(`${c.name} ${name}: ${worst.error.toExponential(2)} from ${peer} (bar ${bar.toExponential(2)})`);
          expect(worst.error, `${c.name}: ${name} row ${worst.index}: ${worst.actual} vs ${peer} ${worst.expected}`).toBeLessThanOrEqual(bar);
        }
      }
    }
  });

  it('gives ZILN quantiles within 1e-4 of those from onnxruntime-node’s outputs, where a quantile is well-conditioned', () => {
    for (const c of cases.filter((k) => k.manifest.head === 'ziln')) {
      const keep = wellConditioned(c.reference.p_purchase!, c.count);
      const worst = worstDisagreement(kept(zilnQuantiles(compiledOutputs(c), c.count), keep), kept(zilnQuantiles(c.reference, c.count), keep));
      console.info(`${c.name}: quantiles ${worst.error.toExponential(2)} from onnxruntime-node's, ${keep.length - keep.reduce((a, b) => a + b, 0)} of ${keep.length} left out near the atom's edge`);
      expect(worst.error, c.name).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});
