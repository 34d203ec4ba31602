/**
 * `import module from 'x.wasm'` in Node as wrangler bundles it for workerd: the
 * default export is the compiled `WebAssembly.Module` (wrangler's default rule for
 * *.wasm, "CompiledWasm"). The worker's inference code imports onnxruntime-web's
 * WebAssembly that way (src/inference/ort.ts); Node would instead load the file as
 * a WebAssembly ES module and fail on its imports. With this hook the batch scorer
 * runs that code unchanged, on the very same .wasm bytes.
 *
 * `registerHooks` runs in this thread and only affects modules imported after the
 * call, so `useCompiledWasmImports()` must run before src/inference is imported
 * (./engine.ts imports it dynamically for that reason). Idempotent.
 */
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

let registered = false;

export function useCompiledWasmImports(): void {
  if (registered) return;
  registered = true;
  registerHooks({
    load(url, context, nextLoad) {
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
