/**
 * scripts/measure/serving/request-cpu.ts against real workerd: the built worker and the empty
 * peer each answer every route, and each route gets a positive, finite CPU per request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltWorker, buildWorker } from '../built-worker.js';

let built: BuiltWorker | undefined;
let bench: typeof import('../../../../scripts/measure/serving/request-cpu.js');

beforeAll(async () => {
  built = buildWorker();
  bench = await import('../../../../scripts/measure/serving/request-cpu.js');
}, 60_000);

afterAll(() => {
  built?.remove();
});

describe('workerd CPU per warm request', () => {
  it('measures every route, each with a positive CPU per request, and prints the ratios to the health route', async () => {
    const result = await bench.benchRequestCpu({ requests: 5, rounds: 2 });
    expect([...result.usPerRequest.keys()]).toEqual([
      'empty worker, GET /',
      'empty worker, POST / (1 customer)',
      'GET /v2/health/live',
      'POST /v1/score, 1 customer',
      'POST /v1/score, 100 customers',
    ]);
    for (const [route, values] of result.usPerRequest) {
      expect(values, route).toHaveLength(2);
      for (const us of values) expect(Number.isFinite(us) && us > 0, `${route}: ${us}`).toBe(true);
    }
    expect(result.markdown).toMatch(/POST \/v1\/score, 1 customer +\d+ \[\d+–\d+\] +\d+\.\d\d× the health route/);
  }, 90_000);
});
