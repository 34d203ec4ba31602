/** The loss comparison on a small generated table: its numbers recomputed by hand, and its table. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBaselines, runLoss, type RunResult } from '../../../../scripts/measure/compare/loss-runs.js';
import { comparisonTable } from '../../../../scripts/measure/compare/table.js';
import { generateCustomers, toCsv } from '../../../../scripts/data/generate.js';
import { prepareData } from '../../../../scripts/data/prepare.js';
import { fitModel, predictModel } from '../../../../scripts/train/fit-model.js';
import { normalisedGini } from '../../../../scripts/evaluate/metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-compare-'));
const file = join(dir, 'customers.csv');
writeFileSync(file, toCsv(generateCustomers({ rows: 800, seed: 3 })));
const data = prepareData({ data: file, id: 'customer_id' });
const fit = { hidden: [16], epochs: 3 };

describe('runLoss', () => {
  it('scores the model the pipeline trains: Gini, calibration in the large, largest prediction, coverage', () => {
    const [result] = runLoss('t', data, 'ziln', 42, fit, { counts: [2], calibrations: ['isotonic'] });
    expect(result!.model).toBe('ziln ×2 +cal');
    const ltv = predictModel(fitModel(data, 'ziln', { ...fit, seed: 42 }, { members: 2 }), data.test).ltv!;
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(result!.gini).toBeCloseTo(normalisedGini(data.test.y, ltv), 12);
    expect(result!.calibration).toBeCloseTo(mean(ltv) / mean(data.test.y), 12);
    expect(result!.maxRatio).toBeCloseTo(Math.max(...ltv) / Math.max(...data.train.y), 12);
    expect(result!.nonFinite).toBe(0);
    expect(result!.coverage80!).toBeGreaterThan(0);
    expect(result!.coverage80!).toBeLessThanOrEqual(1);
    expect(runLoss('t', data, 'mse', 42, fit, { counts: [1], calibrations: ['none'] })[0]!.coverage80).toBeNull();
  });

  it('scores every smaller member count from one training, as a training of that count would', () => {
    const rows = runLoss('t', data, 'ziln', 42, fit, { counts: [1, 3], calibrations: ['none', 'isotonic', 'large'] });
    expect(rows.map((r) => r.model)).toEqual(['ziln ×1', 'ziln ×1 +cal', 'ziln ×1 +cal(large)', 'ziln ×3', 'ziln ×3 +cal', 'ziln ×3 +cal(large)']);
    const alone = predictModel(fitModel(data, 'ziln', { ...fit, seed: 42 }, { members: 1, calibration: false }), data.test).ltv!;
    expect(rows[0]!.gini).toBe(normalisedGini(data.test.y, alone));
    // A monotone calibration keeps the ranking: Gini moves only through float32 ties.
    expect(rows[4]!.gini).toBeCloseTo(rows[3]!.gini, 3);
  });

  it('scores past spend from the raw column, and refuses an unknown column', () => {
    const [mean, ridge, past] = runBaselines('t', data, 'total_spend');
    expect([mean!.model, ridge!.model, past!.model]).toEqual(['mean', 'ridge', 'past spend (total_spend)']);
    expect(mean!.gini).toBeCloseTo(0, 12);
    expect(past!.gini).toBeGreaterThan(0);
    expect(() => runBaselines('t', data, 'spend_ever')).toThrow('--past-spend spend_ever: no such numeric column');
  });
});

describe('comparisonTable', () => {
  it('gives mean ± sample standard deviation over seeds, one line per table and model', () => {
    const run = (seed: number | null, gini: number): RunResult => ({
      table: 't', model: seed === null ? 'ridge' : 'ziln', seed, gini, spearman: 0.5, decileMape: 0.1, calibration: 1, r2: 0.2,
      maxRatio: 0.5, nonFinite: 0, coverage80: null, seconds: null, bestEpoch: null,
    });
    const table = comparisonTable([run(null, 0.7), run(42, 0.72), run(7, 0.74), run(123, 0.76)]).trim().split('\n');
    expect(table).toHaveLength(4);
    expect(table[2]).toMatch(/^\| t \| ridge \| — \| 0\.700 \|/);
    expect(table[3]).toMatch(/^\| t \| ziln \| 42, 7, 123 \| 0\.740 ± 0\.020 \|/);
  });
});
