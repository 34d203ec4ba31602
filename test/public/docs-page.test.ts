/**
 * GET /docs as wrangler builds and serves the worker (wrangler's unstable_dev, which
 * runs the [build] command and serves public/ as static assets before the worker, as
 * a deployment does), in headless Chromium: Swagger UI renders every operation of
 * /openapi.json from files this origin serves itself.
 *
 * Swagger UI's files are static assets copied from swagger-ui-dist by the [build]
 * command (scripts/build/docs-assets.ts), not modules of the worker: the workers-project
 * tests drive the app alone, without assets or the build step, so only this test sees
 * the page whole. (When they were text modules, a Text rule whose globs did not match
 * once made wrangler bundle Swagger UI as code, run at every start-up; that too passed
 * every other test.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWAGGER_UI_FILES } from '../../scripts/build/docs-assets.js';
import { type DemoWorker, startDemoWorker } from '../../scripts/measure/screenshots/demo-worker.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED the browser test of /docs: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
const require = createRequire(import.meta.url);

describe('/docs of the worker as wrangler builds it', () => {
  let demo: DemoWorker;
  let browser: Browser | undefined;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([
      startDemoWorker(),
      hasChromium ? chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }) : Promise.resolve(undefined),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('serves swagger-ui-dist\'s files byte for byte, as static assets', async () => {
    for (const file of SWAGGER_UI_FILES) {
      const response = await fetch(`${demo.origin}/docs/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('Content-Type'), file).toMatch(file.endsWith('.css') ? /^text\/css/ : /^(text|application)\/javascript/);
      expect(await response.text(), file).toBe(readFileSync(require.resolve(`swagger-ui-dist/${file}`), 'utf8'));
    }
  });

  it('serves the page under a CSP that allows only this origin', async () => {
    const response = await fetch(`${demo.origin}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    const assets = [...(await response.text()).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining([...SWAGGER_UI_FILES.map((file) => `/docs/${file}`), '/docs/init.js']));
  });

  it.skipIf(!hasChromium)('renders one operation per route of /openapi.json, with no console error and nothing fetched elsewhere', async () => {
    const spec = (await (await fetch(`${demo.origin}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(spec.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    const page = await browser!.newPage();
    const errors: string[] = [];
    const foreign: string[] = [];
    // Chromium asks every origin for /favicon.ico by itself; the worker has none, which is not the page's error.
    page.on('console', (message) => message.type() === 'error' && !message.location().url.endsWith('/favicon.ico') && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('request', (request) => !request.url().startsWith(demo.origin) && foreign.push(request.url()));
    await page.goto(`${demo.origin}/docs`);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(operations).toBeGreaterThanOrEqual(8);
    expect({ errors, foreign }).toEqual({ errors: [], foreign: [] });
    await page.close();
  }, 60_000);
});
