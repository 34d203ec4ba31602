/**
 * The model as the trainer fits it (scripts/train/fit-model.ts): the calibration is
 * fitted on the members' held-out folds only, each row ranked by a member that did
 * not train on it; one member is a single network with the old outputs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCustomers, toCsv } from '../../../scripts/data/generate.js';
import { prepareData } from '../../../scripts/data/prepare.js';
import { predictReferenceOutputs } from '../../../scripts/onnx/reference.js';
import { fitCalibration } from '../../../scripts/train/calibration.js';
import { assembleModel, fitModel, predictModel } from '../../../scripts/train/fit-model.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-fit-model-'));
const file = join(dir, 'customers.csv');
writeFileSync(file, toCsv(generateCustomers({ rows: 900, seed: 4 })));
const data = prepareData({ data: file, id: 'customer_id' });
const fit = { hidden: [12, 6], epochs: 3, seed: 9 };

describe('fitModel', () => {
  const model = fitModel(data, 'ziln', fit, { members: 3 });

  it('fits the calibration on the rows the members held out, each predicted by the member that held it out', () => {
    const held = new Set(model.plans.flatMap((p) => Array.from(p.validation)));
    expect(Array.from(model.heldOut.rows)).toEqual([...held].sort((a, b) => a - b));
    model.plans.forEach((plan, k) => {
      const trainedOn = new Set(plan.train);
      expect(Array.from(plan.validation).some((row) => trainedOn.has(row))).toBe(false);
      // The member's own prediction of its fold is what the calibration saw for those rows.
      const raw = new Float32Array(plan.validation.length * data.width);
      plan.validation.forEach((row, i) => raw.set(data.train.raw.subarray(row * data.width, (row + 1) * data.width), i * data.width));
      const own = predictReferenceOutputs(model.headSpec, model.members[k]!.params, raw, plan.validation.length).ltv!;
      plan.validation.forEach((row, i) => {
        const at = model.heldOut.rows.indexOf(row);
        expect(model.heldOut.outOfFold[at]).toBe(own[i]);
      });
    });
    // Fitted on that ranking, placed on the scale of the members' average: the same order, the average's values.
    const order = (v: Float64Array) => Array.from(v.keys()).sort((a, b) => v[a]! - v[b]! || a - b);
    expect(order(model.heldOut.onScale)).toEqual(order(model.heldOut.outOfFold));
    const { calibration: _c, ...plain } = model.spec;
    const raw = new Float32Array(model.heldOut.rows.length * data.width);
    model.heldOut.rows.forEach((row, i) => raw.set(data.train.raw.subarray(row * data.width, (row + 1) * data.width), i * data.width));
    const average = predictReferenceOutputs(plain, model.members.map((m) => m.params), raw, model.heldOut.rows.length).ltv!;
    expect(Array.from(model.heldOut.onScale).sort((a, b) => a - b)).toEqual(Array.from(average).sort((a, b) => a - b));
    const actual = Float64Array.from(model.heldOut.rows, (row) => data.train.y[row]!);
    expect(model.spec.calibration).toEqual(fitCalibration(model.heldOut.onScale, actual));
  });

  it('serves the calibrated average of its members', () => {
    const served = predictModel(model, data.test).ltv!;
    const { calibration: _calibration, ...plain } = model.spec;
    const average = predictReferenceOutputs(plain, model.members.map((m) => m.params), data.test.raw, data.test.rows).ltv!;
    const members = model.members.map((m) => predictReferenceOutputs(model.headSpec, m.params, data.test.raw, data.test.rows).ltv!);
    average.forEach((v, i) => expect(Math.abs(v - members.reduce((s, m) => s + m[i]!, 0) / 3)).toBeLessThanOrEqual(1e-5 * v + 1e-6));
    expect(served).not.toEqual(average);
  });

  it('is one network with the outputs ltv, p_purchase, mu, sigma and no members in the spec for --members 1', () => {
    const one = assembleModel(model, data.train, data.width, false, 1);
    expect(one.spec.members).toBeUndefined();
    expect(one.spec.calibration).toBeUndefined();
    expect(one.spec.io.outputs).toEqual(['ltv', 'p_purchase', 'mu', 'sigma']);
    expect(Object.keys(predictModel(one, data.test))).toEqual(['ltv', 'p_purchase', 'mu', 'sigma']);
  });
});
