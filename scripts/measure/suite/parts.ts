/**
 * The parts of `npm run bench`, each a section of the report: it runs one measurement
 * next to its peer from the same run and returns the markdown with the ratio to its
 * target; absolute times are context.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../../data/shared-data.js';
import { benchHttp } from '../serving/http.js';
import { benchMemory } from '../serving/memory.js';
import { benchRequestCpu } from '../serving/request-cpu.js';
import { markdownTable, median, ratioAtLeast, verdict } from '../stats.js';
import { COMPILED, ORT, buildVariant, mib } from '../workerd/builds.js';
import { MODEL, profileStartup } from '../workerd/startup-profile.js';
import { root } from '../workerd/workerd.js';

export const PARTS = ['build', 'engines', 'cold', 'inference', 'http', 'memory', 'train'] as const;
export type Part = (typeof PARTS)[number];

export interface Section {
  title: string;
  command: string;
  markdown: string;
  data?: unknown;
}

/** Runs a project script on this Node (the project's Node 22) and returns its stdout; stderr is passed through. */
function tsx(script: string, args: string[]): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${run.status}); its messages are above`);
  return run.stdout;
}

function fenced(text: string): string {
  return ['```', text.trim(), '```'].join('\n');
}

export function build(): Section {
  return { title: '5. Upload size', command: 'npm run build', markdown: fenced(tsx('scripts/commands/build.ts', [])) };
}

/** Both engines' builds: what each uploads, and what each spends on the model at start-up. */
export async function engines(smoke: boolean): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'ltv-bench-engines-'));
  try {
    const builds = [COMPILED, ORT].map((v, i) => buildVariant(v, join(dir, String(i))));
    const profiles = smoke ? 1 : 5;
    const rows: string[][] = [];
    const data: Record<string, unknown> = {};
    for (const build of builds) {
      const totals: number[] = [];
      const model: number[] = [];
      for (let i = 0; i < profiles; i++) {
        const groups = new Map(await profileStartup(build.dir, build.variant.bindings ?? {}, () => {}));
        totals.push(groups.get('total (excluding idle)') ?? Number.NaN);
        model.push(groups.get(MODEL) ?? 0);
      }
      const gzipTarget = build.variant.ort ? '' : ` (target ≤ 1 MiB: ${build.upload.gzip <= 1024 * 1024 ? 'pass' : '**fail**'})`;
      rows.push([build.variant.label, mib(build.upload.bytes), `${mib(build.upload.gzip)}${gzipTarget}`, build.modules.map((m) => `${m.name.replace(/^[0-9a-f]{40}-/, '')} ${mib(m.gzip)}`).join(', '), median(totals).toFixed(1), median(model).toFixed(1)]);
      data[build.variant.label] = { upload: build.upload, modules: build.modules, startupMs: totals, modelLoadMs: model };
    }
    const markdown = [
      markdownTable(['build', 'upload', 'upload gzip', 'modules (gzip)', 'start-up CPU ms (V8 profile)', 'of which the model load ms'], rows),
      '',
      `Each build is \`wrangler deploy --dry-run\` of wrangler.toml (ORT: with \`--define BUNDLE_ORT:true\`, served with ENGINE=ort). Start-up: median of ${profiles} V8 CPU profiles of the module's evaluation in local workerd ` +
        '(scripts/measure/workerd/startup-profile.ts, as `wrangler check startup` takes it; the sampling profiler inflates call-heavy code, so compare the builds, not the absolute figure with Cloudflare\'s limit). ' +
        'The model load is every sample under src/inference or onnxruntime-web, WebAssembly included: reading and planning ltv.onnx and the readiness run for the compiled engine; ORT\'s initialisation, session and its WARM_UP_RUNS graph runs for ORT.',
    ].join('\n');
    return { title: '0. The two engines\' builds: upload size and start-up CPU', command: 'npm run bench -- --parts engines', markdown, data };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function cold(smoke: boolean): Section {
  const args = ['--runs', smoke ? '1' : '5'];
  return {
    title: '3. Cold start: CPU of the first requests of a fresh isolate',
    command: `npm run bench:first-request -- ${args.join(' ')}`,
    markdown:
      fenced(tsx('scripts/measure/commands/bench-first-request.ts', args)) +
      '\n\nTarget: the first POST /v1/score ≤ 1.3× a warm one (workerd process CPU, all threads), with no model runs at start-up beyond a readiness check. ' +
      'The empty worker\'s row is what workerd and Miniflare\'s entry worker cost on a first request by themselves.',
  };
}

export function inference(smoke: boolean): Section {
  const args = smoke ? ['--smoke'] : ['--ms', '300', '--rounds', '5'];
  const { markdown, result } = JSON.parse(tsx('scripts/measure/commands/bench-inference.ts', ['--json', ...args])) as { markdown: string; result: unknown };
  return {
    title: '1. Inference compute: the compiled engine and onnxruntime-web inside workerd vs onnxruntime-node',
    command: `npm run bench:inference -- ${args.join(' ')}`,
    markdown:
      markdown +
      '\n\nAll figures are CPU time per call on the same .onnx file and the same rows. In workerd: a bench-only worker ' +
      '(scripts/measure/inference/worker/) making both engines through src/inference/choose.ts and calling Engine.run, what the worker pays per prediction; ' +
      'per call = (workerd process CPU of a request with K runs − the same request with 0 runs) / K, since workerd\'s clocks stand still during compute. ' +
      'onnxruntime-node: native, one intra-op thread. Compiled, Node: the same engine and .wasm in Node\'s V8. ' +
      'The wide model is generated at bench time (trainer\'s init and exporter, seed 42, untrained, MSE head).',
    data: result,
  };
}

export async function http(smoke: boolean): Promise<Section> {
  const result = await benchHttp({ seconds: smoke ? 1 : 5, connections: smoke ? [1] : [1, 4, 16] });
  // The tail latency under concurrency follows the CPU each request costs the isolate's one thread.
  const cpu = await benchRequestCpu(smoke ? { requests: 20, rounds: 1 } : { requests: 400, rounds: 5 });
  return {
    title: '2. HTTP against local workerd',
    command: 'npm run bench -- --parts http',
    markdown: `${result.markdown}

${fenced(cpu.markdown)}`,
    data: { ...result, cpuUsPerRequest: Object.fromEntries(cpu.usPerRequest) },
  };
}

export async function memory(smoke: boolean): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'ltv-bench-memory-'));
  try {
    const sizes = smoke ? { chunks: 2, chunkRequests: 100 } : { chunks: 10, chunkRequests: 1000 };
    const results = [];
    for (const [i, variant] of [COMPILED, ORT].entries()) {
      const build = buildVariant(variant, join(dir, String(i)));
      results.push(await benchMemory({ ...sizes, build: { dir: build.dir, bindings: variant.bindings ?? {}, label: variant.label } }));
    }
    return {
      title: '4. Memory: JS heap, the engine\'s WebAssembly memory, workerd RSS over 10,000 scoring requests, both engines',
      command: 'npm run bench -- --parts memory',
      markdown: results.map((r) => r.markdown).join('\n\n'),
      data: results,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface TrainRow { kernels: string; batch: number; samplesPerCpuSecond: number; samplesPerSecond: number }

export function train(smoke: boolean): Section {
  const doc = JSON.parse(tsx('scripts/measure/commands/bench-train.ts', ['--json', '--seconds', smoke ? '1' : '8'])) as { rows: TrainRow[] };
  // PyTorch cannot be installed here (PyPI is refused): its figures were measured elsewhere on this kind of machine (1 thread).
  const pytorch: Record<number, number> = { 32: 42_000, 256: 113_000 };
  const rows = doc.rows.map((r) => {
    const peer = pytorch[r.batch];
    const ref = doc.rows.find((x) => x.kernels === 'reference' && x.batch === r.batch);
    return [
      r.kernels, String(r.batch), r.samplesPerCpuSecond.toFixed(0), r.samplesPerSecond.toFixed(0),
      ref && r.kernels !== 'reference' ? `${(r.samplesPerCpuSecond / ref.samplesPerCpuSecond).toFixed(1)}×` : '',
      peer && r.kernels === 'simd' ? verdict(ratioAtLeast(r.samplesPerCpuSecond, peer, 0.5)) : '',
    ];
  });
  let markdown = markdownTable(['kernels', 'batch', 'samples / CPU s', 'samples / s', '÷ reference (same run)', '÷ PyTorch 1 thread (figure measured elsewhere, not here)'], rows);
  const data = join(sharedDataDir(), 'features');
  if (!smoke && existsSync(join(data, 'cdnow_39w.csv'))) {
    const started = performance.now();
    const out = tsx('scripts/commands/train.ts', ['--data', join(data, 'cdnow_39w.csv'), '--split', join(data, 'cdnow_39w.split.csv'), '--unit', 'USD', '--out', join(root, 'tmp', 'bench-cdnow')]);
    const line = out.split('\n').find((l) => l.startsWith('training:')) ?? '';
    markdown += `\n\nFull default training on cdnow_39w.csv: ${((performance.now() - started) / 1000).toFixed(1)} s wall for the whole command; ${line}`;
  }
  return { title: '6. Training throughput (generated 100,000 × 40, 500→100)', command: `npm run bench:train -- --json --seconds ${smoke ? 1 : 8}`, markdown, data: doc };
}
