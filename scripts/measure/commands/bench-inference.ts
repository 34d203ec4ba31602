/**
 * npm run bench:inference [-- --ms N] [--rounds N] [--smoke] [--json]
 *
 * Inference compute per call (part 1 of npm run bench; ../inference/harness.ts): ORT-web
 * inside workerd vs ORT-web in Node vs onnxruntime-node (native, one thread) vs the
 * trainer's TypeScript forward pass (reference loops and SIMD kernels), on the
 * default model and a generated 1000→500→100→1 one, batches 1, 10, 100, 1000.
 * Prints one markdown table per model; --json prints `{ markdown, result }` instead.
 *   --ms N       compute per measurement (default 300)
 *   --rounds N   rounds per cell (default 5)
 *   --models M   default, wide or both (default: default,wide)
 *   --smoke      --ms 10 --rounds 1, no warm-up: checks the command works; its figures are not measurements
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { benchInference, inferenceMarkdown } from '../inference/harness.js';

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isInteger(value)) throw new UsageError(`--${name} must be a positive integer, got ${text}`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ms: { type: 'string', default: '300' },
      rounds: { type: 'string', default: '5' },
      models: { type: 'string', default: 'default,wide' },
      smoke: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const smoke = values.smoke ?? false;
  const result = await benchInference({ ms: smoke ? 10 : positive('ms', values.ms!), rounds: smoke ? 1 : positive('rounds', values.rounds!), warmUp: !smoke, models: values.models!.split(',') });
  const markdown = inferenceMarkdown(result);
  console.log(values.json ? JSON.stringify({ markdown, result }) : markdown);
}

runCli('bench:inference', main);
