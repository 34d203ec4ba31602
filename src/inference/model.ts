/**
 * The model a worker serves: `ltv.json` and `ltv.onnx`, checked against each other
 * and loaded into one engine per isolate (./engine.ts; which one: ./choose.ts).
 *
 * Loading never throws. A model that cannot serve (a broken manifest, ONNX bytes
 * that are not the ones the manifest names, a graph that does not match its spec or
 * that no engine of this build runs, an engine failing to start) leaves the worker
 * up and not ready: health says so, scoring answers 503, and the reason is logged.
 * Crashing instead would make every request re-run the start-up and fail again.
 */
import { env } from 'cloudflare:workers';
import { DEFAULTS, readEngineChoice } from '../config.js';
import { Encoder } from '../spec/encode.js';
import { columnNames } from '../spec/feature-spec.js';
import { type ModelManifest, parseManifest } from '../spec/manifest.js';
import { chooseEngine } from './choose.js';
import { type Engine, type EngineChoice, type EngineKind, checkSignature, checkedOutputs, outputColumns } from './engine.js';

export interface LoadedModel {
  readonly manifest: ModelManifest;
  /** The shared encoder, prepared for this spec: request JSON → input rows. */
  readonly encoder: Encoder;
  /** Encoded columns per row (F of the [N, F] input). */
  readonly width: number;
  /** Names of the encoded columns in input order, e.g. `channel=email`. */
  readonly columns: readonly string[];
  /** The engine that runs the graph. */
  readonly engine: EngineKind;
  /** LTV for `count` encoded rows (row-major, NaN = missing); always finite. */
  predict(rows: Float32Array, count: number): Promise<Float32Array>;
  /** Every graph output for `count` encoded rows, by name (`ltv` first); all finite. */
  predictOutputs(rows: Float32Array, count: number): Promise<ModelOutputs>;
  /** Values per row of graph output `name` (1 unless the spec's io.widths says more). */
  outputColumns(name: string): number;
  /** Bytes of WebAssembly memory the engine holds in this isolate, if known. */
  memoryBytes(): number | undefined;
}

/** Graph outputs by name (the spec's `io.outputs`), row-major: `outputColumns(name)` values per row. */
export type ModelOutputs = Readonly<Record<string, Float32Array>>;

export type ModelState =
  | { readonly ready: true; readonly model: LoadedModel; readonly manifest: ModelManifest }
  | { readonly ready: false; readonly reason: string; readonly manifest?: ModelManifest };

export interface ModelFiles {
  /** The bytes of `ltv.onnx`. */
  onnx: ArrayBuffer | Uint8Array;
  /** The parsed JSON of `ltv.json`, not yet validated. */
  manifest: unknown;
}

export interface LoadOptions {
  /** Which engine (./choose.ts). Default: the ENGINE var of this worker, else `auto`. */
  engine?: EngineChoice;
  /**
   * Graph runs at load when ORT serves (see `ServedModel.warmUp`); at least 1, the
   * readiness check, which is all the compiled engine runs. Default DEFAULTS.warmUpRuns
   * (3000), WARM_UP_RUNS in wrangler.toml.
   */
  warmUpRuns?: number;
}

export async function loadModel(files: ModelFiles, options: LoadOptions = {}): Promise<ModelState> {
  const { warmUpRuns = DEFAULTS.warmUpRuns } = options;
  let manifest: ModelManifest | undefined;
  try {
    manifest = parseManifest(files.manifest);
    const onnx = files.onnx instanceof Uint8Array ? files.onnx : new Uint8Array(files.onnx);
    const digest = await sha256Hex(onnx);
    if (digest !== manifest.onnxSha256) {
      throw new Error(`ltv.onnx has SHA-256 ${digest}, but ltv.json names ${manifest.onnxSha256}: the two files are not from one export`);
    }
    const encoder = new Encoder(manifest.spec);
    const { engine, refused } = await chooseEngine(onnx, options.engine ?? configuredEngine());
    checkSignature(engine, manifest.spec.io, encoder.width);
    const model = new ServedModel(manifest, encoder, engine);
    await model.warmUp(engine.kind === 'ort' ? Math.max(1, warmUpRuns) : 1);
    console.log(JSON.stringify({ event: 'model_ready', name: manifest.name, version: manifest.version, width: encoder.width, engine: engine.kind, ...(refused === undefined ? {} : { compiledRefused: refused }) }));
    return { ready: true, model, manifest };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(JSON.stringify({ event: 'model_not_ready', version: manifest?.version, reason }));
    return manifest === undefined ? { ready: false, reason } : { ready: false, reason, manifest };
  }
}

class ServedModel implements LoadedModel {
  readonly width: number;
  readonly columns: readonly string[];

  readonly engine: EngineKind;
  private readonly ltvOnly: readonly string[];

  constructor(
    readonly manifest: ModelManifest,
    readonly encoder: Encoder,
    private readonly runner: Engine,
  ) {
    this.width = encoder.width;
    this.columns = columnNames(manifest.spec);
    this.engine = runner.kind;
    this.ltvOnly = manifest.spec.io.outputs.slice(0, 1);
  }

  async predict(rows: Float32Array, count: number): Promise<Float32Array> {
    const { io } = this.manifest.spec;
    return checkedOutputs(await this.runner.run(rows, count, this.ltvOnly), io, this.ltvOnly, count)[0]!;
  }

  async predictOutputs(rows: Float32Array, count: number): Promise<ModelOutputs> {
    const { io } = this.manifest.spec;
    const values = checkedOutputs(await this.runner.run(rows, count, io.outputs), io, io.outputs, count);
    return Object.fromEntries(io.outputs.map((name, k) => [name, values[k]!]));
  }

  outputColumns(name: string): number {
    return outputColumns(this.manifest.spec.io, name);
  }

  memoryBytes(): number | undefined {
    return this.runner.memoryBytes();
  }

  /**
   * The graph run at load, `runs` times on one all-missing row. The first run
   * proves that the graph runs and gives a finite value, so that a model that loads
   * but cannot score is "not ready" rather than a 500 on every request. The compiled
   * engine runs only that one: its kernels are a few small functions, compiled with
   * the module, and what the first request would pay is measured in docs/performance.md.
   *
   * The other runs are ORT's, for the first real request. After start-up, workerd gives V8
   * a memory-pressure signal and V8 drops the baseline (Liftoff) machine code of every
   * WebAssembly function that has not been optimised (TurboFan code is kept), so the
   * first run inside a request recompiled ~200 of ORT's functions: 12.6 ms of
   * compilation, ~22 ms of CPU for that request against ~5 ms for the next. V8
   * optimises a function once it has spent a budget of executed code, and ORT's
   * per-run functions spend a little of it per run: 300 runs optimised none of them,
   * 3000 optimise nearly all (58 small ones, 1.2 ms, are still recompiled), and the
   * first request then costs ~9.5 ms of CPU. The price is ~250 ms more start-up CPU
   * (the 1 s limit is checked by Cloudflare at upload; WARM_UP_RUNS lowers it). Measured with scripts/measure/commands/v8-trace.ts and
   * `npm run bench:first-request` (BENCHMARKS.md, the notes under the 2026-11-29T06:21 run).
   */
  async warmUp(runs: number): Promise<void> {
    const row = new Float32Array(this.width).fill(Number.NaN);
    for (let run = 0; run < runs; run++) await this.predictOutputs(row, 1);
  }
}

/** The ENGINE var of this worker (wrangler.toml); a bad value is logged and `auto` used. */
function configuredEngine(): EngineChoice {
  const { choice, problem } = readEngineChoice((env as Partial<Env>).ENGINE);
  if (problem !== undefined) console.error(JSON.stringify({ event: 'config_error', reason: problem }));
  return choice;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
