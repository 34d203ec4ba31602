/**
 * npm run bench:request-cpu -- [--requests 400] [--rounds 5]
 *
 * workerd's CPU per warm request, route by route, beside the health route and an
 * empty worker (../serving/request-cpu.ts). Needs dist/ (`npm run build`).
 */
import { parseArgs } from 'node:util';
import { intOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { benchRequestCpu } from '../serving/request-cpu.js';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { requests: { type: 'string' }, rounds: { type: 'string' } } });
  const result = await benchRequestCpu({ requests: intOption('requests', values.requests, 400, 1), rounds: intOption('rounds', values.rounds, 5, 1) });
  console.log(result.markdown);
}

runCli('bench:request-cpu', main);
