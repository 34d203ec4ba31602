/**
 * A graph of several ZILN members on the engines in workerd: the combined graph's
 * ltv and p_purchase are the mean of its members, as each member's own graph computes
 * them on the same engine and as the trainer computes them (1e-5 relative), each
 * member's column is that member's own output, and the calibrated graph matches the
 * trainer on every output. The compiled engine runs in both test projects,
 * onnxruntime-web where the build carries it (workers-ort). The graphs and the
 * trainer's figures come from the global setup (./members-graph-case.ts); the same
 * members are checked in onnxruntime-node and -web by test/scripts/onnx/members-graph.test.ts.
 */
import { describe, expect, inject, it } from 'vitest';
import { chooseEngine } from '../../../src/inference/choose.js';
import type { EngineKind } from '../../../src/inference/engine.js';
import { ortInBundle } from '../../../src/inference/ort/load.js';
import { floatsFromBase64, fromBase64 } from './agreement.js';

const c = inject('membersGraph');
const K = c.members;
const rows = floatsFromBase64(c.rowsBase64);
const decoded = (outputs: Record<string, string>) => Object.fromEntries(Object.entries(outputs).map(([name, v]) => [name, floatsFromBase64(v)]));
const trainer = decoded(c.trainerBase64);
const trainerCalibrated = decoded(c.trainerCalibratedBase64);

// As in the Node test: ORT's Sigmoid (which the compiled engine reproduces) is accurate to ~1e-7
// absolute against the trainer's, so p and ltv = p·amount get an absolute slack besides 1e-5 relative.
const RTOL = 1e-5;
const ATOL: Record<string, number> = { ltv: 1e-6 * c.maxTarget };

function expectClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol = ATOL[what.split(' ')[0]!] ?? 1e-6): void {
  expect(actual.length, what).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= RTOL * Math.abs(expected[i]!) + atol)) bad.push(`${what} value ${i}: ${actual[i]} vs ${expected[i]}`);
  }
  expect(bad.slice(0, 5), what).toEqual([]);
}

async function run(onnxBase64: string, kind: EngineKind, outputs: readonly string[]): Promise<Readonly<Record<string, Float32Array>>> {
  const { engine } = await chooseEngine(fromBase64(onnxBase64), kind);
  expect(engine.kind).toBe(kind);
  return engine.run(rows, c.count, outputs);
}

const engines: EngineKind[] = ortInBundle() ? ['compiled', 'ort'] : ['compiled'];

describe(`a graph of ${K} ZILN members in workerd, ${c.count} rows (hostile ones included)`, () => {
  for (const kind of engines) {
    it(`${kind}: ltv and p_purchase are the mean of the members, as their own graphs and the trainer compute it (1e-5 relative)`, async () => {
      const combined = await run(c.combinedBase64, kind, ['ltv', 'p_purchase', 'member_p', 'member_mu', 'member_sigma']);
      const alone = await Promise.all(c.aloneBase64.map((onnx) => run(onnx, kind, ['ltv', 'p_purchase', 'mu', 'sigma'])));
      expect(alone).toHaveLength(K);
      const mean = (output: string) => Float64Array.from({ length: c.count }, (_, i) => alone.reduce((s, a) => s + a[output]![i]!, 0) / K);
      for (const output of ['ltv', 'p_purchase']) {
        expectClose(`${output} (the members' own graphs)`, combined[output]!, mean(output));
        expectClose(`${output} (the trainer)`, combined[output]!, trainer[output]!);
      }
      // Column k of each [N, K] output is member k's own output.
      for (const [wide, single] of [['member_p', 'p_purchase'], ['member_mu', 'mu'], ['member_sigma', 'sigma']] as const) {
        expectClose(`${wide} (the trainer)`, combined[wide]!, trainer[wide]!);
        for (let k = 0; k < K; k++) {
          const column = Float32Array.from({ length: c.count }, (_, i) => combined[wide]![i * K + k]!);
          expectClose(`${wide} column ${k}`, column, alone[k]![single]!);
        }
      }
      // The case reaches what it is meant to: rows whose members disagree, and ±Infinity and NaN inputs.
      expect(c.aloneBase64.length).toBe(K);
      expect(mean('ltv').some((m, i) => Math.abs(alone[0]!.ltv![i]! - m) > 1e-3 * m)).toBe(true);
      expect(rows.some(Number.isNaN) && rows.some((v) => v === Infinity)).toBe(true);
    });

    it(`${kind}: the calibrated graph matches the trainer on every output, finite throughout`, async () => {
      const names = Object.keys(trainerCalibrated);
      expect(names).toEqual(['ltv', 'p_purchase', 'member_p', 'member_mu', 'member_sigma']);
      const calibrated = await run(c.calibratedBase64, kind, names);
      for (const name of names) {
        expectClose(name, calibrated[name]!, trainerCalibrated[name]!);
        expect(calibrated[name]!.every(Number.isFinite), name).toBe(true);
      }
      // The calibration changed the level: otherwise this would repeat the test above.
      expect(calibrated.ltv!.some((v, i) => Math.abs(v - trainer.ltv![i]!) > 1e-3 * trainer.ltv![i]!)).toBe(true);
    });
  }
});
