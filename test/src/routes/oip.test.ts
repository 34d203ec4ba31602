/**
 * The Open Inference Protocol routes through the worker, with the real model: server
 * live, ready and metadata; model readiness, metadata and inference, each with and
 * without /versions/{model_version}; inference checked against the encoded rows
 * onnxruntime-node scored. Members are compared whole, against the protocol's REST
 * schema (docs/protocols.md): the protocol's members, plus those marked as our own.
 */
import { env as bindings } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import worker from '../../../src/index.js';
import type { InferResponse, ModelMetadata } from '../../../src/schemas/oip.js';
import { auth, expectProblem, postJson, servingEngine, testEnv } from '../helpers.js';
import { closeTo } from '../reference.js';

const reference = inject('ltvReference');
const env = testEnv();
const rows = reference.cases.map((c) => c.row);
const workerVersion = expect.objectContaining({ id: bindings.CF_VERSION_METADATA.id });

const { name, version, input, output } = reference;
const versioned = `/v2/models/${name}/versions/${version}`;
const infer = (body: unknown, e: Env = env, path = `/v2/models/${name}`, headers = auth()) => worker.request(`${path}/infer`, postJson(body, headers), e);
const tensor = (data: unknown[], shape = [rows.length, reference.width], overrides: Record<string, unknown> = {}) => ({
  inputs: [{ name: input, shape, datatype: 'FP32', data, ...overrides }],
});

describe('GET /v2 (server metadata)', () => {
  it('names the server, its version and no extensions, without a token', async () => {
    const response = await worker.request('/v2', {}, env);
    expect([response.status, await response.json()]).toEqual([200, { name: 'ltv-edge', version: bindings.CF_VERSION_METADATA.id, extensions: [] }]);
  });
});

describe('GET /v2/health/*', () => {
  it('is live and ready, without a token', async () => {
    const live = await worker.request('/v2/health/live', {}, env);
    expect([live.status, await live.json()]).toEqual([200, { live: true }]);
    const ready = await worker.request('/v2/health/ready', {}, env);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, engine: servingEngine, workerVersion }]);
    expect(ready.headers.get('X-Model-Version')).toBe(reference.version);
  });
});

describe('GET /v2/models/{model_name}[/versions/{model_version}]/ready', () => {
  it('reports the model by name, ready, with or without its version', async () => {
    for (const path of [`/v2/models/${name}/ready`, `${versioned}/ready`]) {
      const ready = await worker.request(path, {}, env);
      expect([ready.status, await ready.json()], path).toEqual([200, { name, ready: true, engine: servingEngine, workerVersion }]);
    }
  });

  it('answers 404 with the protocol’s error for another model or another version', async () => {
    const model = await expectProblem(await worker.request('/v2/models/churn/ready', {}, env), 404);
    expect(model.error).toBe(`No model named "churn"; this server serves "${name}".`);
    const other = await expectProblem(await worker.request(`/v2/models/${name}/versions/0/ready`, {}, env), 404);
    expect(other.error).toBe(`No version "0" of model "${name}"; this server serves version "${version}".`);
  });
});

describe('GET /v2/models/{model_name}[/versions/{model_version}]', () => {
  it('describes the FP32 [N, F] input in the spec’s column order and the outputs, as inference shapes them', async () => {
    const response = await worker.request(`/v2/models/${name}`, { headers: auth() }, env);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as ModelMetadata;
    const inferred = (await (await infer(tensor(rows.flat()))).json()) as InferResponse;
    expect(metadata).toEqual({
      name,
      versions: [version],
      platform: 'onnx_onnxv1',
      inputs: [{ name: input, datatype: 'FP32', shape: [-1, reference.width], parameters: { columns: expect.any(Array) } }],
      // The batch dimension is free (-1); the others are those inference answers with.
      outputs: inferred.outputs.map((o) => ({ name: o.name, datatype: 'FP32', shape: [-1, ...o.shape.slice(1)] })),
    });
    expect(metadata.outputs.map((o) => o.name)).toEqual(reference.outputs);
    expect(metadata.inputs[0]!.parameters!.columns).toHaveLength(reference.width);
    const byVersion = await worker.request(versioned, { headers: auth() }, env);
    expect(await byVersion.json()).toEqual(metadata);
  });

  it('needs a token, with or without the version', async () => {
    await expectProblem(await worker.request(`/v2/models/${name}`, {}, env), 401);
    await expectProblem(await worker.request(versioned, {}, env), 401);
  });

  it('answers 404 for another version', async () => {
    const problem = await expectProblem(await worker.request(`/v2/models/${name}/versions/v10`, { headers: auth() }, env), 404);
    expect(problem.error).toContain('No version "v10"');
  });
});

describe('POST /v2/models/{model_name}[/versions/{model_version}]/infer', () => {
  it('gives onnxruntime-node’s values for the reference rows (1e-5 relative), flat or nested, with or without the version', async () => {
    for (const [data, path] of [
      [rows.flat(), `/v2/models/${name}`],
      [rows, `/v2/models/${name}`],
      [rows.flat(), versioned],
    ] as const) {
      const response = await infer({ id: 'batch-1', ...tensor([...data]) }, env, path);
      expect(response.status).toBe(200);
      const body = (await response.json()) as InferResponse;
      expect(Object.keys(body).sort()).toEqual(['id', 'model_name', 'model_version', 'outputs']);
      expect(body).toMatchObject({ model_name: name, model_version: reference.version, id: 'batch-1' });
      const [ltv] = body.outputs;
      expect(Object.keys(ltv!).sort()).toEqual(['data', 'datatype', 'name', 'shape']);
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

  it('reads a body sent without a Content-Type as JSON, as KServe’s and Triton’s clients send it', async () => {
    // Bytes, not a string: fetch would label a string text/plain.
    const body = new TextEncoder().encode(JSON.stringify(tensor(rows.flat())));
    const request = new Request(`http://ltv.test/v2/models/${name}/infer`, { method: 'POST', headers: auth(), body });
    expect(request.headers.get('Content-Type')).toBeNull();
    const response = await worker.request(request, undefined, env);
    expect(response.status).toBe(200);
    expect(((await response.json()) as InferResponse).outputs[0]!.data).toHaveLength(rows.length);
  });

  it('returns JSON data when binary output is asked for, and takes the protocol’s scalar parameters', async () => {
    const body = { ...tensor(rows.flat()), parameters: { binary_data_output: true, priority: 1, note: 'x' }, outputs: [{ name: output, parameters: { binary_data: true } }] };
    const response = await infer(body);
    expect(response.status).toBe(200);
    expect(response.headers.get('Inference-Header-Content-Length')).toBeNull();
    const [ltv] = ((await response.json()) as InferResponse).outputs;
    expect(ltv).toEqual({ name: output, datatype: 'FP32', shape: [rows.length, 1], data: expect.any(Array) });
  });

  it('refuses binary tensor data (415) and the classification extension (400), saying so', async () => {
    const binary = await worker.request(
      `/v2/models/${name}/infer`,
      { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': '10' }, body: '{"inputs":[]}\u0000\u0000' },
      env,
    );
    expect((await expectProblem(binary, 415)).error).toContain('binary tensor data extension');
    const classification = await expectProblem(await infer({ ...tensor(rows.flat()), outputs: [{ name: output, parameters: { classification: 2 } }] }), 400);
    expect(classification.errors).toEqual([{ pointer: '/outputs/0/parameters/classification', detail: 'the classification extension is not supported; the outputs are values' }]);
  });

  it('refuses a parameter whose value is not a string, number or boolean', async () => {
    const problem = await expectProblem(await infer({ ...tensor(rows.flat()), parameters: { nested: { a: 1 } } }), 400);
    expect(problem.errors?.[0]?.pointer).toBe('/parameters/nested');
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
    expect(problem.error).toBe(problem.detail);
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

  it('answers 404 for another model or another version', async () => {
    await expectProblem(await infer(tensor(rows.flat()), env, '/v2/models/churn'), 404);
    const problem = await expectProblem(await infer(tensor(rows.flat()), env, `/v2/models/${name}/versions/0`), 404);
    expect(problem.error).toContain('No version "0"');
  });
});

describe('errors under /v2', () => {
  it('carry the protocol’s error on every status, the path unknown or the method wrong, and the token missing', async () => {
    const cases: [string, RequestInit, number][] = [
      [`/v2/models/${name}/versions/${version}/explain`, {}, 404],
      ['/v2', { method: 'DELETE' }, 405],
      [`${versioned}/infer`, postJson(tensor(rows.flat()), {}), 401],
    ];
    for (const [path, init, status] of cases) {
      const problem = await expectProblem(await worker.request(path, init, env), status);
      expect(problem.error, path).toBe(problem.detail);
    }
  });

  it('are application/problem+json to a caller that asks for it', async () => {
    for (const accept of ['application/problem+json', 'application/json;q=0.5, application/problem+json']) {
      const response = await worker.request('/v2/models/churn/ready', { headers: { Accept: accept } }, env);
      expect(response.headers.get('Content-Type'), accept).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 404, error: expect.stringContaining('churn') });
    }
    const refused = await worker.request('/v2/models/churn/ready', { headers: { Accept: 'application/problem+json;q=0, */*' } }, env);
    expect(refused.headers.get('Content-Type')).toBe('application/json');
  });

  it('leave problems outside /v2 as they were: problem+json, no error member', async () => {
    const problem = await expectProblem(await worker.request('/v1/model', {}, env), 401);
    expect(problem).not.toHaveProperty('error');
  });
});
