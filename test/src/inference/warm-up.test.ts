/**
 * The start-up warm-up (src/inference/warm-up.ts), in workerd with the real app
 * and model: every request of it succeeds, the real Response is back afterwards,
 * and the app still refuses the warm-up's token on a real request.
 */
import { describe, expect, it } from 'vitest';
import manifestJson from '../../../model/ltv.json';
import onnx from '../../../model/ltv.onnx';
import { loadModel } from '../../../src/inference/model.js';
import { warmUpRequestPath } from '../../../src/inference/warm-up.js';
import { testApp, testEnv } from '../helpers.js';

describe('warming up the request path at start-up', () => {
  it('scores through both APIs and checks readiness, then restores Response', async () => {
    const state = await loadModel({ onnx, manifest: manifestJson });
    if (!state.ready) throw new Error(state.reason);
    const app = testApp(state);
    const original = globalThis.Response;
    expect(await warmUpRequestPath(app, state.manifest, state.model.width)).toEqual([200, 200, 200]);
    expect(globalThis.Response).toBe(original);
    const response = await app.request('/v1/score', { method: 'POST', headers: { Authorization: 'Bearer warm-up' } }, testEnv());
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(401);
  });

  it('does nothing for a model that did not load', async () => {
    const state = await loadModel({ onnx, manifest: { not: 'a manifest' } });
    expect(await warmUpRequestPath(testApp(state), state.manifest, 0)).toEqual([]);
  });
});
