/**
 * The peers of the inference benchmark; in workerd, ORT-web through LtvSession.run
 * (what the worker pays per call) and through ORT's bare session.run.
 *
 * The Node side of the inference benchmark: four ways to run one model's graph,
 * each timed by this process's CPU (process.cpuUsage) per call.
 *   onnxruntime-node   native ORT (MLAS kernels), one intra-op and one inter-op thread
 *   ORT-web in Node    onnxruntime-web's WebAssembly build (the .wasm the worker bundles), one thread, in Node's V8
 *   TS reference       the trainer's plain TypeScript forward pass (scripts/onnx/reference.ts:
 *                      impute, clip, scale, scripts/mlp/forward.ts's loops, the head)
 *   TS SIMD            the same, with the MLP on the trainer's WebAssembly SIMD kernels
 *                      (scripts/mlp/kernels/, through Backprop.forward)
 * The TypeScript peers run the weights read back out of the same .onnx file.
 */
import * as native from 'onnxruntime-node';
import * as web from 'onnxruntime-web';
import { type MlpForward, predictReferenceOutputs } from '../../onnx/reference.js';
import { Backprop } from '../../mlp/backprop.js';
import { createKernels } from '../../mlp/kernels/kernels.js';
import type { MlpParams } from '../../mlp/params.js';
import type { BenchModel } from './models.js';

export const PEERS = ['workerd', 'workerdRaw', 'nodeWeb', 'native', 'tsReference', 'tsSimd'] as const;
export type Peer = (typeof PEERS)[number];
/** The peers that run in workerd (./workerd.ts); the others run in this process. */
export type WorkerdPeer = 'workerd' | 'workerdRaw';
export type NodePeer = Exclude<Peer, WorkerdPeer>;

export const PEER_LABELS: Record<Peer, string> = {
  workerd: 'ORT-web in workerd',
  workerdRaw: 'ORT-web in workerd, bare run',
  nodeWeb: 'ORT-web in Node',
  native: 'onnxruntime-node',
  tsReference: 'TS reference',
  tsSimd: 'TS SIMD',
};

/** One peer of one model at one batch: a call that returns the first output. */
export type Call = () => Promise<Float32Array>;

export interface NodePeers {
  /** The call of `peer` at `batch` on `rows` ([batch, width]). */
  call(peer: NodePeer, rows: Float32Array, batch: number): Call;
}

/** The trainer's SIMD forward over a copy of `params` in the kernels' memory, for batches up to `capacity`. */
function simdForward(params: MlpParams, capacity: number): { params: MlpParams; forward: MlpForward } {
  const sizes = [params.layers[0]!.inSize, ...params.layers.map((l) => l.outSize)];
  const kernels = createKernels('simd', sizes, capacity);
  const owned: MlpParams = {
    layers: params.layers.map(({ inSize, outSize, weights, bias }) => {
      const w = kernels.floats(weights.length);
      const b = kernels.floats(bias.length);
      w.set(weights);
      b.set(bias);
      return { inSize, outSize, weights: w, bias: b };
    }),
  };
  const backprop = new Backprop(owned, capacity, kernels);
  return { params: owned, forward: (p, x, rows) => backprop.forward(p, x, rows) };
}

export async function nodePeers(model: BenchModel, capacity: number): Promise<NodePeers> {
  const { input, outputs } = model.spec.io;
  const nativeSession = await native.InferenceSession.create(model.onnx, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  web.env.wasm.numThreads = 1;
  const webSession = await web.InferenceSession.create(model.onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const simd = simdForward(model.params, capacity);
  const first = outputs[0]!;
  return {
    call(peer, rows, batch) {
      const dims = [batch, model.width];
      switch (peer) {
        case 'native': {
          const feeds = { [input]: new native.Tensor('float32', rows, dims) };
          return async () => (await nativeSession.run(feeds, outputs))[first]!.data as Float32Array;
        }
        case 'nodeWeb': {
          const feeds = { [input]: new web.Tensor('float32', rows, dims) };
          return async () => (await webSession.run(feeds, outputs))[first]!.data as Float32Array;
        }
        case 'tsReference':
          return async () => predictReferenceOutputs(model.spec, model.params, rows, batch)[first]!;
        case 'tsSimd':
          return async () => predictReferenceOutputs(model.spec, simd.params, rows, batch, simd.forward)[first]!;
      }
    },
  };
}

/**
 * CPU µs of one `call`: with `warmUp`, first calls for `ms` of wall time (at least
 * one), then calls for `ms` (at least one), this process's user + system CPU over the
 * count. The warm-up is as long as the measurement because V8 compiles hot WebAssembly
 * functions again, optimised, on background threads whose CPU this process counts:
 * with a 20-call warm-up, the first batch measured (batch 1) absorbed that compilation.
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
