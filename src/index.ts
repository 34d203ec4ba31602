/**
 * The worker: the bundled model, loaded once per isolate, behind the Hono app.
 *
 * Where the session is created, and why there: at start-up, in this module's
 * top-level `await`, not on the first request. Creating it costs ORT's one-time
 * initialisation: 0.35–0.55 s of CPU on a dev machine (`npx wrangler check startup`,
 * `npm run measure:worker`). The WARM_UP_RUNS graph runs that follow add ~250 ms, so
 * that V8 has optimised ORT's WebAssembly before the first request (./inference/model.ts).
 * - On a first request it would blow the per-request CPU limit (10 ms on the Free
 *   plan) many times over, and make that caller wait.
 * - At start-up it counts against the 1 s start-up limit instead, which it fits;
 *   Cloudflare checks that limit when a version is uploaded, so a model that made
 *   start-up too slow would fail the deploy, not the traffic. Isolates are often
 *   started during the TLS handshake, before the request arrives. Start-up may do
 *   no I/O, and does none: the model and ORT's WebAssembly are bundled.
 * `loadModel` never throws: a model that fails to load leaves the isolate up and
 * not ready (503s) instead of failing every start-up.
 */
import { env } from 'cloudflare:workers';
import manifest from '../model/ltv.json';
import onnx from '../model/ltv.onnx';
import { createApp } from './app.js';
import { readWarmUpRuns } from './config.js';
import { loadModel } from './inference/model.js';
import { warmUpRequestPath } from './inference/warm-up.js';

// WARM_UP_RUNS trades start-up CPU for a cheaper first request (./inference/model.ts, warmUp).
const warmUp = readWarmUpRuns(env.WARM_UP_RUNS);
if (warmUp.problem !== undefined) console.error(JSON.stringify({ event: 'config_error', reason: warmUp.problem }));
const model = await loadModel({ onnx, manifest }, { warmUpRuns: warmUp.runs });
const app = createApp(model);
// The first request of an isolate would otherwise pay ~20 ms of first-call CPU (see ./inference/warm-up.ts).
await warmUpRequestPath(app, model.manifest, model.ready ? model.model.width : 0);

export default app satisfies ExportedHandler<Env>;
