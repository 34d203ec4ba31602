/**
 * Fault cases of a bundle, end to end through the app: a corrupt or truncated model
 * (whose manifest even names its bytes, so the integrity check alone would not
 * catch it), and a spec that does not match its graph. The worker stays up, says
 * it is not ready, answers 503 problems on every scoring request, and keeps doing
 * so: no crash loop, no garbage answer.
 */
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import manifestJson from '../../model/ltv.json';
import onnx from '../../model/ltv.onnx';
import { loadModel } from '../../src/inference/model.js';
import { expectProblem, postJson, testApp, testEnv } from './helpers.js';

const reference = inject('ltvReference');
const env = testEnv({ RATE_LIMITER: undefined });

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A manifest that names `bytes`, as a careless re-export would write it. */
async function namedFor(bytes: Uint8Array, edit: (m: typeof manifestJson) => void = () => {}) {
  const manifest = structuredClone(manifestJson);
  manifest.onnxSha256 = await sha256Hex(bytes);
  edit(manifest);
  return manifest;
}

describe('a broken model in the bundle', () => {
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const full = new Uint8Array(onnx);
  const cases: [string, () => Promise<{ onnx: Uint8Array; manifest: unknown }>, RegExp][] = [
    ['truncated to half', async () => ({ onnx: full.slice(0, full.length >> 1), manifest: await namedFor(full.slice(0, full.length >> 1)) }), /./],
    // Flipped bytes inside the weights still parse and score finite numbers, only wrong ones:
    // the SHA-256 that ltv.json records is what stops them.
    ['with flipped bytes in its weights (ltv.json as exported)', async () => {
      const bytes = full.slice();
      for (let i = bytes.length >> 2; i < (bytes.length >> 2) + 64; i++) bytes[i]! ^= 0x5a;
      return { onnx: bytes, manifest: manifestJson };
    }, /ltv\.onnx has SHA-256 [0-9a-f]{64}, but ltv\.json names/],
    ['truncated by one byte (ltv.json as exported)', async () => ({ onnx: full.slice(0, full.length - 1), manifest: manifestJson }), /SHA-256/],
    ['whose spec has one feature fewer than the graph reads', async () => ({
      onnx: full,
      manifest: await namedFor(full, (m) => void m.spec.features.splice(m.spec.features.findIndex((f) => f.type === 'numeric'), 1)),
    }), /GraphMismatchError: input "\w+" has shape/],
  ];

  it.each(cases)('%s: not ready, 503 problems on every request, health says so', async (_, files, reason) => {
    const state = await loadModel(await files());
    expect(state.ready).toBe(false);
    if (!state.ready) expect(state.reason).toMatch(reason);
    const app = testApp(state);
    for (let i = 0; i < 3; i++) {
      const response = await app.request('/v1/score', postJson({ customer: reference.cases[0]!.record }), env);
      const problem = await expectProblem(response, 503);
      expect(problem.title).toBe('Model not ready');
      // The reason stays in the logs: no internals in the answer.
      expect(JSON.stringify(problem)).not.toMatch(/SHA-256|GraphMismatch|protobuf|onnx/i);
    }
    expect((await app.request('/v2/health/ready', {}, env)).status).toBe(503);
    expect(await (await app.request('/v2/health/ready', {}, env)).json()).toMatchObject({ ready: false });
    expect((await app.request('/v2/health/live', {}, env)).status).toBe(200);
  });
});
