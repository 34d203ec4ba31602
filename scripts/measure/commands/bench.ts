/**
 * npm run bench [-- --smoke] [--parts build,cold,inference,http,memory,train]
 *
 * One run, peers side by side. Each part measures ours next to its peer in the
 * same run and prints the ratio with the target; absolute times are context.
 *   build      upload size, raw and gzip (`wrangler deploy --dry-run`, via npm run build)
 *   engines    both engines' builds: upload size and the model's share of start-up CPU
 *              (scripts/measure/workerd/builds.ts, startup-profile.ts)
 *   cold       first requests of fresh isolates, both engines and without the request-path
 *              warm-up (scripts/measure/commands/bench-first-request.ts)
 *   inference  the compiled engine and ORT-web in workerd vs onnxruntime-node per call, two
 *              models, batches 1–1000 (scripts/measure/commands/bench-inference.ts)
 *   http       autocannon against local workerd, health route as the floor; workerd CPU per
 *              warm request, route by route (scripts/measure/serving/request-cpu.ts)
 *   memory     JS heap, the engine's WebAssembly memory and RSS over 10,000 scoring requests,
 *              both engines (scripts/measure/serving/memory.ts)
 *   train      samples/s of the SIMD and reference kernels (npm run bench:train -- --json),
 *              and a full default training on CDNOW when ../shared/data is present
 * Writes bench/results/<timestamp>.json (git-ignored) and, unless --smoke, appends the
 * markdown to BENCHMARKS.md. --smoke runs every part for a second or two so CI keeps the
 * command working; its figures are not measurements.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { PARTS, type Part, type Section, build, cold, engines, http, inference, memory, train } from '../suite/parts.js';
import { writeBenchReport } from '../suite/report.js';
import { machine } from '../workerd/machine.js';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { smoke: { type: 'boolean', default: false }, parts: { type: 'string' } } });
  const parts = (values.parts?.split(',') ?? [...PARTS]) as Part[];
  for (const p of parts) if (!PARTS.includes(p)) throw new UsageError(`--parts: unknown part "${p}"; expected some of ${PARTS.join(', ')}`);
  const smoke = values.smoke ?? false;
  const before = machine();
  const sections: Section[] = [];
  // The build first: the cold-start and HTTP parts run the dist/ it writes.
  if (parts.includes('build') || parts.includes('http')) sections.push(build());
  if (parts.includes('engines')) sections.push(await engines(smoke));
  if (parts.includes('cold')) sections.push(cold(smoke));
  if (parts.includes('inference')) sections.push(inference(smoke));
  if (parts.includes('http')) sections.push(await http(smoke));
  if (parts.includes('memory')) sections.push(await memory(smoke));
  if (parts.includes('train')) sections.push(train(smoke));
  writeBenchReport(sections, before, smoke);
}

runCli('bench', main);
