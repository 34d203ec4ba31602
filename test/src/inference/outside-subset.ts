/**
 * A tiny model whose graph has an operator the compiled engine lacks (Abs), with its
 * ltv.json and onnxruntime-node's predictions for a few customers: built in Node by
 * the global setup, served in workerd by test/src/inference/fallback.test.ts.
 */
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { Encoder } from '../../../src/spec/encode.js';
import { type ModelManifest, parseManifest } from '../../../src/spec/manifest.js';
import { onnxBytes } from '../../support/onnx-graph.js';
import type { OutsideSubsetModel } from './agreement.js';

export async function outsideSubsetModel(): Promise<OutsideSubsetModel> {
  const onnx = onnxBytes({
    nodes: [
      { op: 'IsNaN', inputs: ['features'], outputs: ['missing'], name: 'impute/IsNaN' },
      { op: 'Where', inputs: ['missing', 'impute', 'features'], outputs: ['imputed'], name: 'impute/Where' },
      { op: 'MatMul', inputs: ['imputed', 'w'], outputs: ['product'], name: 'layer0/MatMul' },
      { op: 'Abs', inputs: ['product'], outputs: ['magnitude'], name: 'odd/Abs' },
      { op: 'Add', inputs: ['magnitude', 'base'], outputs: ['ltv'], name: 'head/Add' },
    ],
    initializers: [
      { name: 'impute', dims: [2], data: Float32Array.of(1, -1) },
      { name: 'w', dims: [2, 1], data: Float32Array.of(3.5, -2) },
      { name: 'base', dims: [1], data: Float32Array.of(10) },
    ],
    inputs: [{ name: 'features', shape: ['batch', 2] }],
    outputs: [{ name: 'ltv', shape: ['batch', 1] }],
  });
  const transform = { impute: 1, min: -100, max: 100, mean: 0, std: 1 };
  const manifest: ModelManifest = parseManifest({
    format: 'ltv-edge/model@1',
    name: 'ltv',
    head: 'mse',
    version: 'outside-subset',
    onnxSha256: createHash('sha256').update(onnx).digest('hex'),
    createdAt: '2026-01-01T00:00:00.000Z',
    trainingData: { sha256: '0'.repeat(64), rows: 0, source: 'hand-built for tests' },
    hyperparameters: {},
    metrics: {},
    spec: {
      format: 'ltv-edge/feature-spec@1',
      features: [
        { name: 'a', type: 'numeric', optional: true, transform },
        { name: 'b', type: 'numeric', optional: true, transform },
      ],
      target: { name: 'ltv', unit: 'USD', mean: 0, std: 1 },
      io: { input: 'features', outputs: ['ltv'] },
    },
  });
  const records: Record<string, number>[] = [{ a: 1, b: 2 }, { a: -3, b: 0.5 }, { a: 4 }, {}];
  const encoder = new Encoder(manifest.spec);
  const rows = new Float32Array(records.length * 2);
  records.forEach((r, i) => encoder.encodeInto(r, rows, i * 2));
  const session = await ort.InferenceSession.create(onnx);
  const out = await session.run({ features: new ort.Tensor('float32', rows, [records.length, 2]) });
  return { manifest, onnxBase64: Buffer.from(onnx).toString('base64'), records, ltv: Array.from(out.ltv!.data as Float32Array) };
}
