/**
 * npm run demo:screenshot -- [--out demo-high.png] [--visitor high|low|unknown]
 *
 * The demo marketing page, as a visitor of the given tier sees it, in headless
 * Chromium (/usr/bin/chromium or CHROMIUM_PATH) against local workerd: a PNG on
 * demand, never committed (*.png is ignored).
 */
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startDemoWorker } from '../screenshots/demo-worker.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'demo-high.png' }, visitor: { type: 'string', default: 'high' } } });
const demo = await startDemoWorker();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 480 } });
  const id = values.visitor === 'high' ? demo.visitors.high : values.visitor === 'low' ? demo.visitors.low : 'nobody';
  await page.goto(`${demo.origin}/?visitor=${id}&timeout=5000`);
  await page.waitForSelector('html[data-ltv-tier]', { state: 'attached' });
  await page.screenshot({ path: values.out });
  console.log(`wrote ${values.out} (tier: ${await page.locator('html').getAttribute('data-ltv-tier')})`);
} finally {
  await browser.close();
  await demo.stop();
}
