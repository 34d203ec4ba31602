/**
 * A graph outside the compiled subset (an Abs node; ./outside-subset.ts). In the build
 * that carries onnxruntime-web, ENGINE = auto serves it on ORT, correctly, through the
 * app, and logs why the compiled engine did not. In the default build, without ORT,
 * the worker stays up and not ready, with a reason that names the node and the way out.
 */
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { createApp } from '../../../src/app.js';
import { loadModel } from '../../../src/inference/model.js';
import { ortInBundle } from '../../../src/inference/ort/load.js';
import { postJson, testEnv } from '../helpers.js';
import { closeTo } from '../reference.js';
import { fromBase64 } from './agreement.js';

const model = inject('outsideSubset');
const files = () => ({ onnx: fromBase64(model.onnxBase64), manifest: structuredClone(model.manifest) });
const env = testEnv({ RATE_LIMITER: undefined });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a graph with an operator the compiled engine lacks', () => {
  it.runIf(ortInBundle())('is served by onnxruntime-web under ENGINE=auto, with onnxruntime-node’s values, and the log says why', async () => {
    const logged = vi.spyOn(console, 'log');
    const state = await loadModel(files(), { engine: 'auto', warmUpRuns: 1 });
    if (!state.ready) throw new Error(state.reason);
    expect(state.model.engine).toBe('ort');
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/"event":"model_ready".*"engine":"ort".*"compiledRefused":"node \\"odd\/Abs\\" \(Abs\): operator Abs is not in the compiled engine's subset/));
    const response = await createApp(state).request('/v1/score', postJson({ customers: model.records }), env);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { predictions: { ltv: number }[] };
    expect(body.predictions).toHaveLength(model.ltv.length);
    body.predictions.forEach((p, i) => expect(closeTo(p.ltv, model.ltv[i]!), `${p.ltv} vs ${model.ltv[i]}`).toBe(true));
    const info = (await (await createApp(state).request('/v1/model', { headers: { Authorization: 'Bearer test-token-new' } }, env)).json()) as { engine: string };
    expect(info.engine).toBe('ort');
  });

  it('is not served by the compiled engine: not ready, the reason naming the node and operator', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const state = await loadModel(files(), { engine: 'compiled' });
    expect(state.ready).toBe(false);
    if (!state.ready) expect(state.reason).toBe(`UnsupportedGraphError: node "odd/Abs" (Abs): operator Abs is not in the compiled engine's subset (Add, Clip, Concat, Constant, Div, Exp, Gemm, Identity, IsNaN, Log, MatMul, Max, Min, Mul, Neg, Relu, Sigmoid, Softplus, Sub, Where)`);
    expect((await createApp(state).request('/v1/score', postJson({ customers: model.records }), env)).status).toBe(503);
  });

  it.runIf(!ortInBundle())('in the default build (no onnxruntime-web): ENGINE=auto leaves it not ready, saying how to build with ORT', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const state = await loadModel(files(), { engine: 'auto' });
    expect(state.ready).toBe(false);
    if (!state.ready) expect(state.reason).toMatch(/node "odd\/Abs" \(Abs\): operator Abs is not in the compiled engine's subset .*; onnxruntime-web, which runs any graph, is not in this build \(deploy with --define BUNDLE_ORT:true/);
    expect((await createApp(state).request('/v2/health/ready', {}, env)).status).toBe(503);
  });
});
