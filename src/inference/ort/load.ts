/**
 * onnxruntime-web only in the builds that ask for it. Its 14 MB .wasm (3.5 MiB gzip)
 * would otherwise be most of every upload, and the compiled engine serves the graphs
 * this project exports without it.
 *
 * BUNDLE_ORT is a build-time constant: `wrangler deploy --define BUNDLE_ORT:true` (or a
 * test project's `define`) sets it. Anywhere else it is not defined, `typeof` finds
 * no boolean, and the bundler drops the branch and with it the dynamic import, so
 * ./engine.ts, ORT's JavaScript and its .wasm are not in the bundle at all. The
 * condition must stay in exactly this form for that: esbuild folds
 * `typeof true === 'boolean'`, but not a constant read from another module.
 */
import type { Engine } from '../engine.js';

declare const BUNDLE_ORT: boolean;

/** Whether this build carries onnxruntime-web. */
export function ortInBundle(): boolean {
  return typeof BUNDLE_ORT === 'boolean' && BUNDLE_ORT;
}

/** An ORT engine for `onnx`, or undefined in a build without ORT. */
export async function createOrtEngine(onnx: Uint8Array): Promise<Engine | undefined> {
  if (typeof BUNDLE_ORT === 'boolean' && BUNDLE_ORT) {
    const { OrtEngine } = await import('./engine.js');
    return OrtEngine.create(onnx);
  }
  return undefined;
}
