/**
 * The soak's customers and what the worker must answer for them: 500 generated
 * customers of the shipped model, encoded with the shared encoder, and their LTV as
 * onnxruntime-node computes it on model/ltv.onnx.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Encoder } from '../../../src/spec/encode.js';
import { type ModelManifest, parseManifest } from '../../../src/spec/manifest.js';
import { generateCustomers } from '../../data/generate.js';
import { recordFromCells } from '../../releases/evaluate.js';
import { root } from '../workerd/workerd.js';

export interface SoakReference {
  manifest: ModelManifest;
  width: number;
  records: Record<string, number | string>[];
  /** onnxruntime-node's LTV for each record, in order. */
  expected: Float32Array;
}

export async function soakReference(): Promise<SoakReference> {
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model/ltv.json'), 'utf8')));
  const encoder = new Encoder(manifest.spec);
  const table = generateCustomers({ rows: 500, seed: 2026 });
  const columns = new Map(table.header.map((name, i) => [name, i]));
  const records = table.rows.map((fields) => recordFromCells(manifest.spec, columns, fields));
  const rows = new Float32Array(records.length * encoder.width);
  records.forEach((record, i) => encoder.encodeInto(record, rows, i * encoder.width));
  const session = await ort.InferenceSession.create(readFileSync(join(root, 'model/ltv.onnx')));
  try {
    const out = await session.run({ [manifest.spec.io.input]: new ort.Tensor('float32', rows, [records.length, encoder.width]) });
    return { manifest, width: encoder.width, records, expected: out[manifest.spec.io.outputs[0]!]!.data as Float32Array };
  } finally {
    await session.release();
  }
}
