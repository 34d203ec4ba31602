/**
 * The worker: the bundled model, loaded once per isolate, behind the Hono app.
 *
 * Where the engine is made, and why there: at start-up, in this module's top-level
 * `await`, not on the first request. For the compiled engine that is reading the
 * graph out of ltv.onnx, packing the weights and one readiness run: a few
 * milliseconds (docs/performance.md). Were onnxruntime-web to serve (a graph outside
 * the compiled subset, in a build that carries ORT), it would be ORT's one-time
 * initialisation, 0.35–0.55 s of CPU, plus WARM_UP_RUNS graph runs (./inference/model.ts):
 * - On a first request that would blow the per-request CPU limit (10 ms on the Free
 *   plan) many times over, and make that caller wait.
 * - At start-up it counts against the 1 s start-up limit instead; Cloudflare checks
 *   that limit when a version is uploaded, so a model that made start-up too slow
 *   would fail the deploy, not the traffic. Isolates are often started during the
 *   TLS handshake, before the request arrives. Start-up may do no I/O, and does
 *   none: the model and the engine's WebAssembly are bundled.
 * `loadModel` never throws: a model that fails to load leaves the isolate up and
 * not ready (503s) instead of failing every start-up. It reads ENGINE itself.
 */
import { env } from 'cloudflare:workers';
import manifest from '../model/ltv.json';
import onnx from '../model/ltv.onnx';
import { createApp } from './app.js';
import { readWarmUpRuns } from './config.js';
import { loadModel } from './inference/model.js';
import { warmUpRequestPath } from './inference/warm-up.js';

/** Set only by the benchmarks (`--define SKIP_REQUEST_WARM_UP:true`), to measure what the request-path warm-up buys. */
declare const SKIP_REQUEST_WARM_UP: boolean;

// WARM_UP_RUNS: ORT's runs at start-up, for a cheaper first request (./inference/model.ts, warmUp).
const warmUp = readWarmUpRuns(env.WARM_UP_RUNS);
if (warmUp.problem !== undefined) console.error(JSON.stringify({ event: 'config_error', reason: warmUp.problem }));
const model = await loadModel({ onnx, manifest }, { warmUpRuns: warmUp.runs });
const app = createApp(model);
// The first request of an isolate would otherwise pay first-call CPU (see ./inference/warm-up.ts, docs/performance.md).
if (!(typeof SKIP_REQUEST_WARM_UP === 'boolean' && SKIP_REQUEST_WARM_UP)) await warmUpRequestPath(app, model.manifest, model.ready ? model.model.width : 0);

export default app satisfies ExportedHandler<Env>;
