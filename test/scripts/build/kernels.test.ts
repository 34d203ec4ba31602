import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNELS, buildKernel, root } from '../../../scripts/build/kernels.js';

describe('the committed WebAssembly kernels', () => {
  it.each(KERNELS.map((k) => [k.output, k] as const))('%s is exactly what `npm run build:kernels` makes from its source', (_, kernel) => {
    const dir = mkdtempSync(join(tmpdir(), 'ltv-kernels-'));
    try {
      const out = join(dir, 'kernel.wasm');
      buildKernel(kernel, out);
      expect(Buffer.compare(readFileSync(out), readFileSync(join(root, kernel.output)))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
