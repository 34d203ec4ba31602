/**
 * The Open Inference Protocol routes through the worker, with the real model:
 * health, metadata, and inference on the encoded rows onnxruntime-node scored.
 */
import { describe, expect, inject, it } from 'vitest';
import worker from '../../../src/index.js';
import type { InferResponse, ModelMetadata } from '../../../src/schemas/oip.js';
import { auth, expectProblem, postJson, servingEngine, testEnv } from '../helpers.js';
import { closeTo } from '../reference.js';

const reference = inject('ltvReference');
const env = testEnv();
const rows = reference.cases.map((c) => c.row);

const { name, input, output } = reference;
const infer = (body: unknown, e: Env = env, model = name) => worker.request(`/v2/models/${model}/infer`, postJson(body), e);
const tensor = (data: unknown[], shape = [rows.length, reference.width], overrides: Record<string, unknown> = {}) => ({
  inputs: [{ name: input, shape, datatype: 'FP32', data, ...overrides }],
});

describe('GET /v2/health/*', () => {
  it('is live and ready, without a token', async () => {
    const live = await worker.request('/v2/health/live', {}, env);
    expect([live.status, await live.json()]).toEqual([200, { live: true }]);
    const ready = await worker.request('/v2/health/ready', {}, env);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, engine: servingEngine, workerVersion: expect.objectContaining({ id: expect.any(String) }) }]);
    expect(ready.headers.get('X-Model-Version')).toBe(reference.version);
  });

  it('reports the model ready, and 404 for another model', async () => {
    const ready = await worker.request(`/v2/models/${name}/ready`, {}, env);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, engine: servingEngine, workerVersion: expect.objectContaining({ id: expect.any(String) }) }]);
    await expectProblem(await worker.request('/v2/models/churn/ready', {}, env), 404);
  });
});

describe('GET /v2/models/{model_name}', () => {
  it('describes the FP32 [N, F] input in the spec’s column order and the [N, 1] outputs', async () => {
    const response = await worker.request(`/v2/models/${name}`, { headers: auth() }, env);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as ModelMetadata;
    expect(metadata).toMatchObject({
      name,
      versions: [reference.version],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: input, datatype: 'FP32', shape: [-1, reference.width] }],
      outputs: reference.outputs.map((o) => ({ name: o, datatype: 'FP32', shape: [-1, 1] })),
    });
    expect(metadata.inputs[0]!.parameters!.columns).toHaveLength(reference.width);
  });

  it('needs a token', async () => {
    await expectProblem(await worker.request(`/v2/models/${name}`, {}, env), 401);
  });
});

describe('POST /v2/models/{model_name}/infer', () => {
  it('gives onnxruntime-node’s values for the reference rows (1e-5 relative), flat or nested', async () => {
    for (const data of [rows.flat(), rows]) {
      const response = await infer({ id: 'batch-1', ...tensor(data) });
      expect(response.status).toBe(200);
      const body = (await response.json()) as InferResponse;
      expect(body).toMatchObject({ model_name: name, model_version: reference.version, id: 'batch-1' });
      const [ltv] = body.outputs;
      expect(ltv).toMatchObject({ name: output, datatype: 'FP32', shape: [rows.length, 1] });
      ltv!.data.forEach((ltv, i) => expect(closeTo(ltv, reference.cases[i]!.ltv), `${reference.cases[i]!.name}`).toBe(true));
    }
  });

  it('agrees with POST /v1/score for the same customers', async () => {
    const scored = await worker.request('/v1/score', postJson({ customers: reference.cases.map((c) => c.record) }), env);
    const { predictions } = (await scored.json()) as { predictions: { ltv: number }[] };
    const inferred = (await (await infer(tensor(rows.flat()))).json()) as InferResponse;
    expect(inferred.outputs[0]!.data).toEqual(predictions.map((p) => p.ltv));
  });

  it('carries a Server-Timing entry', async () => {
    const response = await infer(tensor(rows.flat()));
    expect(response.headers.get('Server-Timing')).toMatch(/^inference;dur=/);
  });

  it('lists every wrong value with its pointer', async () => {
    const data: unknown[] = rows.flat();
    data[3] = 'abc';
    data[reference.width + 1] = true;
    const problem = await expectProblem(await infer(tensor(data)), 400);
    expect(problem.errors).toEqual([
      { pointer: '/inputs/0/data/3', detail: 'expected a finite number or null, got "abc"' },
      { pointer: `/inputs/0/data/${reference.width + 1}`, detail: 'expected a finite number or null, got boolean' },
    ]);
  });

  it('rejects a wrong name, datatype and shape at once', async () => {
    const problem = await expectProblem(await infer(tensor(rows.flat(), [rows.length, reference.width + 1], { name: 'not-the-input', datatype: 'INT64' })), 400);
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['/inputs/0/name', '/inputs/0/datatype', '/inputs/0/shape']);
  });

  it('rejects data that does not fill the shape', async () => {
    const problem = await expectProblem(await infer(tensor(rows.flat().slice(1))), 400);
    expect(problem.errors?.[0]?.pointer).toBe('/inputs/0/data');
  });

  it('rejects a nested row of the wrong length', async () => {
    const nested = rows.map((row, i) => (i === 2 ? row.slice(1) : row));
    const problem = await expectProblem(await infer(tensor(nested)), 400);
    expect(problem.errors?.[0]?.pointer).toBe('/inputs/0/data/2');
  });

  it('rejects an unknown output and an unknown member', async () => {
    const problem = await expectProblem(await infer({ ...tensor(rows.flat()), outputs: [{ name: 'churn' }] }), 400);
    expect(problem.errors).toEqual([{ pointer: '/outputs/0/name', detail: `unknown output; the model outputs ${reference.outputs.map((o) => `"${o}"`).join(', ')}` }]);
    const extra = await expectProblem(await infer({ ...tensor(rows.flat()), extra: 1 }), 400);
    expect(extra.errors).toEqual([{ pointer: '/extra', detail: 'unknown member' }]);
  });

  it('answers 413 for more rows than MAX_BATCH', async () => {
    await expectProblem(await infer(tensor(rows.flat()), testEnv({ MAX_BATCH: 2 })), 413);
  });

  it('answers 404 for another model', async () => {
    await expectProblem(await infer(tensor(rows.flat()), env, 'churn'), 404);
  });
});
