/**
 * The length caps of the request arrays (src/schemas/limits.ts), in workerd: an
 * array longer than its cap is refused with a 4xx before any element is looked at,
 * never a 500, and /openapi.json publishes each cap as maxItems.
 */
import { describe, expect, inject, it, vi } from 'vitest';
import { DEFAULTS, MAX_BATCH_CEILING, readConfig } from '../../../src/config.js';
import worker from '../../../src/index.js';
import { ARRAY_LIMITS } from '../../../src/schemas/limits.js';
import { expectProblem, postJson, testEnv } from '../helpers.js';

const reference = inject('ltvReference');
const env = testEnv({ RATE_LIMITER: undefined });
const infer = (body: unknown) => worker.request(`/v2/models/${reference.name}/infer`, postJson(body), env);
const tensor = { name: reference.input, datatype: 'FP32', shape: [1, reference.width], data: Array(reference.width).fill(0) };

describe('long arrays in a request body under the size limit', () => {
  it('POST /v1/score with 150,000 customers: 413 before any is validated, not a 500', async () => {
    const body = JSON.stringify({ customers: Array(150_000).fill(0) });
    expect(body.length).toBeLessThan(DEFAULTS.maxBodyBytes);
    const problem = await expectProblem(await worker.request('/v1/score', postJson(body), env), 413);
    expect(problem.detail).toBe(`The request has 150000 customers; at most ${DEFAULTS.maxBatch} are scored per request.`);
  });

  it('POST /v1/score with more customers than the schema cap and a raised MAX_BATCH: 413', async () => {
    const raised = testEnv({ RATE_LIMITER: undefined, MAX_BATCH: MAX_BATCH_CEILING });
    const body = JSON.stringify({ customers: Array(MAX_BATCH_CEILING + 1).fill({}) });
    await expectProblem(await worker.request('/v1/score', postJson(body), raised), 413);
  });

  it('OIP infer with 200,000 outputs: 400 naming the array, with one error, not a 500', async () => {
    const problem = await expectProblem(await infer({ inputs: [tensor], outputs: Array(200_000).fill(0) }), 400);
    expect(problem.errors).toEqual([{ pointer: '/outputs', detail: `expected at most ${ARRAY_LIMITS.outputs} outputs` }]);
  });

  it('OIP infer with a shape of 200,000 strings: 400 naming the shape, not a 500', async () => {
    const problem = await expectProblem(await infer({ inputs: [{ ...tensor, shape: Array(200_000).fill('x') }] }), 400);
    expect(problem.errors).toEqual([{ pointer: '/inputs/0/shape', detail: `expected at most ${ARRAY_LIMITS.shapeRank} dimensions` }]);
  });

  it('OIP infer with 200,000 input tensors: 400, not a 500', async () => {
    const problem = await expectProblem(await infer({ inputs: Array(200_000).fill(0) }), 400);
    expect(problem.errors).toEqual([{ pointer: '/inputs', detail: 'expected exactly one input tensor' }]);
  });
});

describe('MAX_BATCH', () => {
  it('may not be set above the schema cap: a configuration error naming the setting', () => {
    expect(() => readConfig({ MAX_BATCH: MAX_BATCH_CEILING + 1 } as Partial<Env>)).toThrow(`MAX_BATCH must be at most ${MAX_BATCH_CEILING}, got ${MAX_BATCH_CEILING + 1}`);
    expect(readConfig({ MAX_BATCH: MAX_BATCH_CEILING } as Partial<Env>).maxBatch).toBe(MAX_BATCH_CEILING);
  });

  it('set above the cap answers 500 and logs why, rather than refusing batches it allows', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    await expectProblem(await worker.request('/v1/score', postJson({ customers: [{}] }), testEnv({ MAX_BATCH: MAX_BATCH_CEILING + 1 })), 500);
    expect(logged.mock.calls.join('\n')).toContain(`MAX_BATCH must be at most ${MAX_BATCH_CEILING}`);
    logged.mockRestore();
  });
});

describe('GET /openapi.json', () => {
  it('publishes every cap as maxItems', async () => {
    type Schema = { properties: Record<string, { maxItems?: number; minItems?: number; items?: Schema }>; items?: Schema };
    const doc = (await (await worker.request('/openapi.json', {}, env)).json()) as { components: { schemas: Record<string, Schema> } };
    const { ScoreRequest, InferRequest } = doc.components.schemas;
    expect(ScoreRequest!.properties.customers).toMatchObject({ minItems: 1, maxItems: ARRAY_LIMITS.customers });
    expect(InferRequest!.properties.outputs).toMatchObject({ maxItems: ARRAY_LIMITS.outputs });
    expect(InferRequest!.properties.inputs).toMatchObject({ minItems: 1, maxItems: 1 });
    expect(InferRequest!.properties.inputs!.items!.properties.shape).toMatchObject({ maxItems: ARRAY_LIMITS.shapeRank });
  });
});
