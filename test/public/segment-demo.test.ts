/**
 * The demo marketing page (public/index.html + public/ltv-segment.js) in a real
 * headless Chromium (the system's /usr/bin/chromium, driven by playwright-core)
 * against the worker on local workerd: the banner of each tier, the default on
 * time-out and on error, and no LTV in anything the browser receives.
 */
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoWorker, startDemoWorker } from '../../scripts/measure/screenshots/demo-worker.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED the browser test of the demo page: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!hasChromium)('demo page in headless Chromium', () => {
  let demo: DemoWorker;
  let browser: Browser;
  let hanging: Server;
  let hangingUrl: string;

  beforeAll(async () => {
    // An endpoint that never answers, for the time-out (it does answer CORS preflights, so only the POST hangs).
    hanging = createServer((req, res) => {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'content-type', 'Access-Control-Allow-Methods': 'POST' }).end();
      }
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    hangingUrl = `http://127.0.0.1:${(hanging.address() as { port: number }).port}/v1/segment`;
    [demo, browser] = await Promise.all([startDemoWorker(), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    hanging?.closeAllConnections();
    hanging?.close();
  });

  /** Opens the page; returns the banner shown, the tier attribute, the event's detail and every response body. */
  async function visit(query: string): Promise<{ banner: string[]; tier: string | null; event: unknown; bodies: string[]; page: Page }> {
    const page = await browser.newPage();
    const bodies: Promise<string>[] = [];
    // Bodies are read once a request has finished (reading one earlier can wait forever on a 404 in Chromium).
    page.on('requestfinished', (request) => bodies.push(request.response().then((r) => (r === null ? '' : r.text())).catch(() => '')));
    await page.addInitScript(() => {
      document.addEventListener('ltv:tier', (e) => ((window as unknown as { ltvEvent: unknown }).ltvEvent = (e as CustomEvent).detail));
    });
    await page.goto(`${demo.origin}/?${query}`);
    await page.waitForFunction(() => document.documentElement.dataset.ltvTier !== undefined, undefined, { timeout: 10_000 });
    const banner = await page.locator('.banner:visible').evaluateAll((els) => els.map((el) => el.getAttribute('data-banner') ?? ''));
    const tier = await page.evaluate(() => document.documentElement.dataset.ltvTier ?? null);
    const event = await page.evaluate(() => (window as unknown as { ltvEvent: unknown }).ltvEvent);
    return { banner, tier, event, bodies: await Promise.all(bodies), page };
  }

  it('shows the high-value banner to a high-value visitor and the low-value one to a low-value visitor', async () => {
    for (const [tier, id] of [['high', demo.visitors.high], ['low', demo.visitors.low]] as const) {
      const { banner, tier: attribute, event, bodies, page } = await visit(`visitor=${id}&timeout=5000`); // generous: the machine running the tests may be loaded
      expect({ banner, attribute, event }).toEqual({ banner: [tier], attribute: tier, event: { tier, source: 'api' } });
      // What the browser received: the page, the snippet and {"tier":…}; no LTV anywhere.
      expect(bodies).toContain(JSON.stringify({ tier }));
      for (const body of bodies) {
        expect(body).not.toMatch(/"ltv"|predictions/);
        for (const ltv of demo.ltvs) expect(body).not.toContain(ltv.toPrecision(5));
      }
      await page.close();
    }
  });

  it('shows the default banner when the tier does not come in time', async () => {
    const started = Date.now();
    const { banner, event, page } = await visit(`visitor=${demo.visitors.high}&timeout=300&endpoint=${encodeURIComponent(hangingUrl)}`);
    expect({ banner, event }).toEqual({ banner: ['default'], event: { tier: 'default', source: 'default' } });
    expect(Date.now() - started).toBeLessThan(8_000);
    await page.close();
  });

  it('shows the default banner on an error (unknown visitor, or a site key not bound to this origin)', async () => {
    for (const query of ['visitor=nobody&timeout=5000', `visitor=${demo.visitors.high}&siteKey=pk_other&timeout=5000`]) {
      const { banner, event, page } = await visit(query);
      expect({ query, banner, event }).toEqual({ query, banner: ['default'], event: { tier: 'default', source: 'default' } });
      await page.close();
    }
  });
});
