/**
 * The project's WebAssembly kernels: each AssemblyScript source, the committed .wasm it
 * builds, and the flags. `npm run build:kernels` builds them all; a test rebuilds each
 * into a temporary file and checks that the bytes are the committed ones, so a source
 * and its .wasm cannot drift apart.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';

export const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');

export interface KernelBuild {
  /** AssemblyScript source, relative to the repository root. */
  source: string;
  /** The committed module, relative to the repository root. */
  output: string;
}

/**
 * Flags shared by every kernel: optimised for speed, no runtime (the host owns all
 * memory, imported, never exported), no assertions or abort import, relaxed SIMD for
 * fused multiply-add (on by default in V8 from 11.4: Node 22 and workerd).
 */
export const ASC_FLAGS = [
  '--optimizeLevel', '3', '--shrinkLevel', '0', '--noAssert', '--runtime', 'stub',
  '--importMemory', '--noExportMemory', '--enable', 'relaxed-simd', '--use', 'abort=',
] as const;

export const KERNELS: readonly KernelBuild[] = [
  // The trainer's forward and backward passes and Adam (scripts/mlp/kernels/wasm.ts).
  { source: 'scripts/mlp/kernels/assembly/simd.ts', output: 'scripts/mlp/kernels/simd.wasm' },
  // The compiled inference engine (src/inference/compiled/kernels.ts).
  { source: 'src/inference/compiled/assembly/kernels.ts', output: 'src/inference/compiled/kernels.wasm' },
];

/** Compiles `kernel` with asc into `out` (default: its committed place). */
export function buildKernel(kernel: KernelBuild, out = join(root, kernel.output)): void {
  const asc = join(root, 'node_modules', '.bin', 'asc');
  execFileSync(asc, [kernel.source, '-o', out, ...ASC_FLAGS], { cwd: root, stdio: 'pipe' });
}
