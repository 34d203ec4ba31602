import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../scripts/data/csv.js';
import {
  CHANNELS, COLUMNS, COUNTRIES, MISSING, TARGET, expectedLtv, generateCustomers, toCsv,
} from '../../../scripts/data/generate.js';
import { prepareData } from '../../../scripts/data/prepare.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-generate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Normalised Gini of `predicted` as a ranking of `actual` (1 = perfect, 0 = random). */
function normalisedGini(actual: readonly number[], predicted: readonly number[]): number {
  const gini = (score: readonly number[]) => {
    const order = actual.map((_, i) => i).sort((a, b) => score[b]! - score[a]! || a - b);
    const total = actual.reduce((s, v) => s + v, 0);
    let cumulative = 0;
    let area = 0;
    for (const i of order) {
      cumulative += actual[i]!;
      area += cumulative / total;
    }
    return area / actual.length - (actual.length + 1) / (2 * actual.length);
  };
  return gini(predicted) / gini(actual);
}

const table = generateCustomers();
const column = (name: string) => table.rows.map((row) => row[table.header.indexOf(name)]!);
const target = column(TARGET).map(Number);

describe('generateCustomers', () => {
  it('is deterministic by seed', () => {
    expect(toCsv(generateCustomers({ rows: 300, seed: 7 }))).toBe(toCsv(generateCustomers({ rows: 300, seed: 7 })));
    expect(toCsv(generateCustomers({ rows: 300, seed: 7 }))).not.toBe(toCsv(generateCustomers({ rows: 300, seed: 8 })));
    expect(toCsv(generateCustomers({ rows: 300 }))).toBe(toCsv(generateCustomers({ rows: 300, seed: 42 })));
  });

  it('has the documented shape: id first, two categorical features, the target last', () => {
    expect(table.header).toEqual([...COLUMNS]);
    expect(table.header[0]).toBe('customer_id');
    expect(table.header.at(-1)).toBe(TARGET);
    expect(table.rows).toHaveLength(5000);
    expect(table.expected).toHaveLength(5000);
    for (const row of table.rows) expect(row).toHaveLength(COLUMNS.length);
    expect(new Set(column('channel'))).toEqual(new Set([...CHANNELS.map((c) => c.name), '']));
    const countries = new Set(column('country'));
    expect(countries.size).toBeGreaterThan(21); // more than a top-20 vocabulary holds
    for (const country of countries) expect(country === '' || COUNTRIES.some((c) => c.name === country)).toBe(true);
  });

  it('writes some missing values with each documented token', () => {
    for (const { column: name, rate, token } of MISSING) {
      const share = column(name).filter((cell) => cell === token).length / table.rows.length;
      expect(share).toBeGreaterThan(rate / 3);
      expect(share).toBeLessThan(rate * 3);
    }
  });

  it('repeats a few rows exactly, id included', () => {
    const duplicates = table.duplicate.reduce((s, d) => s + d, 0);
    expect(duplicates).toBeGreaterThan(5);
    expect(duplicates).toBeLessThan(60);
    const seen = new Set<string>();
    table.rows.forEach((row, i) => {
      const key = row.join(',');
      expect(seen.has(key)).toBe(table.duplicate[i] === 1);
      seen.add(key);
    });
  });

  it('has a zero-inflated, heavy-tailed target as documented', () => {
    const zeros = target.filter((y) => y === 0).length / target.length;
    const sorted = [...target].sort((a, b) => a - b);
    const mean = target.reduce((s, y) => s + y, 0) / target.length;
    const p99 = sorted[Math.floor(0.99 * sorted.length)]!;
    expect(zeros).toBeGreaterThan(0.58);
    expect(zeros).toBeLessThan(0.72);
    expect(mean).toBeGreaterThan(25);
    expect(mean).toBeLessThan(45);
    expect(p99 / mean).toBeGreaterThan(7);
    expect(p99 / mean).toBeLessThan(16);
    expect(target.every((y) => y >= 0 && Number.isFinite(y))).toBe(true);
  });

  it('gives expected LTVs whose mean matches the drawn targets and that rank better than past spend', () => {
    const expected = Array.from(table.expected);
    const meanExpected = expected.reduce((s, v) => s + v, 0) / expected.length;
    const meanActual = target.reduce((s, y) => s + y, 0) / target.length;
    expect(Math.abs(meanExpected / meanActual - 1)).toBeLessThan(0.1);
    const bayes = normalisedGini(target, expected);
    const pastSpend = normalisedGini(target, column('total_spend').map((cell) => Number(cell) || 0));
    expect(bayes).toBeGreaterThan(0.55);
    expect(bayes).toBeLessThan(0.7);
    expect(bayes - pastSpend).toBeGreaterThan(0.08);
  });

  it('rejects an unknown channel in expectedLtv', () => {
    const drivers = { channel: 'fax', x_repeat_days: 0, T_weeks: 10, weeks_since_last: 10, log_mean_day_spend: 3 };
    expect(() => expectedLtv(drivers)).toThrow('unknown channel "fax"');
  });

  it('computes expectedLtv from the written features', () => {
    const i = table.rows.findIndex((row, r) => table.duplicate[r] === 0 && !row.includes(''));
    const value = (name: string) => Number(table.rows[i]![table.header.indexOf(name)]);
    expect(expectedLtv({
      channel: table.rows[i]![table.header.indexOf('channel')]!,
      x_repeat_days: value('x_repeat_days'),
      T_weeks: value('T_weeks'),
      weeks_since_last: value('weeks_since_last'),
      log_mean_day_spend: value('log_mean_day_spend'),
    })).toBe(table.expected[i]);
  });

  it('reads back through prepareData with categorical inference, counting its defects', () => {
    const path = join(dir, 'customers.csv');
    writeFileSync(path, toCsv(table));
    const prepared = prepareData({ data: path, id: 'customer_id' });
    expect(prepared.report.duplicateRows).toBe(table.duplicate.reduce((s, d) => s + d, 0));
    expect(prepared.report.duplicateIds).toBe(0);
    expect(prepared.spec.features.filter((f) => f.type === 'categorical').map((f) => f.name)).toEqual(['channel', 'country']);
    expect(prepared.report.categories.country!.otherRows).toBeGreaterThan(0);
    expect(prepared.report.missingByColumn.std_log_day_spend).toBeGreaterThan(0);
    expect(prepared.warnings).toEqual([]);
  });
});

describe('npm run generate-data', () => {
  it('writes the table to --out, creating directories', () => {
    const out = join(dir, 'nested', 'deeper', 'c.csv');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/commands/generate-data.ts', '--rows', '200', '--seed', '3', '--out', out], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*c\.csv: 200 rows × 19 columns \(seed 3; [\d.]+ % zero targets\)\n$/);
    expect(readFileSync(out, 'utf8')).toBe(toCsv(generateCustomers({ rows: 200, seed: 3 })));
    expect(parseCsv(readFileSync(out, 'utf8'))).toHaveLength(201);
  });

  it('rejects a bad option with exit code 2', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/commands/generate-data.ts', '--rows', 'many'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('generate-data: --rows: expected an integer ≥ 1, got "many"\n');
  });
});
