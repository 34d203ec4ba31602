/**
 * The bench worker of `npm run bench:inference`: the project's own inference code
 * (src/inference/session.ts, with ORT's .wasm imported and bundled exactly as the
 * production worker does it) and nothing else, so that the CPU workerd spends on a
 * request is ORT's compute plus a fixed cost the harness subtracts. Never deployed:
 * it is bundled by scripts/bench/inference-workerd.ts into a temporary directory.
 *
 * Bindings (set by the harness): MODELS, JSON `{ name: { input, outputs, width } }`,
 * and one data blob ONNX_<name> per model with its .onnx bytes. Sessions are created
 * at start-up, in a top-level await, as src/index.ts does.
 *
 *   GET /run?model=NAME&batch=B&runs=K   K runs at batch B, one after another; K = 0
 *                                         is the same request without the compute
 *   GET /predict?model=NAME&batch=B      the first output for B rows, as JSON (for checks)
 */
import { env } from 'cloudflare:workers';
import { LtvSession } from '../../../src/inference/session.js';
import { benchRows } from '../inference-rows.js';

interface ModelBinding {
  input: string;
  outputs: string[];
  width: number;
}

const bindings = env as unknown as Record<string, unknown>;
const models = JSON.parse(String(bindings.MODELS)) as Record<string, ModelBinding>;
const sessions = new Map<string, LtvSession>();
for (const [name, model] of Object.entries(models)) {
  const onnx = bindings[`ONNX_${name}`];
  if (!(onnx instanceof ArrayBuffer)) throw new Error(`bench worker: binding ONNX_${name} is not a data blob`);
  sessions.set(name, await LtvSession.create(new Uint8Array(onnx), { input: model.input, outputs: model.outputs }, model.width));
}

/** Rows per model and batch, made once: the K-run and the 0-run request then differ by the runs alone. */
const rows = new Map<string, Float32Array>();

function input(session: LtvSession, name: string, batch: number): Float32Array {
  const key = `${name}/${batch}`;
  let values = rows.get(key);
  if (values === undefined) rows.set(key, (values = benchRows(batch, session.width)));
  return values;
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
      const x = input(session, name, batch);
      if (url.pathname === '/predict') return Response.json(Array.from((await session.run(x, batch))[0]!));
      if (url.pathname !== '/run') return new Response('not found', { status: 404 });
      const runs = count(url, 'runs', 0);
      let checksum = 0;
      for (let k = 0; k < runs; k++) checksum += (await session.run(x, batch))[0]![0]!;
      return Response.json({ runs, checksum });
    } catch (error) {
      return new Response(error instanceof Error ? `${error.name}: ${error.message}` : String(error), { status: 400 });
    }
  },
} satisfies ExportedHandler;
