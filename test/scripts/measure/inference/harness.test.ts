import { describe, expect, it } from 'vitest';
import { benchInference, inferenceMarkdown } from '../../../../scripts/measure/inference/harness.js';
import { PEERS } from '../../../../scripts/measure/inference/peers.js';
import { BATCHES } from '../../../../scripts/measure/inference/rows.js';

// The whole harness as `npm run bench -- --smoke` runs it, on the real workerd (both engines),
// the real model/ltv.onnx and a freshly generated 1000→500→100→1 model; figures are not measurements.
describe('bench:inference (smoke)', () => {
  it('gives a finite positive CPU time for every model, batch and peer, and every peer computes the same outputs', async () => {
    const result = await benchInference({ ms: 20, rounds: 1, warmUp: false, log: () => {} });
    expect(result.models.map((m) => m.name)).toEqual(['default', 'wide']);
    expect(result.models.find((m) => m.name === 'wide')?.width).toBe(1000);
    for (const model of result.models) {
      expect(model.batches.map((b) => b.batch)).toEqual([...BATCHES]);
      for (const { batch, us } of model.batches) {
        for (const peer of PEERS) {
          expect(us[peer], `${model.name} batch ${batch} ${peer}`).toHaveLength(1);
          const [value] = us[peer];
          expect(Number.isFinite(value) && value! > 0, `${model.name} batch ${batch} ${peer}: ${value} µs`).toBe(true);
        }
      }
      // Same weights and rows everywhere, compared with onnxruntime-node: only float32 summation order (and fused multiply-adds) may differ.
      for (const peer of PEERS) expect(model.agreement[peer], `${model.name} ${peer}`).toBeLessThan(1e-4);
    }
    const markdown = inferenceMarkdown(result);
    expect(markdown).toContain('1000→500→100→1');
    expect(markdown.match(/^\| 1000 \|/gm)).toHaveLength(2);
    expect(markdown).toMatch(/target ≤ 0.5×/);
    expect(markdown).toMatch(/throughput .*target ≥ 0.5×/);
  }, 60_000);
});
