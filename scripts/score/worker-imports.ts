/**
 * The worker's own imports, served in Node as wrangler and workerd serve them, so
 * that the batch scorer runs src/inference unchanged:
 *
 * - `import module from 'x.wasm'`: the default export is the compiled
 *   `WebAssembly.Module` (wrangler's default rule for *.wasm, "CompiledWasm"). The
 *   compiled engine imports its kernels that way (src/inference/choose.ts), and
 *   onnxruntime-web's module its .wasm (src/inference/ort/ort.ts); Node would
 *   instead load the file as a WebAssembly ES module and fail on its imports.
 * - `cloudflare:workers`: a module whose `env` has no bindings. src/inference/model.ts
 *   reads ENGINE from it only when its caller names no engine, and the scorer
 *   always names one (./engine.ts).
 *
 * `registerHooks` runs in this thread and only affects modules imported after the
 * call, so `useWorkerImports()` must run before src/inference is imported
 * (./engine.ts imports it dynamically for that reason). Idempotent.
 */
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

let registered = false;

const WORKERS_MODULE = 'cloudflare:workers';
const NO_BINDINGS_URL = 'ltv-edge:no-bindings';

export function useWorkerImports(): void {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === WORKERS_MODULE) return { url: NO_BINDINGS_URL, format: 'module', shortCircuit: true };
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      if (url === NO_BINDINGS_URL) return { format: 'module', shortCircuit: true, source: 'export const env = Object.freeze({});\n' };
      // By path: a loader may add a query (tsx's API does, to scope its namespace).
      const parsed = new URL(url);
      if (parsed.protocol !== 'file:' || !parsed.pathname.endsWith('.wasm')) return nextLoad(url, context);
      parsed.search = '';
      const path = JSON.stringify(fileURLToPath(parsed));
      return {
        format: 'module',
        shortCircuit: true,
        source: `import { readFileSync } from 'node:fs';\nexport default new WebAssembly.Module(readFileSync(${path}));\n`,
      };
    },
  });
}
