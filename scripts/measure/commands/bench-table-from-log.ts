/**
 * npm run bench:table-from-log -- [--lines 10000000] [--seed 42] [--only online-retail|generated]
 *
 * Time and peak memory of `npm run table-from-log` on the Online Retail log (from
 * LTV_DATA_DIR, default ../shared/data; skipped when absent) and on a generated log
 * of --lines lines (scripts/log-to-table/log-generator.ts; written once to the temp
 * directory and reused). Each build runs in its own process, so that its peak
 * resident memory (getrusage maxrss, DuckDB included) is its own. Prints one line
 * per log: wall seconds, CPU seconds, peak RSS, lines and customers.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError, intOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { featuresConfig, type FeatureOptionValues } from '../../log-to-table/args.js';
import { buildFeatures } from '../../log-to-table/build.js';
import { generateLog } from '../../log-to-table/log-generator.js';
import { sharedDataDir } from '../../data/shared-data.js';

interface Measurement {
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  lines: number;
  customers: number;
}

const ONLINE_RETAIL: FeatureOptionValues = {
  customer: 'CustomerID', date: 'InvoiceDate', quantity: 'Quantity', 'unit-price': 'UnitPrice',
  product: 'Description', attribute: ['Country'], 'calibration-end': '2011-08-31', 'holdout-end': '2011-12-09',
};
const GENERATED: FeatureOptionValues = {
  date: 'timestamp', quantity: 'quantity', 'unit-price': 'unit_price', order: 'order_id', product: 'product',
  attribute: ['country'], 'calibration-end': '2023-06-30', 'holdout-end': '2023-12-31',
};

/** In the child: one build, timed from the call to the written file (process start-up excluded). */
async function measureOnce(options: FeatureOptionValues): Promise<void> {
  const started = performance.now();
  const summary = await buildFeatures(featuresConfig(options));
  const seconds = (performance.now() - started) / 1000;
  const usage = process.resourceUsage();
  const measurement: Measurement = {
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    peakRssMiB: usage.maxRSS / 1024,
    lines: summary.lines,
    customers: summary.customers,
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

async function inChild(options: FeatureOptionValues): Promise<Measurement> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--child', JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the measured build failed (exit ${code})`);
  return JSON.parse(out.trim().split('\n').pop()!) as Measurement;
}

async function generatedLog(lines: number, seed: number): Promise<string> {
  const path = join(tmpdir(), `ltv-log-${lines}-${seed}.csv`);
  if (existsSync(path)) return path;
  process.stderr.write(`generating ${lines.toLocaleString('en')} lines into ${path} …\n`);
  const partial = `${path}.partial`;
  const file = createWriteStream(partial);
  await generateLog({ lines, seed }, async (chunk) => {
    if (!file.write(chunk)) await once(file, 'drain');
  });
  file.end();
  await once(file, 'close');
  renameSync(partial, path);
  return path;
}

function report(name: string, m: Measurement): void {
  process.stdout.write(
    `${name.padEnd(28)} ${m.lines.toLocaleString('en').padStart(11)} lines  ${m.customers.toLocaleString('en').padStart(9)} customers  ` +
      `${m.seconds.toFixed(1).padStart(6)} s wall  ${m.cpuSeconds.toFixed(1).padStart(6)} s CPU  ${m.peakRssMiB.toFixed(0).padStart(6)} MiB peak RSS\n`,
  );
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { lines: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' }, child: { type: 'string' } } });
  if (values.child !== undefined) return measureOnce(JSON.parse(values.child) as FeatureOptionValues);
  const only = values.only;
  if (only !== undefined && only !== 'online-retail' && only !== 'generated') throw new UsageError(`--only: expected online-retail or generated, got "${only}"`);
  const lines = intOption('lines', values.lines, 10_000_000, 1);
  const seed = intOption('seed', values.seed, 42, 0);
  const out = join(tmpdir(), `ltv-bench-features-${process.pid}.csv`);

  if (only !== 'generated') {
    const dataDir = sharedDataDir();
    const log = join(dataDir, 'online-retail/online_retail.csv.gz');
    if (existsSync(log)) report('Online Retail (csv.gz)', await inChild({ ...ONLINE_RETAIL, transactions: log, out }));
    else process.stderr.write(`skipped Online Retail: ${log} not found (set LTV_DATA_DIR)\n`);
  }
  if (only !== 'online-retail') {
    const log = await generatedLog(lines, seed);
    report(`generated (seed ${seed}, csv)`, await inChild({ ...GENERATED, transactions: log, out }));
  }
  rmSync(out, { force: true });
}

runCli('bench:table-from-log', main);
