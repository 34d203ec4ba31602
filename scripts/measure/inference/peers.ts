/**
 * The peers of the inference benchmark. In workerd (./workerd.ts): the two engines
 * behind the worker's own seam (src/inference/), each call what the worker pays per
 * prediction. In this process, each timed by process.cpuUsage per call:
 *   onnxruntime-node   native ORT (MLAS kernels, AVX where the CPU has it), one intra-op
 *                      and one inter-op thread: the peer the targets are ratios against
 *   compiled in Node   the compiled engine in Node's V8, for context (same .wasm, another V8)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as native from 'onnxruntime-node';
import { CompiledEngine } from '../../../src/inference/compiled/engine.js';
import { root } from '../workerd/workerd.js';
import type { BenchModel } from './models.js';

export const PEERS = ['compiled', 'ort', 'native', 'compiledNode'] as const;
export type Peer = (typeof PEERS)[number];
/** The peers that run in workerd (./workerd.ts); the others run in this process. */
export type WorkerdPeer = 'compiled' | 'ort';
export type NodePeer = Exclude<Peer, WorkerdPeer>;

export const PEER_LABELS: Record<Peer, string> = {
  compiled: 'compiled, workerd',
  ort: 'ORT-web, workerd',
  native: 'onnxruntime-node',
  compiledNode: 'compiled, Node',
};

/** One peer of one model at one batch: a call that returns the first output. */
export type Call = () => Promise<Float32Array>;

export interface NodePeers {
  /** The call of `peer` at `batch` on `rows` ([batch, width]). */
  call(peer: NodePeer, rows: Float32Array, batch: number): Call;
}

let kernels: WebAssembly.Module | undefined;

export async function nodePeers(model: BenchModel): Promise<NodePeers> {
  const { input, outputs } = model.spec.io;
  const nativeSession = await native.InferenceSession.create(model.onnx, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  kernels ??= new WebAssembly.Module(readFileSync(join(root, 'src', 'inference', 'compiled', 'kernels.wasm')));
  const compiled = CompiledEngine.create(model.onnx, kernels);
  const first = outputs[0]!;
  return {
    call(peer, rows, batch) {
      switch (peer) {
        case 'native': {
          const feeds = { [input]: new native.Tensor('float32', rows, [batch, model.width]) };
          return async () => (await nativeSession.run(feeds, [first]))[first]!.data as Float32Array;
        }
        case 'compiledNode':
          return async () => (await compiled.run(rows, batch, [first]))[first]!;
      }
    },
  };
}

/**
 * CPU µs of one `call`: with `warmUp`, first calls for `ms` of wall time (at least
 * one), then calls for `ms` (at least one), this process's user + system CPU over the
 * count. The warm-up is as long as the measurement because V8 compiles hot WebAssembly
 * functions again, optimised, on background threads whose CPU this process counts.
 */
export async function usPerCall(call: Call, ms: number, warmUp = true): Promise<number> {
  const warm = performance.now() + ms;
  if (warmUp) do await call(); while (performance.now() < warm);
  let calls = 0;
  const start = process.cpuUsage();
  const end = performance.now() + ms;
  do {
    await call();
    calls++;
  } while (performance.now() < end);
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / calls;
}
