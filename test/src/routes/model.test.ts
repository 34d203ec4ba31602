/**
 * GET /v1/model in workerd: what it tells a caller about the training data. The
 * source is the file's name only, never where it lay on the trainer's machine.
 */
import { describe, expect, it } from 'vitest';
import manifestJson from '../../../model/ltv.json';
import onnx from '../../../model/ltv.onnx';
import { loadModel } from '../../../src/inference/model.js';
import worker from '../../../src/index.js';
import { auth, testApp, testEnv } from '../helpers.js';

const env = testEnv({ RATE_LIMITER: undefined });
type ModelInfo = { trainingData: { sha256: string; rows: number; source: string } };

describe('GET /v1/model trainingData', () => {
  it('names the shipped model’s training file without its directory', async () => {
    const body = (await (await worker.request('/v1/model', { headers: auth() }, env)).json()) as ModelInfo;
    const { sha256, rows, source } = manifestJson.trainingData;
    expect(source).toContain('/');
    expect(body.trainingData).toEqual({ sha256, rows, source: source.split('/').pop() });
  });

  it('drops POSIX and Windows directories alike', async () => {
    for (const [source, name] of [['/home/alice/exports/2026/customers.csv', 'customers.csv'], ['C:\\Users\\bob\\Desktop\\crm dump.csv', 'crm dump.csv'], ['plain.csv', 'plain.csv']]) {
      const manifest = structuredClone(manifestJson);
      manifest.trainingData.source = source!;
      const app = testApp(await loadModel({ onnx, manifest }, { warmUpRuns: 1 }));
      const body = (await (await app.request('/v1/model', { headers: auth() }, env)).json()) as ModelInfo;
      expect(body.trainingData.source, source).toBe(name);
      if (source !== name) expect(JSON.stringify(body), source).not.toContain(source!.replaceAll('\\', '\\\\'));
    }
  });
});
