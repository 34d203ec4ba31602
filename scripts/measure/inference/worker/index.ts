/**
 * The bench worker of `npm run bench:inference`: the worker's own inference code
 * (src/inference/choose.ts: the compiled engine, and onnxruntime-web built in with
 * BUNDLE_ORT) and nothing else, so that the CPU workerd spends on a request is the
 * engine's compute plus a fixed cost the harness subtracts. Never deployed: it is
 * bundled by scripts/measure/inference/workerd.ts into a temporary directory.
 *
 * Bindings (set by the harness): MODELS, JSON `{ name: { input, outputs, width } }`,
 * and one data blob ONNX_<name> per model with its .onnx bytes. Both engines are made
 * at start-up, in a top-level await, as src/index.ts makes the serving one.
 *
 *   GET /run?model=NAME&batch=B&runs=K&engine=E   K runs at batch B through engine E
 *        (compiled or ort), one after another; K = 0 is the same request without the compute
 *   GET /predict?model=NAME&batch=B&engine=E      the first output for B rows, as JSON (for checks)
 */
import { env } from 'cloudflare:workers';
import { chooseEngine } from '../../../../src/inference/choose.js';
import type { Engine, EngineKind } from '../../../../src/inference/engine.js';
import { benchRows } from '../rows.js';

interface ModelBinding {
  input: string;
  outputs: string[];
  width: number;
}

const bindings = env as unknown as Record<string, unknown>;
const models = JSON.parse(String(bindings.MODELS)) as Record<string, ModelBinding>;
const engines = new Map<string, { model: ModelBinding; engines: Record<EngineKind, Engine> }>();
for (const [name, model] of Object.entries(models)) {
  const onnx = bindings[`ONNX_${name}`];
  if (!(onnx instanceof ArrayBuffer)) throw new Error(`bench worker: binding ONNX_${name} is not a data blob`);
  const bytes = new Uint8Array(onnx);
  engines.set(name, { model, engines: { compiled: (await chooseEngine(bytes, 'compiled')).engine, ort: (await chooseEngine(bytes, 'ort')).engine } });
}

/** Rows per model and batch, made once: the K-run and the 0-run request then differ by the runs alone. */
const inputs = new Map<string, Float32Array>();

function rowsFor(name: string, width: number, batch: number): Float32Array {
  const key = `${name}/${batch}`;
  let rows = inputs.get(key);
  if (rows === undefined) inputs.set(key, (rows = benchRows(batch, width)));
  return rows;
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
      const entry = engines.get(name);
      if (entry === undefined) throw new RangeError(`model must be one of ${[...engines.keys()].join(', ')}, got ${name}`);
      const kind = url.searchParams.get('engine') ?? 'compiled';
      if (kind !== 'compiled' && kind !== 'ort') throw new RangeError(`engine must be compiled or ort, got ${kind}`);
      const engine = entry.engines[kind];
      const batch = count(url, 'batch', 1);
      const rows = rowsFor(name, entry.model.width, batch);
      const first = entry.model.outputs.slice(0, 1);
      if (url.pathname === '/predict') return Response.json(Array.from((await engine.run(rows, batch, first))[first[0]!]!));
      if (url.pathname !== '/run') return new Response('not found', { status: 404 });
      const runs = count(url, 'runs', 0);
      let checksum = 0;
      for (let k = 0; k < runs; k++) checksum += (await engine.run(rows, batch, first))[first[0]!]![0]!;
      return Response.json({ runs, checksum });
    } catch (error) {
      return new Response(error instanceof Error ? `${error.name}: ${error.message}` : String(error), { status: 400 });
    }
  },
} satisfies ExportedHandler;
