/**
 * One engine in a worker thread (./engine-pool.ts starts it): loads the model
 * through ./engine.ts, then answers batches of encoded rows with their answer
 * columns, in the order they come.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { answerBatch } from './answer-batch.js';
import { type EngineChoice, openScoringModel } from './engine.js';
import type { FromThread, ToThread } from './engine-pool.js';

const port = parentPort!;
const post = (message: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

try {
  const { model: dir, engine: choice } = workerData as { model: string; engine: EngineChoice };
  const model = await openScoringModel(dir, choice);
  port.on('message', async ({ seq, rows, count }: ToThread) => {
    try {
      const { values, tiers } = answerBatch(model.manifest, await model.run(rows, count), count);
      post({ kind: 'done', seq, values, tiers }, [...values.map((v) => v.buffer as ArrayBuffer), ...(tiers === undefined ? [] : [tiers.buffer as ArrayBuffer])]);
    } catch (error) {
      post({ kind: 'failed', seq, name: (error as Error).name, message: (error as Error).message });
    }
  });
  post({ kind: 'ready', manifest: model.manifest, engine: model.engine });
} catch (error) {
  post({ kind: 'failed', seq: -1, name: (error as Error).name, message: (error as Error).message });
}
