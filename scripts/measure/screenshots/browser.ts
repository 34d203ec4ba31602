/**
 * Opens report.html in a real headless Chromium (the system's, never a download:
 * playwright-core only drives it) and says what happened: which charts rendered,
 * whether every series left pixels of its colour on its canvas, console errors, and
 * any request the page tried beyond its own file. Used by the browser test and by
 * `npm run report:screenshot`.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser; CHROMIUM_PATH overrides. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
}

export interface ChartCheck {
  id: string;
  rendered: boolean;
  error: string | null;
  /** Per series label: pixels of the series' colour on the chart's canvas. */
  seriesPixels: Record<string, number>;
}

export interface PageCheck {
  charts: ChartCheck[];
  consoleErrors: string[];
  /** URLs the page requested other than the report file itself. */
  requests: string[];
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}

/**
 * Loads the report into `page` and inspects it. Listeners are attached before
 * navigation so that nothing the page does at load time is missed.
 */
export async function openReport(page: Page, file: string): Promise<PageCheck> {
  const url = pathToFileURL(file).href;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  page.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  const charts = (await page.evaluate(INSPECT_CHARTS)) as ChartCheck[];
  return { charts, consoleErrors, requests };
}

/**
 * Runs in the page, kept as plain JavaScript source: a TypeScript function would be
 * transformed by tsx/esbuild (which adds helpers such as __name that the page lacks).
 * For each chart, counts the canvas pixels within a small distance of each series
 * colour (anti-aliased edges blend, the core of a 2-px line does not). Series colours
 * come from the page's own chart data, so the check follows the charts.
 */
const INSPECT_CHARTS = `(() => {
  const specs = JSON.parse(document.getElementById('chart-data').textContent);
  return specs.map((spec) => {
    const el = document.querySelector('[data-chart="' + spec.id + '"]');
    const canvas = el && el.querySelector('canvas');
    const seriesPixels = {};
    if (canvas) {
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (const series of spec.series) {
        const r = parseInt(series.color.slice(1, 3), 16);
        const g = parseInt(series.color.slice(3, 5), 16);
        const b = parseInt(series.color.slice(5, 7), 16);
        let count = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30) count++;
        }
        seriesPixels[series.label] = count;
      }
    }
    return { id: spec.id, rendered: !!el && el.getAttribute('data-rendered') === 'true', error: el ? el.getAttribute('data-error') : 'no element', seriesPixels };
  });
})()`;
