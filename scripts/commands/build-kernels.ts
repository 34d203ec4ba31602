/**
 * npm run build:kernels — compiles every AssemblyScript kernel source into its
 * committed .wasm (scripts/build/kernels.ts lists them).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli/run.js';
import { KERNELS, buildKernel, root } from '../build/kernels.js';

async function main(): Promise<void> {
  for (const kernel of KERNELS) {
    buildKernel(kernel);
    console.log(`${kernel.source} → ${kernel.output} (${statSync(join(root, kernel.output)).size} bytes)`);
  }
}

runCli('build:kernels', main);
