/**
 * What operators see: the Workers version (version metadata binding) in a header,
 * GET /v1/model and the health route; ORT's WebAssembly memory in GET /v1/model; one JSON log line per request without
 * feature values or tokens; prediction statistics to Analytics Engine.
 */
import { env as bindings } from 'cloudflare:workers';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import worker from '../../../src/index.js';
import { TOKEN, auth, postJson, testEnv } from '../helpers.js';
import { closeTo } from '../reference.js';

const reference = inject('ltvReference');
const env = testEnv();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('worker version', () => {
  it('is reported in X-Worker-Version, GET /v1/model and the health route', async () => {
    const id = bindings.CF_VERSION_METADATA.id;
    expect(id).toMatch(/\S/);
    const model = await worker.request('/v1/model', { headers: auth() }, env);
    expect(model.headers.get('X-Worker-Version')).toBe(id);
    expect(((await model.json()) as { workerVersion: { id: string } }).workerVersion.id).toBe(id);
    const ready = await worker.request('/v2/health/ready', {}, env);
    expect(await ready.json()).toMatchObject({ ready: true, workerVersion: { id } });
  });
});

describe('ORT’s WebAssembly memory', () => {
  it('is reported in GET /v1/model as whole 64 KiB pages, and documented in the OpenAPI schema', async () => {
    const model = (await (await worker.request('/v1/model', { headers: auth() }, env)).json()) as { runtime?: { wasmMemoryBytes: number } };
    const bytes = model.runtime?.wasmMemoryBytes;
    expect(bytes).toBeGreaterThan(0);
    expect(Number.isInteger(bytes! / 65536)).toBe(true);
    // The size is read live: a batch that needs more memory than ORT holds grows it, and it never shrinks.
    const customers = reference.cases.map((c) => c.record);
    expect((await worker.request('/v1/score', postJson({ customers }), env)).status).toBe(200);
    const after = (await (await worker.request('/v1/model', { headers: auth() }, env)).json()) as { runtime: { wasmMemoryBytes: number } };
    expect(after.runtime.wasmMemoryBytes).toBeGreaterThanOrEqual(bytes!);
    const doc = (await (await worker.request('/openapi.json', {}, env)).json()) as {
      components: { schemas: { ModelInfo: { properties: { runtime: { properties: Record<string, { type: string }> } } } } };
    };
    expect(doc.components.schemas.ModelInfo.properties.runtime.properties.wasmMemoryBytes?.type).toBe('integer');
  });
});

describe('request log', () => {
  it('writes one JSON line per request: route, status, versions, batch size, latency; no values, no token', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const customers = reference.cases.slice(0, 3).map((c) => c.record);
    const response = await worker.request('/v1/score', postJson({ customers }), env);
    expect(response.status).toBe(200);
    const lines = log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>).filter((l) => l.event === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      method: 'POST',
      route: '/v1/score',
      status: 200,
      modelVersion: reference.version,
      workerVersion: bindings.CF_VERSION_METADATA.id,
      batchSize: 3,
      latencyMs: expect.any(Number),
    });
    const text = JSON.stringify(log.mock.calls);
    expect(text).not.toContain(TOKEN);
    for (const [name, value] of Object.entries(customers[0]!)) {
      expect(text).not.toContain(name);
      if (typeof value === 'string') expect(text).not.toContain(value);
    }
  });
});

describe('prediction statistics', () => {
  it('writes one Analytics Engine data point per scoring request: rows, mean, min, max, share of zeros', async () => {
    const points: AnalyticsEngineDataPoint[] = [];
    const dataset: AnalyticsEngineDataset = { writeDataPoint: (point) => void points.push(point!) };
    const customers = reference.cases.slice(0, 4);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const response = await worker.request('/v1/score', postJson({ customers: customers.map((c) => c.record) }), testEnv({ PREDICTIONS: dataset }));
    expect(response.status).toBe(200);
    const ltv = customers.map((c) => c.ltv);
    expect(points).toHaveLength(1);
    expect(points[0]!.indexes).toEqual([reference.version]);
    expect(points[0]!.blobs).toEqual([reference.version, '/v1/score']);
    const [rows, mean, min, max, zeros] = points[0]!.doubles!;
    expect(rows).toBe(4);
    // onnxruntime-web in workerd against onnxruntime-node: 1e-5 relative, as everywhere.
    expect(closeTo(mean!, ltv.reduce((a, b) => a + b, 0) / 4)).toBe(true);
    expect(closeTo(min!, Math.min(...ltv))).toBe(true);
    expect(closeTo(max!, Math.max(...ltv))).toBe(true);
    expect(zeros).toBe(ltv.filter((v) => v === 0).length / 4);
  });

  it('the binding from wrangler.toml accepts writes under local workerd', () => {
    expect(() => bindings.PREDICTIONS.writeDataPoint({ indexes: ['test'], doubles: [1] })).not.toThrow();
  });
});
