/**
 * The loader hook: how onnxruntime-web gets its WebAssembly in workerd.
 *
 * workerd refuses to compile WebAssembly at run time: `WebAssembly.instantiate(bytes)`
 * and `new WebAssembly.Module(bytes)` throw "Wasm code generation disallowed by
 * embedder". Only modules compiled ahead of time may be instantiated, and wrangler
 * provides exactly that: `import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm'`
 * is bundled by its default *.wasm rule as a `WebAssembly.Module`. ORT 1.30 has no
 * option that accepts a Module, so its one `WebAssembly.instantiate` call is steered
 * onto ours. The path through ORT 1.30.0 (pinned exactly, in package.json), as read
 * in dist/ort.wasm.mjs and dist/ort-wasm-simd-threaded.mjs:
 *
 * 1. The first `InferenceSession.create` initialises the backend once per isolate
 *    (`initializeWebAssembly`). With `env.wasm.wasmBinary` set and
 *    `env.wasm.numThreads === 1`, `importWasmModule` picks the emscripten factory
 *    embedded in `onnxruntime-web/wasm` (dist/ort.wasm.bundle.min.mjs), so nothing
 *    is fetched or dynamically imported, which workerd could not do either
 *    (`import.meta.url` is undefined there).
 * 2. ORT calls that factory with a config object it builds itself:
 *    `{ numThreads, wasmBinary, locateFile }`. Emscripten's own escape hatch,
 *    `Module.instantiateWasm`, is therefore out of reach.
 * 3. Emscripten copies `wasmBinary` (`new Uint8Array(wasmBinary)`) and calls the
 *    global `WebAssembly.instantiate(bytes, imports)`, expecting `{ instance, module }`.
 *
 * So `wasmBinary` is set to PLACEHOLDER, the 8-byte header of an empty module, and
 * for the duration of that first `create` only, `WebAssembly.instantiate` is
 * replaced by a function that recognises the placeholder and instantiates the
 * precompiled module with emscripten's imports instead (instantiating a Module is
 * allowed). Any other call passes through untouched, and the original is restored
 * in `finally`. The imports include the glue's shared `WebAssembly.Memory` (the
 * threaded build always imports one); workerd accepts it. The swap is global, but
 * it happens during isolate start-up (src/index.ts), before any request can run.
 *
 * The hook also keeps that Memory (`wasmMemoryBytes`): it is ORT's whole WebAssembly
 * heap (weights, arena, tensors), which grows in 64 KiB pages and never shrinks, so its
 * size is what an operator watches against the isolate's 128 MB (GET /v1/model shows it).
 *
 * If an ORT upgrade changes this path, initialisation fails with a HookError (the
 * hook was never reached) or with workerd's "code generation disallowed";
 * test/src/inference.test.ts fails on either, so an upgrade cannot pass silently.
 */

/** `\0asm` version 1: an empty module. ORT only checks that `wasmBinary` is set. */
export const PLACEHOLDER: Uint8Array = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** The hook was not used as ORT 1.30.0 uses it: ORT's internals changed. */
export class HookError extends Error {
  override name = 'HookError';
}

/**
 * Runs `init` (which must make ORT initialise its WebAssembly backend) with
 * `WebAssembly.instantiate` steered onto `compiled`, and checks that ORT went
 * through the hook exactly once. `onInstantiated` is called when it does, even if
 * `init` fails later (a bad model): ORT then counts as initialised and never
 * instantiates again in this isolate.
 */
export async function withPrecompiledWasm<T>(
  compiled: WebAssembly.Module,
  init: () => Promise<T>,
  onInstantiated: () => void = () => {},
): Promise<T> {
  const original = WebAssembly.instantiate;
  let steered = 0;
  function instantiate(source: unknown, imports?: WebAssembly.Imports): Promise<unknown> {
    if (!isPlaceholder(source)) return Reflect.apply(original, WebAssembly, [source, imports]) as Promise<unknown>;
    steered += 1;
    onInstantiated();
    memory = firstMemory(Object.values(imports ?? {}).flatMap((module) => Object.values(module)));
    // instantiate(Module) resolves to an Instance; emscripten wants the pair that instantiate(bytes) gives.
    return original(compiled, imports).then((instance) => {
      // A build that defines its memory instead of importing it exports it.
      memory ??= firstMemory(Object.values(instance.exports));
      return { instance, module: compiled };
    });
  }
  WebAssembly.instantiate = instantiate as typeof WebAssembly.instantiate;
  let result: T;
  try {
    result = await init();
  } catch (error) {
    if (steered === 0) throw new HookError(`${NOT_REACHED}: ${String(error)}`, { cause: error });
    throw error;
  } finally {
    WebAssembly.instantiate = original;
  }
  if (steered !== 1) throw new HookError(`${NOT_REACHED} (it was reached ${steered} times)`);
  return result;
}

/** The WebAssembly.Memory of the module instantiated through the hook (one per isolate). */
let memory: WebAssembly.Memory | undefined;

/**
 * The current size in bytes of ORT's WebAssembly memory, a multiple of the 64 KiB page;
 * undefined until ORT has been instantiated through the hook.
 */
export function wasmMemoryBytes(): number | undefined {
  // Read `buffer` each time: after a grow, an earlier (Shared)ArrayBuffer keeps its old length.
  return memory?.buffer.byteLength;
}

/** The first WebAssembly.Memory among import or export values (found by type: emscripten minifies the names). */
function firstMemory(values: readonly unknown[]): WebAssembly.Memory | undefined {
  return values.find((value): value is WebAssembly.Memory => value instanceof WebAssembly.Memory);
}

const NOT_REACHED =
  'onnxruntime-web did not load its WebAssembly through the placeholder exactly once, as 1.30.0 does; ' +
  'its loading path has changed: re-check src/inference/ort/wasm-hook.ts';

function isPlaceholder(source: unknown): boolean {
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else return false;
  return bytes.length === PLACEHOLDER.length && bytes.every((byte, i) => byte === PLACEHOLDER[i]);
}
