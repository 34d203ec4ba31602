/**
 * Runs in Node before the workerd tests: scores the reference records with
 * onnxruntime-node on model/ltv.onnx, so that the worker (onnxruntime-web in
 * workerd, the real bundled files) is checked against an independent runtime.
 */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { TestProject } from 'vitest/node';
import { Encoder } from '../../src/spec/encode.js';
import { parseManifest } from '../../src/spec/manifest.js';
import { type Reference, referenceRecords } from './reference.js';

const modelDir = new URL('../../model/', import.meta.url);

export default async function setup(project: TestProject): Promise<void> {
  const manifest = parseManifest(JSON.parse(await readFile(new URL('ltv.json', modelDir), 'utf8')));
  const { spec } = manifest;
  const encoder = new Encoder(spec);
  const records = referenceRecords(spec);
  const rows = new Float32Array(records.length * encoder.width);
  const imputed = records.map(({ name, record }, i) => {
    const result = encoder.encodeInto(record, rows, i * encoder.width);
    if (result.errors.length > 0) throw new Error(`reference record "${name}" does not encode: ${JSON.stringify(result.errors)}`);
    return result.imputed;
  });

  const session = await ort.InferenceSession.create(await readFile(new URL('ltv.onnx', modelDir)));
  const [output] = spec.io.outputs;
  const results = await session.run({ [spec.io.input]: new ort.Tensor('float32', rows, [records.length, encoder.width]) });
  const ltv = results[output!]!.data as Float32Array;
  await session.release();

  const reference: Reference = {
    name: manifest.name,
    version: manifest.version,
    input: spec.io.input,
    output: output!,
    width: encoder.width,
    cases: records.map(({ name, record }, i) => ({
      name,
      record,
      imputed: imputed[i]!,
      row: Array.from(rows.subarray(i * encoder.width, (i + 1) * encoder.width), (v) => (Number.isNaN(v) ? null : v)),
      ltv: ltv[i]!,
    })),
  };
  project.provide('ltvReference', reference);
}
