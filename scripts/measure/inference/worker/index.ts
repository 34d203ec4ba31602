/**
 * The bench worker of `npm run bench:inference`: the project's own inference code
 * (src/inference/ort/session.ts, with ORT's .wasm imported and bundled exactly as the
 * production worker does it) and nothing else, so that the CPU workerd spends on a
 * request is ORT's compute plus a fixed cost the harness subtracts. Never deployed:
 * it is bundled by scripts/measure/inference/workerd.ts into a temporary directory.
 *
 * Bindings (set by the harness): MODELS, JSON `{ name: { input, outputs, width } }`,
 * and one data blob ONNX_<name> per model with its .onnx bytes. Sessions are created
 * at start-up, in a top-level await, as src/index.ts does.
 *
 *   GET /run?model=NAME&batch=B&runs=K&session=S   K runs at batch B, one after another;
 *        K = 0 is the same request without the compute. S = ltv (default): through
 *        LtvSession.run, what the worker pays per call; S = raw: ORT's bare session.run
 *        on a prepared tensor, so the difference is LtvSession's own per-call work
 *   GET /predict?model=NAME&batch=B&session=S      the first output for B rows, as JSON (for checks)
 */
import { env } from 'cloudflare:workers';
import { createOrtSession, ort } from '../../../../src/inference/ort/ort.js';
import { LtvSession } from '../../../../src/inference/ort/session.js';
import { benchRows } from '../rows.js';

interface ModelBinding {
  input: string;
  outputs: string[];
  width: number;
}

const bindings = env as unknown as Record<string, unknown>;
const models = JSON.parse(String(bindings.MODELS)) as Record<string, ModelBinding>;
interface Sessions {
  model: ModelBinding;
  ltv: LtvSession;
  raw: ort.InferenceSession;
}

const sessions = new Map<string, Sessions>();
for (const [name, model] of Object.entries(models)) {
  const onnx = bindings[`ONNX_${name}`];
  if (!(onnx instanceof ArrayBuffer)) throw new Error(`bench worker: binding ONNX_${name} is not a data blob`);
  const bytes = new Uint8Array(onnx);
  const ltv = await LtvSession.create(bytes, { input: model.input, outputs: model.outputs }, model.width);
  sessions.set(name, { model, ltv, raw: await createOrtSession(bytes) });
}

/** Rows and feeds per model and batch, made once: the K-run and the 0-run request then differ by the runs alone. */
const inputs = new Map<string, { rows: Float32Array; feeds: Record<string, ort.Tensor> }>();

function input({ model }: Sessions, name: string, batch: number): { rows: Float32Array; feeds: Record<string, ort.Tensor> } {
  const key = `${name}/${batch}`;
  let values = inputs.get(key);
  if (values === undefined) {
    const rows = benchRows(batch, model.width);
    inputs.set(key, (values = { rows, feeds: { [model.input]: new ort.Tensor('float32', rows, [batch, model.width]) } }));
  }
  return values;
}

/** One call of the chosen session, returning the first output. */
async function call(s: Sessions, kind: string, x: { rows: Float32Array; feeds: Record<string, ort.Tensor> }, batch: number): Promise<Float32Array> {
  if (kind === 'ltv') return (await s.ltv.run(x.rows, batch))[0]!;
  if (kind !== 'raw') throw new RangeError(`session must be ltv or raw, got ${kind}`);
  const first = s.model.outputs[0]!;
  return (await s.raw.run(x.feeds, s.model.outputs))[first]!.data as Float32Array;
}

function count(url: URL, key: string, min: number): number {
  const value = Number(url.searchParams.get(key));
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${key} must be an integer ≥ ${min}, got ${url.searchParams.get(key)}`);
  return value;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    try {
      const name = url.searchParams.get('model') ?? '';
      const session = sessions.get(name);
      if (session === undefined) throw new RangeError(`model must be one of ${[...sessions.keys()].join(', ')}, got ${name}`);
      const batch = count(url, 'batch', 1);
      const kind = url.searchParams.get('session') ?? 'ltv';
      const x = input(session, name, batch);
      if (url.pathname === '/predict') return Response.json(Array.from(await call(session, kind, x, batch)));
      if (url.pathname !== '/run') return new Response('not found', { status: 404 });
      const runs = count(url, 'runs', 0);
      let checksum = 0;
      for (let k = 0; k < runs; k++) checksum += (await call(session, kind, x, batch))[0]!;
      return Response.json({ runs, checksum });
    } catch (error) {
      return new Response(error instanceof Error ? `${error.name}: ${error.message}` : String(error), { status: 400 });
    }
  },
} satisfies ExportedHandler;
