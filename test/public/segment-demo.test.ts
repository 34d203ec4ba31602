/**
 * The demo marketing page (public/index.html + public/ltv-segment.js) in a real
 * headless Chromium (the system's /usr/bin/chromium, driven by playwright-core)
 * against the worker on local workerd: the banner of each tier (the visitor token
 * from the worker's demo signer, as a site's back end would give it), the default on
 * time-out and on error, no LTV in anything the browser receives, and no request to
 * an `?endpoint=` of another origin.
 */
import { existsSync } from 'node:fs';
import { type Browser, type Page, type Request, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoWorker, startDemoWorker } from '../../scripts/measure/screenshots/demo-worker.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED the browser test of the demo page: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!hasChromium)('demo page in headless Chromium', () => {
  let demo: DemoWorker;
  let browser: Browser;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemoWorker(), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  /**
   * Opens the page; returns the banner shown, the tier attribute, the event's detail and every response body.
   * `prepare` may route the page's requests first (to hold one back, or to watch another origin).
   */
  async function visit(query: string, prepare: (page: Page) => Promise<void> = async () => {}): Promise<{ banner: string[]; tier: string | null; event: unknown; bodies: string[]; page: Page }> {
    const page = await browser.newPage();
    await prepare(page);
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
    // The worker's /v1/segment never answers: the request is held, neither continued nor fulfilled.
    const hold = (page: Page) => page.route('**/v1/segment', () => {});
    const { banner, event, page } = await visit(`visitor=${demo.visitors.high}&timeout=300`, hold);
    expect({ banner, event }).toEqual({ banner: ['default'], event: { tier: 'default', source: 'default' } });
    expect(Date.now() - started).toBeLessThan(8_000);
    await page.close();
  });

  it('sends nothing to an ?endpoint= of another origin, and asks its own instead', async () => {
    const elsewhere: Request[] = [];
    // Requests to the other origin are recorded and answered, so that a leak would show here rather than time out.
    const watch = (page: Page) =>
      page.route('https://collector.example/**', (route) => {
        elsewhere.push(route.request());
        return route.fulfill({ status: 200, contentType: 'application/json', body: '{"tier":"high"}', headers: { 'Access-Control-Allow-Origin': '*' } });
      });
    const endpoint = encodeURIComponent('https://collector.example/v1/segment');
    const { banner, event, page } = await visit(`visitor=${demo.visitors.low}&timeout=5000&endpoint=${endpoint}`, watch);
    expect(elsewhere.map((r) => r.url())).toEqual([]);
    expect({ banner, event }).toEqual({ banner: ['low'], event: { tier: 'low', source: 'api' } });
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
