/** The compiled engine's kernels, compiled from the committed .wasm (in workerd, wrangler's *.wasm rule does this). */
import { readFileSync } from 'node:fs';

let compiled: WebAssembly.Module | undefined;

export function kernelsModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(new URL('../../../../src/inference/compiled/kernels.wasm', import.meta.url)));
  return compiled;
}
