import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { exceptPaths } from '../../../src/http/except-paths.js';

describe('exceptPaths', () => {
  const app = new Hono();
  app.use(exceptPaths(['/v1/segment', '/docs/*'], async (c, next) => {
    c.header('X-Ran', 'yes');
    await next();
  }));
  app.all('*', (c) => c.text('ok'));

  it('skips exactly the listed paths and everything under a /* prefix', async () => {
    const ran = async (path: string) => (await app.request(path)).headers.get('X-Ran') === 'yes';
    expect(await ran('/v1/score')).toBe(true);
    expect(await ran('/v1/segment')).toBe(false);
    expect(await ran('/v1/segment/x')).toBe(true); // exact means exact
    expect(await ran('/docs/swagger-ui.css')).toBe(false);
    expect(await ran('/docs')).toBe(true); // the prefix is "/docs/": list "/docs" too to skip it
    expect(await ran('/docsx')).toBe(true);
  });

  it('lets the middleware answer by itself on the other paths', async () => {
    const guarded = new Hono();
    guarded.use(exceptPaths(['/public'], (c) => Promise.resolve(c.text('refused', 401))));
    guarded.all('*', (c) => c.text('ok'));
    expect((await guarded.request('/private')).status).toBe(401);
    expect(await (await guarded.request('/public')).text()).toBe('ok');
  });

  it('refuses patterns it would not honour', () => {
    for (const pattern of ['v1/segment', '/v1/*/x', '/v1*', '/*/x']) {
      expect(() => exceptPaths([pattern], (_, next) => next()), pattern).toThrow(/exact paths or prefixes/);
    }
  });
});
