/**
 * The worker's own imports in Node tests, as scripts/score/worker-imports.ts serves
 * them to the batch scorer outside vitest (and as wrangler and workerd serve them):
 * a `*.wasm` import is the compiled WebAssembly.Module, and `cloudflare:workers` an
 * `env` with no bindings. vitest resolves and loads modules itself, before Node's
 * loader hooks, so it needs this plugin (test/scripts/vitest.config.ts).
 */
import type { Plugin } from 'vite';

const NO_BINDINGS = '\0cloudflare-workers-no-bindings';

export function workerImports(): Plugin {
  return {
    name: 'ltv-edge:worker-imports',
    enforce: 'pre',
    resolveId(id) {
      return id === 'cloudflare:workers' ? NO_BINDINGS : undefined;
    },
    load(id) {
      if (id === NO_BINDINGS) return 'export const env = Object.freeze({});\n';
      const path = id.split('?')[0]!;
      if (!path.endsWith('.wasm')) return undefined;
      return `import { readFileSync } from 'node:fs';\nexport default new WebAssembly.Module(readFileSync(${JSON.stringify(path)}));\n`;
    },
  };
}
