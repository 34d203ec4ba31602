/**
 * npm run report:screenshot -- [--dir model] [--out FILE.png]
 *
 * Opens DIR/report.html in headless Chromium and writes a full-page PNG (default
 * DIR/report.png, git-ignored): a look at the charts without a desktop browser.
 * Fails, naming the chart, when a chart did not render or the page logged an error.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { findChromium, launchChromium, openReport } from '../screenshots/browser.js';

class ScreenshotError extends Error {
  override name = 'ScreenshotError';
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { dir: { type: 'string' }, out: { type: 'string' } } });
  const dir = resolve(values.dir ?? 'model');
  const report = join(dir, 'report.html');
  if (!existsSync(report)) throw new UsageError(`${report} not found; train a model into ${dir} first (npm run train -- --out ${dir} …)`);
  const out = resolve(values.out ?? join(dir, 'report.png'));
  const executable = findChromium();
  if (executable === undefined) throw new ScreenshotError('no Chromium found at /usr/bin/chromium (apt-get install chromium) or CHROMIUM_PATH');

  const browser = await launchChromium(executable);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const check = await openReport(page, report);
    await page.screenshot({ path: out, fullPage: true });
    const broken = check.charts.filter((c) => !c.rendered).map((c) => `${c.id}${c.error ? ` (${c.error})` : ''}`);
    process.stdout.write(`wrote ${out}: ${check.charts.length} charts (${check.charts.map((c) => c.id).join(', ')})\n`);
    if (broken.length > 0 || check.consoleErrors.length > 0) {
      throw new ScreenshotError(`charts not rendered: ${broken.join(', ') || 'none'}; console errors: ${check.consoleErrors.join(' | ') || 'none'}`);
    }
  } finally {
    await browser.close();
  }
}

runCli('report:screenshot', main, [ScreenshotError]);
