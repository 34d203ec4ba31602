/**
 * npm start: the main job on the embedded default, end to end.
 *   1. generate data/customers.csv (seeded) if it is absent;
 *   2. train and export the model into model/ (deterministic: same data, same weights);
 *   3. serve the worker locally with `wrangler dev` on 127.0.0.1:8787 and a fresh dev token;
 *   4. score one customer through HTTP and print the answer and a curl line to reuse.
 * It keeps serving until Ctrl-C; `--once` stops after the sample score (for smoke tests).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateCustomers, toCsv } from '../data/generate.js';
import { trainModel } from '../train/train-model.js';
import { endProgress, epochReporter } from '../report/progress.js';
import { summaryTable } from '../report/summary.js';
import { DEFAULT_SEED } from '../math/rng.js';

const DATA = 'data/customers.csv';
const PORT = Number(process.env.PORT ?? 8787);
const once = process.argv.includes('--once');

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    mkdirSync(dirname(DATA), { recursive: true });
    writeFileSync(DATA, toCsv(generateCustomers({ rows: 5000, seed: DEFAULT_SEED })));
    process.stderr.write(`generated ${DATA} (5000 customers, seed ${DEFAULT_SEED})\n`);
  }
  const { manifest, report } = await trainModel(
    { prepare: { data: DATA, id: 'customer_id', unit: 'USD' }, fit: {}, out: 'model' },
    { onEpoch: epochReporter() },
  );
  endProgress();
  process.stdout.write(summaryTable(manifest, report, 'model'));

  const token = `dev-${randomBytes(12).toString('hex')}`;
  // The token as wrangler.toml's required secret (wrangler reads secrets from the environment), not a --var:
  // wrangler would otherwise warn that the secret is missing.
  const server = spawn('wrangler', ['dev', '--ip', '127.0.0.1', '--port', String(PORT)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, API_TOKEN: token, WRANGLER_SEND_METRICS: 'false' },
  });
  const stop = () => server.kill('SIGINT');
  process.on('SIGINT', stop);
  const base = `http://127.0.0.1:${PORT}`;
  await waitForReady(`${base}/v2/health/ready`, 120_000);

  // A repeat buyer from the generated table's vocabulary; unknown names are left out.
  const customer = { channel: 'referral', country: 'US', x_repeat_days: 3, t_x_weeks: 20, T_weeks: 30, total_spend: 250 };
  const sample = sampleCustomer(manifest.spec.features.map((f) => f.name), customer);
  const body = JSON.stringify({ customer: sample });
  const response = await fetch(`${base}/v1/score`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  process.stdout.write(`\nPOST /v1/score → ${response.status}\n${text}\n\n`);
  process.stdout.write(`try it:\ncurl -s ${base}/v1/score -H 'authorization: Bearer ${token}' -H 'content-type: application/json' -d '${body}'\n\n`);
  if (once || !response.ok) {
    stop();
    if (!response.ok) process.exitCode = 1;
  } else {
    process.stdout.write('serving on 127.0.0.1 — Ctrl-C to stop\n');
  }
}

/** Only features the model knows: the sample must score with whatever the spec holds. */
function sampleCustomer(names: string[], wanted: Record<string, number | string>): Record<string, number | string> {
  return Object.fromEntries(Object.entries(wanted).filter(([name]) => names.includes(name)));
}

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the worker was not ready at ${url} after ${timeoutMs / 1000} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(`start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
