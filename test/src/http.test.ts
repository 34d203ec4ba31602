/**
 * The HTTP boundary: auth, CORS, unknown routes and methods, the problem format,
 * internal errors, the OpenAPI document, and a worker whose model failed to load.
 */
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import manifestJson from '../../model/ltv.json';
import worker from '../../src/index.js';
import { parseManifest } from '../../src/spec/manifest.js';
import { OLD_TOKEN, TOKEN, auth, expectProblem, postJson, testApp, testEnv } from './helpers.js';

const reference = inject('ltvReference');
const env = testEnv();
const customer = reference.cases[0]!.record;
const manifest = parseManifest(manifestJson);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('auth on the scoring routes', () => {
  it('accepts the new and the old token during a rotation', async () => {
    for (const token of [TOKEN, OLD_TOKEN]) {
      expect((await worker.request('/v1/score', postJson({ customer }, auth(token)), env)).status).toBe(200);
    }
  });

  it('answers 401 with WWW-Authenticate when the token is missing', async () => {
    const response = await worker.request('/v1/score', postJson({ customer }, {}), env);
    const problem = await expectProblem(response, 401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="ltv-edge"');
    expect(problem.detail).toContain('Authorization: Bearer');
  });

  it.each([
    ['a wrong token', 'Bearer nope'],
    ['a prefix of a valid token', 'Bearer test-token'],
    ['a valid token with something appended', `Bearer ${TOKEN}x`],
    ['both tokens at once', `Bearer ${OLD_TOKEN},${TOKEN}`],
  ])('answers 401 for %s', async (_, header) => {
    const response = await worker.request('/v1/score', postJson({ customer }, { Authorization: header }), env);
    await expectProblem(response, 401);
    expect(response.headers.get('WWW-Authenticate')).toContain('error="invalid_token"');
  });

  it('answers 401 for another scheme', async () => {
    await expectProblem(await worker.request('/v1/score', postJson({ customer }, { Authorization: `Basic ${btoa(`x:${TOKEN}`)}` }), env), 401);
  });

  it('guards the model routes and OIP inference too', async () => {
    await expectProblem(await worker.request('/v1/model', {}, env), 401);
    await expectProblem(await worker.request(`/v2/models/${reference.name}`, {}, env), 401);
    await expectProblem(await worker.request(`/v2/models/${reference.name}/infer`, postJson({}, {}), env), 401);
  });

  it('refuses to score (503) when no token is configured, rather than opening up', async () => {
    for (const unset of [testEnv({ API_TOKEN: '' }), testEnv({ API_TOKEN: undefined }), testEnv({ API_TOKEN: ' , ' })]) {
      const problem = await expectProblem(await worker.request('/v1/score', postJson({ customer }), unset), 503);
      expect(problem.detail).toContain('API_TOKEN');
    }
  });

  it('leaves health and the API document public', async () => {
    for (const path of ['/v2/health/live', '/v2/health/ready', `/v2/models/${reference.name}/ready`, '/openapi.json']) {
      expect((await worker.request(path, {}, env)).status, path).toBe(200);
    }
  });

  it('never logs tokens or feature values', async () => {
    const lines: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    }
    const secret = 'feature-value-that-must-not-leak';
    await worker.request('/v1/score', postJson({ customer: { ...customer, favourite: secret } }), env);
    await worker.request('/v1/score', postJson({ customer }, { Authorization: 'Bearer wrong-token-must-not-leak' }), env);
    await worker.request('/v1/score', postJson({ customer: { ...customer, favourite: secret } }), testEnv({ MAX_BATCH: 'broken' }));
    const logged = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const leak of [TOKEN, OLD_TOKEN, 'wrong-token-must-not-leak', secret]) expect(logged).not.toContain(leak);
  });
});

describe('CORS', () => {
  const origin = 'https://app.example.com';

  it('allows a listed origin', async () => {
    const response = await worker.request('/v2/health/live', { headers: { Origin: origin } }, env);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    expect(response.headers.get('Vary')).toContain('Origin');
    expect(response.headers.get('Access-Control-Expose-Headers')).toContain('X-Model-Version');
  });

  it('does not allow an origin that is not listed', async () => {
    const response = await worker.request('/v2/health/live', { headers: { Origin: 'https://evil.example' } }, env);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('answers a preflight without a token', async () => {
    const response = await worker.request(
      '/v1/score',
      { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' } },
      env,
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(response.headers.get('Access-Control-Allow-Headers')).toContain('Authorization');
  });

  it('allows no origin when ALLOWED_ORIGINS is empty, and any with *', async () => {
    const none = await worker.request('/v2/health/live', { headers: { Origin: origin } }, testEnv({ ALLOWED_ORIGINS: '' }));
    expect(none.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const any = await worker.request('/v2/health/live', { headers: { Origin: 'https://other.example' } }, testEnv({ ALLOWED_ORIGINS: '*' }));
    expect(any.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });
});

describe('unknown routes and methods', () => {
  it('answers 404 with a problem for an unknown path', async () => {
    const problem = await expectProblem(await worker.request('/v3/nothing', {}, env), 404);
    expect(problem.instance).toBe('/v3/nothing');
  });

  it('answers 404 for a known path with a trailing slash (paths are exact)', async () => {
    await expectProblem(await worker.request('/v2/health/live/', {}, env), 404);
  });

  it.each([
    ['GET', '/v1/score', 'OPTIONS, POST'],
    ['DELETE', '/v2/health/live', 'GET, HEAD, OPTIONS'],
    ['POST', `/v2/models/${reference.name}`, 'GET, HEAD, OPTIONS'],
    ['PUT', `/v2/models/${reference.name}/infer`, 'OPTIONS, POST'],
  ])('answers 405 with Allow for %s %s', async (method, path, allow) => {
    const response = await worker.request(path, { method, headers: auth() }, env);
    const problem = await expectProblem(response, 405);
    expect(response.headers.get('Allow')).toBe(allow);
    expect(problem.detail).toContain(method);
  });
});

describe('every response', () => {
  it('carries the model version, a request id matching the problem body, and security headers', async () => {
    const response = await worker.request('/v3/nothing', { headers: { 'X-Request-Id': 'trace-42' } }, env);
    const problem = await expectProblem(response, 404);
    expect(response.headers.get('X-Model-Version')).toBe(reference.version);
    expect(response.headers.get('X-Request-Id')).toBe('trace-42');
    expect(problem.requestId).toBe('trace-42');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });
});

describe('internal errors', () => {
  it('answer a generic 500 that leaks nothing, and are logged', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await worker.request('/v1/score', postJson({ customer }), testEnv({ MAX_BATCH: 'not-a-number' }));
    const problem = await expectProblem(response, 500);
    expect(JSON.stringify(problem)).not.toMatch(/MAX_BATCH|not-a-number|ConfigError|at /);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('"event":"internal_error"'));
    expect(logged.mock.calls.join('\n')).toContain('MAX_BATCH');
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of every route, with the spec’s features on Customer', async () => {
    const doc = (await (await worker.request('/openapi.json', {}, env)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/v1/model',
        '/v1/score',
        '/v1/segment',
        '/v2',
        '/v2/health/live',
        '/v2/health/ready',
        '/v2/models/{model_name}',
        '/v2/models/{model_name}/infer',
        '/v2/models/{model_name}/ready',
        '/v2/models/{model_name}/versions/{model_version}',
        '/v2/models/{model_name}/versions/{model_version}/infer',
        '/v2/models/{model_name}/versions/{model_version}/ready',
      ].sort(),
    );
    expect(Object.keys(doc.components.schemas.Customer!.properties!).sort()).toEqual([...manifest.spec.features.map((f) => f.name), 'id'].sort());
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  // Swagger UI's own files are static assets (public/docs/, written by wrangler's [build]
  // step), which the app never sees: test/public/docs-page.test.ts loads the page whole.
  it('is browsable at /docs with every asset from this origin, none from a CDN', async () => {
    const page = await worker.request('/docs', {}, env);
    const html = await page.text();
    expect(page.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.sort()).toEqual(['/docs/init.js', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']);
    const init = await worker.request('/docs/init.js', {}, env);
    expect([init.status, await init.text()]).toEqual([200, expect.stringContaining("url: '/openapi.json'")]);
  });
});

describe('a worker whose model failed to load', () => {
  const notReady = testApp({ ready: false, reason: 'GraphMismatchError: internal detail', manifest });

  it('is live but not ready', async () => {
    expect((await notReady.request('/v2/health/live', {}, env)).status).toBe(200);
    const ready = await notReady.request('/v2/health/ready', {}, env);
    expect([ready.status, await ready.json()]).toEqual([503, { ready: false, workerVersion: expect.objectContaining({ id: expect.any(String) }) }]);
    expect((await notReady.request(`/v2/models/${reference.name}/ready`, {}, env)).status).toBe(503);
  });

  it('answers 503 to scoring, without the internal reason', async () => {
    for (const path of ['/v1/score', `/v2/models/${reference.name}/infer`]) {
      const problem = await expectProblem(await notReady.request(path, postJson({ customer }), env), 503);
      expect(JSON.stringify(problem)).not.toContain('internal detail');
    }
  });

  it('still checks the token first', async () => {
    await expectProblem(await notReady.request('/v1/score', postJson({ customer }, {}), env), 401);
  });

  it('answers 503 everywhere but liveness when even ltv.json was unreadable', async () => {
    const blind = testApp({ ready: false, reason: 'ManifestError: /spec: expected an object' });
    expect((await blind.request('/v2/health/live', {}, env)).status).toBe(200);
    expect((await blind.request('/v2/health/ready', {}, env)).status).toBe(503);
    await expectProblem(await blind.request('/v1/model', { headers: auth() }, env), 503);
    await expectProblem(await blind.request(`/v2/models/${reference.name}`, { headers: auth() }, env), 503);
  });
});
