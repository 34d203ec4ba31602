/**
 * The conformance check itself (./openapi-conformance.ts), on a small app whose
 * document and answers disagree on purpose: each kind of disagreement fails the
 * request, and agreement passes.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { ProblemSchema } from '../../src/schemas/problem.js';
import { ConformanceError, conforming } from './openapi-conformance.js';

const Thing = z.object({ name: z.string(), size: z.number().optional() }).openapi('Thing');
const Wrapper = z.object({ thing: Thing, tags: z.array(Thing) }).openapi('Wrapper');

/** GET /thing?answer=… answers as told; the document says 200 Wrapper or 404 Problem. */
function app() {
  const route = createRoute({
    method: 'get',
    path: '/thing',
    responses: {
      200: { description: 'A thing.', content: { 'application/json': { schema: Wrapper } } },
      404: { description: 'None.', content: { 'application/problem+json': { schema: ProblemSchema } } },
    },
  });
  const problem = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'none', instance: '/thing' };
  const answers: Record<string, () => Response> = {
    good: () => Response.json({ thing: { name: 'a', size: 1 }, tags: [{ name: 'b' }] }),
    extraMember: () => Response.json({ thing: { name: 'a' }, tags: [{ name: 'b', colour: 'red' }] }),
    wrongType: () => Response.json({ thing: { name: 1 }, tags: [] }),
    missingMember: () => Response.json({ thing: { name: 'a' } }),
    undocumentedStatus: () => Response.json({ thing: { name: 'a' }, tags: [] }, { status: 202 }),
    wrongMediaType: () => new Response(JSON.stringify(problem), { status: 404, headers: { 'Content-Type': 'application/json' } }),
    problem: () => new Response(JSON.stringify(problem), { status: 404, headers: { 'Content-Type': 'application/problem+json' } }),
  };
  const hono = new OpenAPIHono().openapi(route, (c) => answers[c.req.query('answer') ?? 'good']!() as never);
  hono.get('/openapi.json', (c) => c.json(hono.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } })));
  hono.get('/undocumented', (c) => c.json({ ok: true }));
  hono.notFound((c) => c.body(JSON.stringify({ ...problem, instance: c.req.path }), 404, { 'Content-Type': 'application/problem+json' }));
  return conforming(hono);
}

describe('conforming(app)', () => {
  it('passes answers the document describes', async () => {
    const checked = app();
    expect((await checked.request('/thing?answer=good')).status).toBe(200);
    expect((await checked.request('/thing?answer=problem')).status).toBe(404);
    expect((await checked.request('/nowhere')).status).toBe(404);
  });

  it.each([
    ['extraMember', /tags\/0: Property "colour"/],
    ['wrongType', /thing\/name/],
    ['missingMember', /"tags"/],
    ['undocumentedStatus', /lists 200, 404 for GET \/thing, not 202/],
    ['wrongMediaType', /Content-Type "application\/json", but \/openapi.json describes application\/problem\+json/],
  ])('fails an answer with %s', async (answer, message) => {
    const failed = await Promise.resolve(app().request(`/thing?answer=${answer}`)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(ConformanceError);
    expect((failed as Error).message).toMatch(message);
  });

  it('fails a success on a path or method the document does not have', async () => {
    await expect(app().request('/undocumented')).rejects.toThrow(/the path is not in \/openapi.json/);
  });
});
