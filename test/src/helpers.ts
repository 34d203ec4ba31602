/** Request helpers for the worker tests: the app driven directly, in workerd. */
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { type OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from '../../src/app.js';
import type { ProblemBody } from '../../src/http/problem.js';
import type { ModelState } from '../../src/inference/model.js';
import type { AppEnv } from '../../src/types.js';
import { conforming } from './openapi-conformance.js';
import { isProtocolPath } from '../../src/http/protocol-errors.js';

export const TOKEN = 'test-token-new';
export const OLD_TOKEN = 'test-token-old';

/** The engine that serves the shipped model in this test project: ENGINE = ort in workers-ort, else the compiled engine (test/src/workers-project.ts). */
export const servingEngine: 'compiled' | 'ort' = (env as Partial<Env>).ENGINE === 'ort' ? 'ort' : 'compiled';

export const auth = (token = TOKEN) => ({ Authorization: `Bearer ${token}` });

export function postJson(body: unknown, headers: Record<string, string> = auth()): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** The app built around another model state, its responses checked against its /openapi.json as the worker's are. */
export function testApp(state: ModelState): OpenAPIHono<AppEnv> {
  return conforming(createApp(state));
}

/** The test bindings (wrangler.toml [vars] plus the test config's), with `overrides` on top. */
export function testEnv(overrides: Partial<Record<keyof Env, unknown>> = {}): Env {
  return { ...env, ...overrides } as Env;
}

/**
 * Asserts an RFC 9457 problem response with `status`, and returns its body. On the Open
 * Inference Protocol's paths (/v2) the problem also carries the protocol's `error` (the
 * detail) and, to a caller that did not ask for problem+json, is sent as application/json.
 */
export async function expectProblem(response: Response, status: number): Promise<ProblemBody> {
  const body = (await response.json()) as ProblemBody;
  const protocol = isProtocolPath(body.instance);
  expect({ status: response.status, contentType: response.headers.get('Content-Type') }).toEqual({
    status,
    contentType: protocol ? 'application/json' : 'application/problem+json',
  });
  expect(body).toMatchObject({ type: 'about:blank', status, title: expect.any(String), detail: expect.any(String) });
  expect(body.error).toBe(protocol ? body.detail : undefined);
  return body;
}
