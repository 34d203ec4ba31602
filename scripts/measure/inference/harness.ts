/**
 * Part 1 of npm run bench: inference compute for the default model and a 1000→500→100→1
 * model at batches 1, 10, 100 and 1000, four peers on the same .onnx file and the
 * same rows: both engines inside workerd, through the worker's engine seam
 * (./workerd.ts), onnxruntime-node and the compiled engine in Node (./peers.ts). Every
 * figure is CPU time per call; rounds alternate the peers so that a change in the
 * machine's load hits all of them. Before timing, every peer's output is compared
 * with onnxruntime-node's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchModel, defaultModel, wideModel } from './models.js';
import { type NodePeer, PEERS, PEER_LABELS, type Peer, type WorkerdPeer, nodePeers, usPerCall } from './peers.js';
import { BATCHES, benchRows } from './rows.js';
import { WorkerdInference, bundleBenchWorker } from './workerd.js';
import { markdownTable, median, ratioAtLeast, ratioAtMost, spread, verdict } from '../stats.js';

export interface InferenceOptions {
  /** Compute per measurement, in ms (a round of one peer at one batch). */
  ms: number;
  rounds: number;
  batches?: readonly number[];
  /** Which models (default: both, `default` and `wide`). */
  models?: readonly string[];
  /** Warm each Node peer up before its first round (default true; --smoke skips it to stay short). */
  warmUp?: boolean;
  /** Progress lines (stderr by default). */
  log?: (line: string) => void;
}

export interface BatchResult {
  batch: number;
  /** CPU µs per call, one value per round. */
  us: Record<Peer, number[]>;
}

export interface ModelResult {
  name: string;
  title: string;
  width: number;
  /** Batch of the agreement check, and each peer's max |output − onnxruntime-node's| over max |onnxruntime-node's| there. */
  agreementBatch: number;
  agreement: Record<Peer, number>;
  batches: BatchResult[];
}

export interface InferenceResult {
  ms: number;
  rounds: number;
  load: { before: string; after: string };
  models: ModelResult[];
}

const AGREEMENT_BATCH = 10;

function inWorkerd(peer: Peer): peer is WorkerdPeer {
  return peer === 'compiled' || peer === 'ort';
}

function load(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

async function benchModel(model: BenchModel, workerd: WorkerdInference, options: InferenceOptions, batches: readonly number[]): Promise<ModelResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const peers = await nodePeers(model);

  const sample = benchRows(AGREEMENT_BATCH, model.width);
  const reference = await peers.call('native', sample, AGREEMENT_BATCH)();
  const scale = Math.max(...reference.map(Math.abs), Number.MIN_VALUE);
  const agreement = {} as Record<Peer, number>;
  for (const peer of PEERS) {
    const out = inWorkerd(peer) ? await workerd.predict(model.name, AGREEMENT_BATCH, peer) : await peers.call(peer, sample, AGREEMENT_BATCH)();
    if (out.length !== reference.length) throw new Error(`${model.name}: ${PEER_LABELS[peer]} returned ${out.length} values for ${AGREEMENT_BATCH} rows`);
    agreement[peer] = Math.max(...out.map((v, i) => Math.abs(v - reference[i]!))) / scale;
  }

  const results: BatchResult[] = [];
  for (const batch of batches) {
    const rows = benchRows(batch, model.width);
    const calls = Object.fromEntries(PEERS.filter((p): p is NodePeer => !inWorkerd(p)).map((p) => [p, peers.call(p, rows, batch)]));
    const us = Object.fromEntries(PEERS.map((p) => [p, [] as number[]])) as Record<Peer, number[]>;
    // Only the first round warms up: later rounds follow calls of the same shape.
    for (let round = 0; round < options.rounds; round++) {
      for (const peer of PEERS) {
        us[peer].push(
          inWorkerd(peer)
            ? await workerd.usPerCall(model.name, batch, options.ms, peer)
            : await usPerCall(calls[peer]!, options.ms, round === 0 && options.warmUp !== false),
        );
      }
    }
    log(`  ${model.name} batch ${batch}: ${PEERS.map((p) => `${p} ${median(us[p]).toFixed(1)} µs`).join(', ')}`);
    results.push({ batch, us });
  }
  return { name: model.name, title: model.title, width: model.width, agreementBatch: AGREEMENT_BATCH, agreement, batches: results };
}

/** Runs the whole comparison; the wide model and the bench worker's bundle live in a temporary directory, removed at the end. */
export async function benchInference(options: InferenceOptions): Promise<InferenceResult> {
  const batches = options.batches ?? BATCHES;
  const before = load();
  const dir = mkdtempSync(join(tmpdir(), 'ltv-bench-inference-'));
  try {
    const wanted = options.models ?? ['default', 'wide'];
    const unknown = wanted.filter((name) => name !== 'default' && name !== 'wide');
    if (unknown.length > 0) throw new Error(`unknown model ${unknown.join(', ')}: expected default and/or wide`);
    const models = [...(wanted.includes('default') ? [defaultModel()] : []), ...(wanted.includes('wide') ? [wideModel(dir)] : [])];
    const bundle = join(dir, 'worker');
    bundleBenchWorker(bundle);
    const workerd = await WorkerdInference.start(bundle, models);
    try {
      const results: ModelResult[] = [];
      for (const model of models) results.push(await benchModel(model, workerd, options, batches));
      return { ms: options.ms, rounds: options.rounds, load: { before, after: load() }, models: results };
    } finally {
      await workerd.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function perSecond(batch: number, us: number): string {
  const rows = (batch * 1e6) / us;
  return rows >= 1e6 ? `${(rows / 1e6).toFixed(2)} M` : rows >= 1e3 ? `${(rows / 1e3).toFixed(1)} k` : rows.toFixed(0);
}

/** The compiled engine's target at this batch: batch 1 CPU ≤ 0.5× native, batch 1000 throughput ≥ 0.5× native. */
function target(batch: number, compiled: number, native: number): string {
  if (batch === 1) return verdict(ratioAtMost(compiled, native, 0.5));
  if (batch === 1000) return `throughput ${verdict(ratioAtLeast(native, compiled, 0.5))}`;
  return `${(compiled / native).toFixed(2)}× (no target)`;
}

export function inferenceMarkdown(result: InferenceResult): string {
  const sections = result.models.map((model) => {
    const header = [
      'batch',
      ...PEERS.map((p) => `${PEER_LABELS[p]} µs`),
      ...PEERS.map((p) => `${PEER_LABELS[p]} rows/s`),
      'compiled ÷ onnxruntime-node (target)',
      'ORT-web ÷ onnxruntime-node',
      'compiled ÷ ORT-web',
    ];
    const rows = model.batches.map(({ batch, us }) => {
      const m = Object.fromEntries(PEERS.map((p) => [p, median(us[p])])) as Record<Peer, number>;
      return [
        String(batch),
        ...PEERS.map((p) => spread(us[p], 1)),
        ...PEERS.map((p) => perSecond(batch, m[p])),
        target(batch, m.compiled, m.native),
        `${(m.ort / m.native).toFixed(2)}×`,
        `${(m.compiled / m.ort).toFixed(2)}×`,
      ];
    });
    const agreement = PEERS.filter((p) => p !== 'native').map((p) => `${PEER_LABELS[p]} ${model.agreement[p].toExponential(1)}`).join(', ');
    return [
      `**${model.title}** (${model.width} input columns)`,
      '',
      markdownTable(header, rows),
      '',
      `Outputs at batch ${model.agreementBatch}, max |difference from onnxruntime-node| ÷ max |onnxruntime-node|: ${agreement}.`,
    ].join('\n');
  });
  return [
    `CPU µs per call, median [min–max] of ${result.rounds} round${result.rounds === 1 ? '' : 's'} of ~${result.ms} ms of compute per peer; rows/s = rows per CPU second at the median. Load average ${result.load.before} before, ${result.load.after} after.`,
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n').trim();
}
