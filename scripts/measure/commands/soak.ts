/**
 * npm run soak -- [--seconds 60] [--concurrency 1,8,32]
 *
 * A bounded soak of the built worker (dist/, `npm run build` first) in local workerd
 * through Miniflare's API: mixed valid and invalid traffic (scripts/measure/soak/traffic.ts)
 * over HTTP on 127.0.0.1, the time split evenly between the concurrency levels.
 * Prints requests sent, responses by status, errors and latency percentiles per
 * level; checks every answer's status and every tenth single score against
 * onnxruntime-node on model/ltv.onnx. Exit 1 if any request went unanswered, any
 * 5xx, any unexpected status or any wrong value.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { UsageError, intListOption, intOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { startLocalWorker } from '../soak/local-worker.js';
import { soakReference } from '../soak/reference.js';
import { newTally, percentile, runSoakLevel } from '../soak/run.js';
import { requestMix } from '../soak/traffic.js';

class SoakFailed extends Error {
  override name = 'SoakFailed';
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { seconds: { type: 'string' }, concurrency: { type: 'string' } } });
  const seconds = intOption('seconds', values.seconds, 60, 1);
  const levels = intListOption('concurrency', values.concurrency, [1, 8, 32]);
  if (levels.some((c) => c < 1 || c > 256)) throw new UsageError('--concurrency levels must be between 1 and 256');

  const { manifest, width, records, expected } = await soakReference();
  const token = randomBytes(16).toString('hex');
  const worker = await startLocalWorker(token, (message) => {
    if (!message.includes('"event":"request"')) process.stderr.write(`  [worker] ${message}\n`);
  });
  const mix = requestMix(token, records, manifest.spec, width);
  const tally = newTally();
  const counter = { n: 0 };
  try {
    console.log(`soak: ${seconds} s against ${worker.url} (model ${manifest.version}), concurrency ${levels.join(', ')}`);
    console.log('concurrency  requests     p50 ms    p90 ms    p99 ms    max ms');
    for (const concurrency of levels) {
      const until = performance.now() + (seconds * 1000) / levels.length;
      const latencies = await runSoakLevel({ url: worker.url, mix, expected, concurrency, until, counter }, tally);
      const f = (q: number) => percentile(latencies, q).toFixed(1).padStart(9);
      console.log(`${String(concurrency).padStart(11)} ${String(latencies.length).padStart(9)} ${f(0.5)} ${f(0.9)} ${f(0.99)} ${f(1)}`);
    }
  } finally {
    await worker.dispose();
  }
  const statuses = [...tally.byStatus].sort(([a], [b]) => a - b).map(([s, c]) => `${s}: ${c}`).join(', ');
  console.log(`requests sent: ${tally.sent}; answered: ${tally.sent - tally.errors}; errors (no answer): ${tally.errors}`);
  console.log(`responses by status: ${statuses}`);
  console.log(`5xx: ${tally.serverErrors}; unexpected status: ${tally.unexpected}; values checked against onnxruntime-node: ${tally.checked}, wrong: ${tally.wrong}`);
  for (const failure of tally.failures) console.log(`  ${failure}`);
  if (tally.errors + tally.serverErrors + tally.unexpected + tally.wrong > 0) throw new SoakFailed('the worker did not answer every request correctly (see above)');
  console.log('soak passed');
}

runCli('soak', main, [SoakFailed]);
