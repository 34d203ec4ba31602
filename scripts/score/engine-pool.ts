/**
 * The engine, on `threads` worker threads, so that reading, encoding and writing
 * (this thread, and DuckDB's) overlap with the graph runs: each thread loads the
 * model through ./engine.ts and runs whole batches, round robin. With 0 threads the
 * engine runs in this thread (tests, and the benchmark's compute-only floor).
 *
 * Threads load TypeScript through tsx's API (a dev dependency, as every script here
 * runs through it), so that they start the same under `npm run` and under vitest.
 */
import { Worker } from 'node:worker_threads';
import type { ModelManifest } from '../../src/spec/manifest.js';
import { type AnswerBatch, answerBatch } from './answer-batch.js';
import { type EngineChoice, ModelLoadError, type ScoringModel, openScoringModel } from './engine.js';

export type ToThread = { seq: number; rows: Float32Array; count: number };
export type FromThread =
  | { kind: 'ready'; manifest: ModelManifest; engine: string }
  | ({ kind: 'done'; seq: number } & AnswerBatch)
  | { kind: 'failed'; seq: number; name: string; message: string };

/** The engine failed on a batch (a model fault: non-finite outputs, a crash of the runtime). */
export class EngineError extends Error {
  override name = 'EngineError';
}

export interface EnginePool {
  readonly manifest: ModelManifest;
  readonly engine: string;
  /** The answers for `count` encoded rows; `rows` may be handed over to a thread and must not be reused. */
  run(rows: Float32Array, count: number): Promise<AnswerBatch>;
  close(): Promise<void>;
}

/** The engine `choice` picks (default `auto`, as the worker) for `modelDir`, on `threads` worker threads (0: this thread). */
export async function openEnginePool(modelDir: string, threads: number, choice: EngineChoice = 'auto'): Promise<EnginePool> {
  if (threads === 0) return inThisThread(await openScoringModel(modelDir, choice));
  const engines = await Promise.all(Array.from({ length: threads }, () => startThread(modelDir, choice)));
  let next = 0;
  return {
    manifest: engines[0]!.manifest,
    engine: `${engines[0]!.engine} × ${threads} worker thread${threads > 1 ? 's' : ''}`,
    run(rows, count) {
      const engine = engines[next]!;
      next = (next + 1) % engines.length;
      return engine.run(rows, count);
    },
    async close() {
      await Promise.all(engines.map((e) => e.worker.terminate()));
    },
  };
}

/** The pool's interface over one model in this thread. */
export function inThisThread(model: ScoringModel): EnginePool {
  return {
    manifest: model.manifest,
    engine: model.engine,
    run: async (rows, count) => answerBatch(model.manifest, await model.run(rows, count), count),
    close: async () => {},
  };
}

interface ThreadEngine {
  worker: Worker;
  manifest: ModelManifest;
  engine: string;
  run(rows: Float32Array, count: number): Promise<AnswerBatch>;
}

const THREAD = new URL('./engine-thread.ts', import.meta.url).href;

function startThread(modelDir: string, choice: EngineChoice): Promise<ThreadEngine> {
  const source = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(THREAD)}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(source, { eval: true, workerData: { model: modelDir, engine: choice } });
  const pending = new Map<number, { resolve(batch: AnswerBatch): void; reject(error: Error): void }>();
  let seq = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      reject(error);
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new EngineError(`an engine thread exited (code ${code})`)));
    worker.on('message', (message: FromThread) => {
      if (message.kind === 'ready') {
        resolve({
          worker,
          manifest: message.manifest,
          engine: message.engine,
          run(rows, count) {
            const job: ToThread = { seq: seq++, rows, count };
            const done = new Promise<AnswerBatch>((ok, no) => pending.set(job.seq, { resolve: ok, reject: no }));
            worker.postMessage(job, [rows.buffer as ArrayBuffer]);
            return done;
          },
        });
      } else if (message.kind === 'done') {
        pending.get(message.seq)?.resolve({ values: message.values, tiers: message.tiers });
        pending.delete(message.seq);
      } else {
        const error = message.name === 'ModelLoadError' ? new ModelLoadError(message.message) : new EngineError(`${message.name}: ${message.message}`);
        if (message.seq < 0) fail(error);
        else {
          pending.get(message.seq)?.reject(error);
          pending.delete(message.seq);
        }
      }
    });
  });
}
