/**
 * npm run measure:worker [-- --requests N] [--seconds S] — how fast the built worker
 * starts and answers in local workerd (../serving/worker-timing.ts): cold start, the
 * start-up CPU profile, warm latency of scoring and health, a batch of 1000.
 * --requests: per route in the warm phase (default 2000); --seconds: its limit (default 30).
 * Progress goes to stderr, results to stdout.
 */
import { parseArgs } from 'node:util';
import { intOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { measureWorker } from '../serving/worker-timing.js';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { requests: { type: 'string', default: '2000' }, seconds: { type: 'string', default: '30' } } });
  await measureWorker({ requests: intOption('requests', values.requests, 2000, 1), seconds: intOption('seconds', values.seconds, 30, 1) });
}

runCli('measure:worker', main);
