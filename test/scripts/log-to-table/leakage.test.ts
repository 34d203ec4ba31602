/**
 * No leakage from the future: changing, deleting or adding any transaction after
 * the calibration end (in new-customer mode: after each customer's own first N days)
 * changes no feature, only the target. Runs the real DuckDB build on a generated
 * log written to a temporary directory.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FeatureOptionValues, featuresConfig } from '../../../scripts/log-to-table/args.js';
import { buildFeatures } from '../../../scripts/log-to-table/build.js';
import { generateLog } from '../../../scripts/log-to-table/log-generator.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-features-leak-'));
const columns: FeatureOptionValues = { date: 'timestamp', quantity: 'quantity', 'unit-price': 'unit_price', order: 'order_id', product: 'product', attribute: ['country'] };

async function logLines(): Promise<string[]> {
  let text = '';
  await generateLog({ lines: 20_000, seed: 7 }, (chunk) => { text += chunk; });
  return text.trimEnd().split('\n');
}

/** Rewrites every data line that `isFuture` selects: deletes a third, triples the quantity of a third, and adds a copy of the rest a day later with another amount. */
function tamper(lines: string[], isFuture: (fields: string[]) => boolean): { text: string; changed: number } {
  const out = [lines[0]!];
  let changed = 0;
  lines.slice(1).forEach((line, i) => {
    const f = line.split(',');
    if (!isFuture(f)) { out.push(line); return; }
    changed++;
    if (i % 3 === 0) return;
    if (i % 3 === 1) { out.push([...f.slice(0, 4), String(Number(f[4]) * 3), ...f.slice(5)].join(',')); return; }
    out.push(line, [f[0], `X${f[1]}`, f[2], f[3], '2', '99.99', f[6]].join(','));
  });
  // And a brand-new customer who only buys in the future.
  out.push(['NEWCOMER', 'N1', '2023-12-30 10:00:00', 'P00001', '5', '10.00', 'US'].join(','));
  return { text: `${out.join('\n')}\n`, changed: changed + 1 };
}

async function build(name: string, text: string, options: FeatureOptionValues): Promise<{ header: string[]; rows: string[][] }> {
  const transactions = join(dir, `${name}.csv`);
  const out = join(dir, `${name}.features.csv`);
  writeFileSync(transactions, text);
  await buildFeatures(featuresConfig({ ...columns, ...options, transactions, out }));
  const [head, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
  return { header: head!.split(','), rows: rows.map((r) => r.split(',')) };
}

function expectSameFeaturesOtherTarget(before: { header: string[]; rows: string[][] }, after: { header: string[]; rows: string[][] }): void {
  expect(after.header).toEqual(before.header);
  expect(after.rows.length).toBe(before.rows.length);
  // Byte for byte: sums are exact and the rest is rounded to 12 digits (build.ts), so the
  // same calibration data gives the same text.
  const features = (rows: string[][]) => rows.map((r) => r.slice(0, -1).join(','));
  expect(features(after.rows)).toEqual(features(before.rows));
  // The tampering did reach the data: some targets moved.
  const targets = (rows: string[][]) => rows.map((r) => r[r.length - 1]);
  expect(targets(after.rows)).not.toEqual(targets(before.rows));
}

describe('features do not see the future', () => {
  it('calibration mode: tampering after --calibration-end changes only the target', async () => {
    const lines = await logLines();
    const options = { 'calibration-end': '2023-03-31', 'holdout-end': '2023-12-31' };
    const before = await build('cal-before', `${lines.join('\n')}\n`, options);
    const { text, changed } = tamper(lines, (f) => f[2]!.slice(0, 10) > '2023-03-31');
    expect(changed).toBeGreaterThan(1000);
    const after = await build('cal-after', text, options);
    expectSameFeaturesOtherTarget(before, after);
  }, 30_000);

  it('new-customer mode: tampering after each customer\'s first N days changes only the target', async () => {
    const lines = await logLines();
    const N = 30;
    // Each customer's first purchase day, as the SQL defines it (first line with a positive quantity).
    const first = new Map<string, number>();
    for (const line of lines.slice(1)) {
      const [customer, , stamp, , quantity] = line.split(',');
      const day = Date.parse(`${stamp!.slice(0, 10)}T00:00:00Z`) / 86_400_000;
      if (Number(quantity) > 0 && !(first.get(customer!)! <= day)) first.set(customer!, day);
    }
    const options = { 'first-purchase-days': String(N), 'horizon-days': '180' };
    const before = await build('new-before', `${lines.join('\n')}\n`, options);
    const { text, changed } = tamper(lines, (f) => {
      const day = Date.parse(`${f[2]!.slice(0, 10)}T00:00:00Z`) / 86_400_000;
      return day >= first.get(f[0]!)! + N;
    });
    expect(changed).toBeGreaterThan(1000);
    const after = await build('new-after', text, options);
    expectSameFeaturesOtherTarget(before, after);
  }, 30_000);
});
