/**
 * npm run bench:denormals [-- --ms N] — the dense kernel on weights that are half
 * denormal, flushed at load (as the engine does) and kept (../inference/denormals.ts).
 */
import { parseArgs } from 'node:util';
import { intOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { benchDenormals } from '../inference/denormals.js';

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, strict: true, options: { ms: { type: 'string', default: '1000' } } });
  const { flushedUs, keptUs } = benchDenormals(intOption('ms', values.ms, 1000, 1));
  console.log(`dense kernel, 128 rows × [500 → 100], half the weights denormal: flushed at load ${flushedUs.toFixed(1)} µs, kept ${keptUs.toFixed(1)} µs (${(keptUs / flushedUs).toFixed(0)}×), CPU per call`);
}

runCli('bench:denormals', main);
