/**
 * npm run bench:feature-store — scoring by customer id (Workers KV lookup included)
 * against scoring with the features in the body, for 1 and for 100 customers, in
 * the same run, on local workerd (scripts/measure/serving/feature-store.ts).
 * A measurement, not a test: it prints numbers and asserts nothing.
 *
 * Options: --rounds N (default 200), --rows N (customers generated, default 300).
 */
import { parseArgs } from 'node:util';
import { intOption } from '../../cli/args.js';
import { quantile } from '../../math/quantile.js';
import { measureFeatureStore } from '../serving/feature-store.js';

const { values } = parseArgs({ options: { rounds: { type: 'string' }, rows: { type: 'string' } } });
const rounds = intOption('rounds', values.rounds, 200, 1);
const rowCount = intOption('rows', values.rows, 300, 100);

const cases = await measureFeatureStore({ rounds, rowCount });

const q = (xs: number[], p: number) => quantile([...xs].sort((a, b) => a - b), p);
console.log(`POST /v1/score on local workerd, ${rounds} interleaved rounds (wall time per request over HTTP, ms; KV = Server-Timing "features")`);
console.log('customers  features        p50     p90     p99   KV p50');
for (const c of cases) {
  const kv = c.kv.length > 0 ? q(c.kv, 0.5).toFixed(2) : '-';
  console.log(`${String(c.n).padStart(9)}  ${(c.kind === 'byId' ? 'by id (KV)' : 'in body').padEnd(12)} ${q(c.ms, 0.5).toFixed(2).padStart(7)} ${q(c.ms, 0.9).toFixed(2).padStart(7)} ${q(c.ms, 0.99).toFixed(2).padStart(7)}  ${kv.padStart(7)}`);
}
