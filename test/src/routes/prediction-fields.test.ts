/**
 * What the worker answers for each output head, in workerd with real models: a
 * ZILN model's p_purchase, ltv and P10/P50/P90 through POST /v1/score and every
 * output through OIP inference, against onnxruntime-node; the same for a graph of
 * three calibrated ZILN members, against onnxruntime-node and the trainer's own
 * average and calibration, with the quantiles of the members' mixture; an MSE
 * model's ltv alone.
 */
import { describe, expect, inject, it } from 'vitest';
import { mixtureQuantile } from '../../../src/head/mixture.js';
import { zilnQuantile } from '../../../src/head/ziln.js';
import { loadModel } from '../../../src/inference/model.js';
import type { InferResponse } from '../../../src/schemas/oip.js';
import type { ScoreResponse } from '../../../src/schemas/score.js';
import { parseManifest } from '../../../src/spec/manifest.js';
import { auth, postJson, testApp, testEnv } from '../helpers.js';
import { type HeadFixture, closeTo } from '../reference.js';

const fixtures = inject('headFixtures');
const env = testEnv();

async function appFor(fixture: HeadFixture) {
  const onnx = Uint8Array.from(atob(fixture.onnxBase64), (c) => c.charCodeAt(0));
  const state = await loadModel({ onnx, manifest: fixture.manifest });
  if (!state.ready) throw new Error(`fixture model not ready: ${state.reason}`);
  return testApp(state);
}

async function score(fixture: HeadFixture): Promise<ScoreResponse['predictions']> {
  const app = await appFor(fixture);
  const response = await app.request('/v1/score', postJson({ customers: fixture.cases.map((c) => c.record) }), env);
  expect(response.status).toBe(200);
  return ((await response.json()) as ScoreResponse).predictions;
}

/** The fixture's three customers far outside the training range, scored; every answer finite. */
async function farOutside(fixture: HeadFixture): Promise<ScoreResponse['predictions']> {
  const predictions = await score(fixture);
  const far = fixture.cases.flatMap((c, i) => (c.name.startsWith('far outside') ? [predictions[i]!] : []));
  expect(far).toHaveLength(3);
  for (const p of far) for (const value of [p.ltv, p.p_purchase, p.ltv_p10, p.ltv_p50, p.ltv_p90]) expect(Number.isFinite(value)).toBe(true);
  return far;
}

/** The largest amount the ZILN head may predict: exp(μ's upper bound), the largest training target. */
const largestTarget = (fixture: HeadFixture): number => Math.exp(parseManifest(fixture.manifest).spec.target.ziln!.muMax);

describe('POST /v1/score with one ZILN network, uncalibrated (a manifest without members)', () => {
  const fixture = fixtures.ziln;

  it('answers ltv and p_purchase as onnxruntime-node computes them, and the quantiles of that distribution', async () => {
    const predictions = await score(fixture);
    expect(predictions).toHaveLength(fixture.cases.length);
    predictions.forEach((prediction, i) => {
      const { name, outputs } = fixture.cases[i]!;
      expect(Object.keys(prediction).sort(), name).toEqual(['imputed', 'ltv', 'ltv_p10', 'ltv_p50', 'ltv_p90', 'p_purchase']);
      expect(closeTo(prediction.ltv, outputs.ltv![0]!), `${name}: ltv ${prediction.ltv} vs ${outputs.ltv}`).toBe(true);
      expect(closeTo(prediction.p_purchase!, outputs.p_purchase![0]!), `${name}: p ${prediction.p_purchase} vs ${outputs.p_purchase}`).toBe(true);
      const params = { p: outputs.p_purchase![0]!, mu: outputs.mu![0]!, sigma: outputs.sigma![0]! };
      for (const [field, q] of [['ltv_p10', 0.1], ['ltv_p50', 0.5], ['ltv_p90', 0.9]] as const) {
        expect(closeTo(prediction[field]!, zilnQuantile(params, q), 1e-5, 1e-4), `${name}: ${field} ${prediction[field]}`).toBe(true);
      }
      expect(prediction.ltv_p10! <= prediction.ltv_p50! && prediction.ltv_p50! <= prediction.ltv_p90!, `${name}: quantiles in order`).toBe(true);
      expect(prediction.p_purchase! >= 0 && prediction.p_purchase! <= 1).toBe(true);
    });
    // Both sides of the zero mass are exercised: some P10s are 0, some P90s are not.
    expect(predictions.some((p) => p.ltv_p10 === 0) && predictions.some((p) => p.ltv_p90! > 0)).toBe(true);
  });

  it('answers finite values, ltv at most 10× the largest training target, for customers far outside the training range', async () => {
    for (const p of await farOutside(fixture)) expect(p.ltv).toBeLessThanOrEqual(10 * largestTarget(fixture));
  });

  it('returns every graph output through OIP inference, or the ones asked for', async () => {
    const app = await appFor(fixture);
    const manifest = parseManifest(fixture.manifest);
    const rows = fixture.cases.map((c) => c.row);
    const body = { inputs: [{ name: manifest.spec.io.input, shape: [rows.length, rows[0]!.length], datatype: 'FP32', data: rows.flat() }] };
    const all = (await (await app.request(`/v2/models/${manifest.name}/infer`, postJson(body), env)).json()) as InferResponse;
    expect(all.outputs.map((o) => o.name)).toEqual(['ltv', 'p_purchase', 'mu', 'sigma']);
    for (const output of all.outputs) {
      expect(output.shape).toEqual([rows.length, 1]);
      output.data.forEach((v, i) => expect(closeTo(v, fixture.cases[i]!.outputs[output.name]![0]!), `${output.name} row ${i}`).toBe(true));
    }
    const response = await app.request(`/v2/models/${manifest.name}/infer`, postJson({ ...body, outputs: [{ name: 'p_purchase' }] }), env);
    const one = (await response.json()) as InferResponse;
    expect(one.outputs.map((o) => o.name)).toEqual(['p_purchase']);
  });
});

describe('POST /v1/score with three calibrated ZILN members in one graph', () => {
  const fixture = fixtures.zilnMembers;
  const manifest = parseManifest(fixture.manifest);

  it('is the graph the manifest describes: 3 members, a calibration fitted on held-out rows, [N, 3] member outputs', () => {
    expect(manifest.spec.members).toMatchObject({ count: 3, rows: 'folds' });
    expect(manifest.spec.calibration!.fittedOn.rows).toBeGreaterThan(0);
    expect(manifest.spec.io.outputs).toEqual(['ltv', 'p_purchase', 'member_p', 'member_mu', 'member_sigma']);
    expect(manifest.spec.io.widths).toEqual({ member_p: 3, member_mu: 3, member_sigma: 3 });
  });

  it('answers ltv and p_purchase as onnxruntime-node and the trainer compute them (1e-5), and the mixture quantiles', async () => {
    const predictions = await score(fixture);
    predictions.forEach((prediction, i) => {
      const { name, outputs, trainer } = fixture.cases[i]!;
      expect(Object.keys(prediction).sort(), name).toEqual(['imputed', 'ltv', 'ltv_p10', 'ltv_p50', 'ltv_p90', 'p_purchase']);
      for (const expected of [outputs, trainer]) {
        expect(closeTo(prediction.ltv, expected.ltv![0]!), `${name}: ltv ${prediction.ltv} vs ${expected.ltv}`).toBe(true);
        expect(closeTo(prediction.p_purchase!, expected.p_purchase![0]!), `${name}: p ${prediction.p_purchase} vs ${expected.p_purchase}`).toBe(true);
      }
      // The purchase probability is the members' mean.
      const meanP = trainer.member_p!.reduce((a, b) => a + b, 0) / 3;
      expect(closeTo(prediction.p_purchase!, meanP), `${name}: p is the members' mean`).toBe(true);
      const mixture = { p: outputs.member_p!, mu: outputs.member_mu!, sigma: outputs.member_sigma! };
      for (const [field, q] of [['ltv_p10', 0.1], ['ltv_p50', 0.5], ['ltv_p90', 0.9]] as const) {
        expect(closeTo(prediction[field]!, mixtureQuantile(mixture, q), 1e-5, 1e-4), `${name}: ${field} ${prediction[field]}`).toBe(true);
      }
      expect(prediction.ltv_p10! <= prediction.ltv_p50! && prediction.ltv_p50! <= prediction.ltv_p90!, `${name}: quantiles in order`).toBe(true);
    });
  });

  it('answers finite values, ltv at most 10× the largest training target, for customers far outside the training range', async () => {
    for (const p of await farOutside(fixture)) {
      expect(p.ltv).toBeLessThanOrEqual(10 * largestTarget(fixture));
      expect(p.ltv_p90!).toBeLessThanOrEqual(10 * largestTarget(fixture));
    }
  });

  it('returns the [N, 3] member outputs through OIP inference, row-major, as onnxruntime-node does', async () => {
    const app = await appFor(fixture);
    const rows = fixture.cases.map((c) => c.row);
    const body = { inputs: [{ name: manifest.spec.io.input, shape: [rows.length, rows[0]!.length], datatype: 'FP32', data: rows.flat() }] };
    const all = (await (await app.request(`/v2/models/${manifest.name}/infer`, postJson(body), env)).json()) as InferResponse;
    expect(all.outputs.map((o) => [o.name, o.shape])).toEqual(manifest.spec.io.outputs.map((name) => [name, [rows.length, name.startsWith('member_') ? 3 : 1]]));
    for (const output of all.outputs) {
      const expected = fixture.cases.flatMap((c) => c.outputs[output.name]!);
      output.data.forEach((v, j) => expect(closeTo(v, expected[j]!), `${output.name} value ${j}`).toBe(true));
    }
    const metadata = (await (await app.request(`/v2/models/${manifest.name}`, { headers: auth() }, env)).json()) as { outputs: { name: string; shape: number[] }[] };
    expect(metadata.outputs.map((o) => o.shape)).toEqual([[-1, 1], [-1, 1], [-1, 3], [-1, 3], [-1, 3]]);
  });
});

describe('POST /v1/score with an MSE model', () => {
  it('answers the ltv alone, as onnxruntime-node computes it', async () => {
    const fixture = fixtures.mse;
    const predictions = await score(fixture);
    predictions.forEach((prediction, i) => {
      const { name, ltv } = fixture.cases[i]!;
      expect(Object.keys(prediction).sort(), name).toEqual(['imputed', 'ltv']);
      expect(closeTo(prediction.ltv, ltv), `${name}: ${prediction.ltv} vs ${ltv}`).toBe(true);
    });
  });
});
