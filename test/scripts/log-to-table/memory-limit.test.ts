/**
 * `npm run table-from-log` within a memory limit: DuckDB spills what does not fit
 * to the spill directory, and the table is the same bytes as with memory to spare.
 * The log here is small; the limit is set lower still, so that the joins and
 * aggregations cannot all stay in memory. (`npm run bench:scale` measures the
 * default limit on logs of 10 and 100 million lines.)
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FeatureOptionValues, featuresConfig, parseFeaturesArgs } from '../../../scripts/log-to-table/args.js';
import { buildFeatures } from '../../../scripts/log-to-table/build.js';
import { DEFAULT_MEMORY_LIMIT } from '../../../scripts/log-to-table/config.js';
import { generateLog } from '../../../scripts/log-to-table/log-generator.js';

const dir = mkdtempSync(join(tmpdir(), 'ltv-table-memory-'));
const GENERATED: FeatureOptionValues = {
  date: 'timestamp', quantity: 'quantity', 'unit-price': 'unit_price', order: 'order_id', product: 'product',
  attribute: ['country'], 'calibration-end': '2023-06-30', 'holdout-end': '2023-12-31',
};

async function writeLog(lines: number): Promise<string> {
  let text = '';
  await generateLog({ lines, seed: 9 }, (chunk) => { text += chunk; });
  const path = join(dir, `log-${lines}.csv`);
  writeFileSync(path, text);
  return path;
}

describe('table-from-log within a memory limit', () => {
  it('writes the same bytes with 16 GB and with 64 MB of DuckDB memory, spilling to the given directory and leaving it empty', async () => {
    const transactions = await writeLog(400_000);
    const roomy = join(dir, 'roomy.csv');
    const tight = join(dir, 'tight.csv');
    const spill = join(dir, 'spill');
    mkdirSync(spill);
    const a = await buildFeatures(featuresConfig({ ...GENERATED, transactions, out: roomy, 'memory-limit': '16GB' }));
    const b = await buildFeatures(featuresConfig({ ...GENERATED, transactions, out: tight, 'memory-limit': '64MB', 'spill-dir': spill }));
    expect(b).toEqual(a);
    expect(a.customers).toBeGreaterThan(10_000);
    // Buffer.equals: vitest's deep equality walks a buffer byte by byte.
    expect(readFileSync(tight).equals(readFileSync(roomy))).toBe(true);
    expect(readdirSync(spill)).toEqual([]);
  }, 120_000);

  it('takes --memory-limit and --spill-dir from the command line, and refuses a size it cannot read', () => {
    const base = ['--transactions', 'log.csv', '--out', 'table.csv', '--calibration-end', '2023-06-30'];
    expect(parseFeaturesArgs(base)).toMatchObject({ memoryLimit: DEFAULT_MEMORY_LIMIT, spillDir: undefined });
    expect(parseFeaturesArgs([...base, '--memory-limit', '3GiB', '--spill-dir', '/var/tmp/x'])).toMatchObject({ memoryLimit: '3GiB', spillDir: '/var/tmp/x' });
    expect(() => parseFeaturesArgs([...base, '--memory-limit', 'lots'])).toThrow('--memory-limit: expected a size such as 512MB or 2GiB, got "lots"');
  });
});
