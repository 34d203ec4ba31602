/**
 * report.html in a real headless Chromium (the system's `chromium`, driven by
 * playwright-core): every chart renders, every series leaves pixels of its own colour
 * on its canvas, the page logs no error and requests nothing (it is self-contained).
 * One report comes from a real training run; a second is built from synthetic
 * purchase probabilities, so the ROC chart and purchase table are checked before a
 * model with a purchase head exists in this branch.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCustomers, toCsv } from '../../../scripts/data/generate.js';
import { evaluate } from '../../../scripts/evaluate/evaluate.js';
import { trainModel } from '../../../scripts/train/train-model.js';
import { type PageCheck, findChromium, launchChromium, openReport } from '../../../scripts/measure/screenshots/browser.js';
import { reportCharts } from '../../../scripts/report/charts.js';
import { reportHtml } from '../../../scripts/report/html.js';
import { Rng } from '../../../scripts/math/rng.js';

const chromiumPath = findChromium();
if (chromiumPath === undefined) {
  console.warn('report browser tests skipped: no Chromium at /usr/bin/chromium or CHROMIUM_PATH (Debian: apt-get install chromium)');
}

const dir = mkdtempSync(join(tmpdir(), 'ltv-report-'));

/** Every chart rendered without error and every series drew at least some pixels of its colour. */
function expectAllDrawn(check: PageCheck, ids: string[]): void {
  expect(check.charts.map((c) => c.id)).toEqual(ids);
  for (const chart of check.charts) {
    expect(chart.error, chart.id).toBeNull();
    expect(chart.rendered, chart.id).toBe(true);
    for (const [series, pixels] of Object.entries(chart.seriesPixels)) expect(pixels, `${chart.id}: ${series}`).toBeGreaterThan(10);
  }
  expect(check.consoleErrors).toEqual([]);
  expect(check.requests).toEqual([]);
}

describe.skipIf(chromiumPath === undefined)('report.html in headless Chromium', () => {
  let browser: Browser;
  const out = join(dir, 'model');

  beforeAll(async () => {
    const data = join(dir, 'customers.csv');
    writeFileSync(data, toCsv(generateCustomers({ rows: 1200, seed: 7 })));
    const [launched] = await Promise.all([
      launchChromium(chromiumPath!),
      trainModel({
        prepare: { data, id: 'customer_id', unit: 'USD' },
        fit: { hidden: [16, 8], epochs: 6, batchSize: 64 },
        evaluation: { pastSpend: 'total_spend', cv: 2, bootstrap: { replicates: 200 } },
        out,
      }),
    ]);
    browser = launched;
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('written by a training run: model card, baselines with verdicts, and all six charts drawn (the default ZILN head adds the ROC)', async () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing to fetch
    for (const text of ['Model card', 'Intended use', 'Caveats', 'past spend', 'beats ridge on Gini', '2-fold cross-validation']) expect(html).toContain(text);
    // The default model's members and calibration, and what each part scores on the test rows.
    for (const text of ['Members and calibration', '5 networks, each trained with its own seed', 'fitted on', 'one network (the first member), uncalibrated', 'the members averaged, uncalibrated', 'served: the exported graph']) {
      expect(html).toContain(text);
    }

    const page = await browser.newPage();
    expectAllDrawn(await openReport(page, join(out, 'report.html')), ['loss', 'deciles', 'gain', 'calibration', 'scatter', 'roc']);
    await page.close();

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(Object.keys(report.test)).toEqual(['model', 'mean', 'ridge', 'pastSpend']);
    expect(Object.keys(report.evaluation.baselines)).toEqual(['mean', 'ridge', 'pastSpend']);
    expect(report.crossValidation.k).toBe(2);
    expect(report.crossValidation.metrics.model.normalisedGini.folds).toHaveLength(2);
  });

  it('adds the ROC chart and the purchase table for a model with a purchase probability', async () => {
    const rng = new Rng(4);
    const rows = 800;
    const actual = new Float64Array(rows);
    const ltv = new Float64Array(rows);
    const pPurchase = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const latent = rng.normal();
      pPurchase[i] = 1 / (1 + Math.exp(-(latent + 0.4 * rng.normal())));
      actual[i] = rng.next() < 1 / (1 + Math.exp(-latent)) ? Math.exp(latent + 3) : 0;
      ltv[i] = pPurchase[i]! * Math.exp(latent + 3.1);
    }
    const baselines = { mean: new Float64Array(rows).fill(25) };
    const evaluation = evaluate(actual, { ltv, pPurchase }, baselines, { bootstrap: { replicates: 100 } });
    const history = [1, 2, 3].map((epoch) => ({ epoch, trainLoss: 2 / epoch, valLoss: 2.2 / epoch, lr: 1e-3 }));
    const file = join(dir, 'ziln-report.html');
    writeFileSync(file, reportHtml({
      card: {
        name: 'ltv', version: 'synthetic', createdAt: '2026-01-01T00:00:00Z', loss: 'ziln', hyperparameters: { hidden: [8] },
        data: { file: 'synthetic', rowsRead: rows, rowsKept: rows, trainRows: 0, testRows: rows, split: 'random' },
        target: { name: 'ltv', unit: 'USD' }, features: [{ name: 'latent', type: 'numeric' }], warnings: [],
      },
      evaluation,
      actual,
      charts: reportCharts({ history, actual, model: { ltv, pPurchase }, baselines, unit: 'USD' }),
    }));
    expect(readFileSync(file, 'utf8')).toContain('Purchase probability against “spent anything”');

    const page = await browser.newPage();
    expectAllDrawn(await openReport(page, file), ['loss', 'deciles', 'gain', 'calibration', 'scatter', 'roc']);
    await page.close();
  });
});
