/**
 * GET /docs as wrangler builds the worker (wrangler's unstable_dev, the bundling
 * `wrangler deploy` uses), in headless Chromium: Swagger UI renders every operation
 * of /openapi.json from files the worker serves itself.
 *
 * The workers-project test of /docs runs the app as the vitest plugin bundles it,
 * which is not how wrangler bundles it: a Text rule whose globs did not match the
 * bare import `swagger-ui-dist/…` once made wrangler bundle Swagger UI as code,
 * so the deployed worker executed it at every start-up (~200 ms of CPU) and served
 * a function and an empty object instead of the files. That passed every other test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('serves swagger-ui-dist\'s files byte for byte', async () => {
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
      const response = await fetch(`${demo.origin}/docs/${file}`);
      expect(response.status, file).toBe(200);
      expect(await response.text(), file).toBe(readFileSync(require.resolve(`swagger-ui-dist/${file}`), 'utf8'));
    }
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
