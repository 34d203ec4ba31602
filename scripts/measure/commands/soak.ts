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
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { Encoder } from '../../../src/spec/encode.js';
import { parseManifest } from '../../../src/spec/manifest.js';
import { UsageError, intListOption, intOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { generateCustomers } from '../../data/generate.js';
import { recordFromCells } from '../../releases/evaluate.js';
import { startLocalWorker } from '../soak/local-worker.js';
import { type SoakRequest, requestMix } from '../soak/traffic.js';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../../..');

class SoakFailed extends Error {
  override name = 'SoakFailed';
}

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { seconds: { type: 'string' }, concurrency: { type: 'string' } } });
  const seconds = intOption('seconds', values.seconds, 60, 1);
  const levels = intListOption('concurrency', values.concurrency, [1, 8, 32]);
  if (levels.some((c) => c < 1 || c > 256)) throw new UsageError('--concurrency levels must be between 1 and 256');

  // Records and their reference predictions, from onnxruntime-node on the shipped model.
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model/ltv.json'), 'utf8')));
  const encoder = new Encoder(manifest.spec);
  const table = generateCustomers({ rows: 500, seed: 2026 });
  const columns = new Map(table.header.map((name, i) => [name, i]));
  const records = table.rows.map((fields) => recordFromCells(manifest.spec, columns, fields));
  const rows = new Float32Array(records.length * encoder.width);
  records.forEach((record, i) => encoder.encodeInto(record, rows, i * encoder.width));
  const session = await ort.InferenceSession.create(readFileSync(join(root, 'model/ltv.onnx')));
  const out = await session.run({ [manifest.spec.io.input]: new ort.Tensor('float32', rows, [records.length, encoder.width]) });
  const expected = out[manifest.spec.io.outputs[0]!]!.data as Float32Array;
  await session.release();

  const token = randomBytes(16).toString('hex');
  const worker = await startLocalWorker(token, (message) => {
    if (!message.includes('"event":"request"')) process.stderr.write(`  [worker] ${message}\n`);
  });
  const mix = requestMix(token, records, manifest.spec, encoder.width);
  const totals = { sent: 0, errors: 0, unexpected: 0, serverErrors: 0, checked: 0, wrong: 0 };
  const byStatus = new Map<number, number>();
  const failures: string[] = [];
  try {
    console.log(`soak: ${seconds} s against ${worker.url} (model ${manifest.version}), concurrency ${levels.join(', ')}`);
    console.log('concurrency  requests     p50 ms    p90 ms    p99 ms    max ms');
    let n = 0;
    for (const concurrency of levels) {
      const until = performance.now() + (seconds * 1000) / levels.length;
      const latencies: number[] = [];
      const loop = async () => {
        while (performance.now() < until) {
          const i = n++;
          const request: SoakRequest = mix[i % mix.length]!(i);
          totals.sent += 1;
          const start = performance.now();
          try {
            const response = await fetch(new URL(request.path, worker.url), { ...request.init, signal: AbortSignal.timeout(10_000) });
            const body = await response.text();
            latencies.push(performance.now() - start);
            byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);
            if (response.status >= 500) totals.serverErrors += 1;
            const ok = request.expect === 200 ? response.status === 200 : response.status >= 400 && response.status < 500;
            if (!ok) {
              totals.unexpected += 1;
              if (failures.length < 10) failures.push(`${request.kind}: ${response.status} ${body.slice(0, 200)}`);
            } else if (request.record !== undefined && i % 10 < 2) {
              totals.checked += 1;
              const ltv = (JSON.parse(body) as { predictions: { ltv: number }[] }).predictions[0]!.ltv;
              const want = expected[request.record]!;
              if (!(Math.abs(ltv - want) <= 1e-6 + 1e-5 * Math.abs(want))) {
                totals.wrong += 1;
                if (failures.length < 10) failures.push(`${request.kind}: record ${request.record}: ${ltv}, onnxruntime-node ${want}`);
              }
            }
          } catch (error) {
            totals.errors += 1;
            if (failures.length < 10) failures.push(`${request.kind}: ${(error as Error).message}`);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, loop));
      latencies.sort((a, b) => a - b);
      const f = (q: number) => percentile(latencies, q).toFixed(1).padStart(9);
      console.log(`${String(concurrency).padStart(11)} ${String(latencies.length).padStart(9)} ${f(0.5)} ${f(0.9)} ${f(0.99)} ${f(1)}`);
    }
  } finally {
    await worker.dispose();
  }
  const statuses = [...byStatus].sort(([a], [b]) => a - b).map(([s, c]) => `${s}: ${c}`).join(', ');
  console.log(`requests sent: ${totals.sent}; answered: ${totals.sent - totals.errors}; errors (no answer): ${totals.errors}`);
  console.log(`responses by status: ${statuses}`);
  console.log(`5xx: ${totals.serverErrors}; unexpected status: ${totals.unexpected}; values checked against onnxruntime-node: ${totals.checked}, wrong: ${totals.wrong}`);
  for (const failure of failures) console.log(`  ${failure}`);
  if (totals.errors + totals.serverErrors + totals.unexpected + totals.wrong > 0) throw new SoakFailed('the worker did not answer every request correctly (see above)');
  console.log('soak passed');
}

runCli('soak', main, [SoakFailed]);
