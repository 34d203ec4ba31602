/**
 * What denormal weights would cost the dense kernel without the flush at load
 * (src/inference/compiled/assembly/kernels.ts, pack_panels): one 128-row chunk of a
 * 500→100 layer whose weights are half denormal, packed by the kernel (flushed), then
 * the same panels with the denormals written back, timed by this process's CPU.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { instantiateKernels, panelFloats } from '../../../src/inference/compiled/kernels.js';
import { Rng } from '../../math/rng.js';
import { root } from '../workerd/workerd.js';

export interface DenormalResult {
  flushedUs: number;
  keptUs: number;
}

export function benchDenormals(ms: number): DenormalResult {
  const k = instantiateKernels(new WebAssembly.Module(readFileSync(join(root, 'src', 'inference', 'compiled', 'kernels.wasm'))));
  const [rows, inSize, outSize] = [128, 500, 100];
  let next = k.base;
  const at = (bytes: number) => {
    const start = next;
    next += Math.ceil(bytes / 16) * 16;
    return start;
  };
  const x = at(rows * inSize * 4);
  const src = at(inSize * outSize * 4);
  const w = at(panelFloats(inSize, outSize) * 4);
  const bias = at(128 * 4);
  const out = at(rows * outSize * 4);
  k.reserve(next);
  const f32 = new Float32Array(k.memory.buffer);
  const rng = new Rng(1);
  for (let i = 0; i < rows * inSize; i++) f32[(x >> 2) + i] = rng.next();
  const weights = Float32Array.from({ length: inSize * outSize }, () => (rng.next() < 0.5 ? (rng.next() - 0.5) * 1e-39 : rng.next() - 0.5));
  f32.set(weights, src >> 2);
  k.k.pack_panels(src, w, inSize, outSize);
  const time = () => {
    for (let i = 0; i < 3; i++) k.k.dense(x, w, bias, out, rows, inSize, outSize, 1);
    const start = process.cpuUsage();
    const end = performance.now() + ms;
    let calls = 0;
    do {
      k.k.dense(x, w, bias, out, rows, inSize, outSize, 1);
      calls++;
    } while (performance.now() < end);
    const cpu = process.cpuUsage(start);
    return (cpu.user + cpu.system) / calls;
  };
  const flushedUs = time();
  // The same panels with the denormals kept.
  const panels = f32.subarray(w >> 2, (w >> 2) + panelFloats(inSize, outSize));
  for (let p = 0; p < Math.ceil(outSize / 8); p++) {
    for (let i = 0; i < inSize; i++) for (let c = 0; c < 8 && p * 8 + c < outSize; c++) panels[(p * inSize + i) * 8 + c] = weights[i * outSize + p * 8 + c]!;
  }
  return { flushedUs, keptUs: time() };
}
