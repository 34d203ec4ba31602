/**
 * Runs in Node before the workerd tests: scores the reference records with
 * onnxruntime-node on model/ltv.onnx, so that the worker (onnxruntime-web in
 * workerd, the real bundled files) is checked against an independent runtime, and
 * with the trainer's own arithmetic on the weights read back from the graph.
 * Also trains three tiny models on generated data (MSE head; one ZILN network
 * without calibration, a manifest as written before members existed; three
 * calibrated ZILN members) and scores them the same way: the worker's answers for
 * each kind of model are tested whatever the shipped model is. And the equivalence
 * cases of the engines: ≥ 10,000 rows per model, scored by onnxruntime-node and -web
 * (./inference/equivalence-cases.ts). And a graph of hand-made ZILN members with each
 * member alone and the trainer's outputs (./inference/members-graph-case.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { TestProject } from 'vitest/node';
import { generateCustomers, toCsv } from '../../scripts/data/generate.js';
import { trainModel } from '../../scripts/train/train-model.js';
import type { LossName } from '../../scripts/mlp/objective.js';
import type { EnsembleOptions } from '../../scripts/train/fit-model.js';
import { readMemberParams } from '../../scripts/onnx/read-params.js';
import { predictReferenceOutputs } from '../../scripts/onnx/reference.js';
import { Encoder } from '../../src/spec/encode.js';
import { outputWidth } from '../../src/spec/feature-spec.js';
import { type ModelManifest, parseManifest } from '../../src/spec/manifest.js';
import { equivalenceCases, toJson } from './inference/equivalence-cases.js';
import { membersGraphCase } from './inference/members-graph-case.js';
import { outsideSubsetModel } from './inference/outside-subset.js';
import { type HeadFixture, type Reference, type ReferenceCase, referenceRecords } from './reference.js';

const modelDir = new URL('../../model/', import.meta.url);

export default async function setup(project: TestProject): Promise<void> {
  const manifest = parseManifest(JSON.parse(await readFile(new URL('ltv.json', modelDir), 'utf8')));
  const onnx = await readFile(new URL('ltv.onnx', modelDir));
  const cases = await scoreRecords(manifest, onnx, referenceRecords(manifest.spec));
  const { spec } = manifest;
  const reference: Reference = {
    name: manifest.name,
    version: manifest.version,
    input: spec.io.input,
    output: spec.io.outputs[0]!,
    outputs: spec.io.outputs,
    widths: Object.fromEntries(spec.io.outputs.map((name) => [name, outputWidth(spec.io, name)])),
    width: new Encoder(spec).width,
    cases,
  };
  project.provide('ltvReference', reference);
  project.provide('headFixtures', {
    mse: await headFixture('mse', {}),
    ziln: await headFixture('ziln', { members: 1, calibration: false }),
    zilnMembers: await headFixture('ziln', { members: 3 }),
  });
  project.provide('equivalenceCases', (await equivalenceCases()).map(toJson));
  project.provide('outsideSubset', await outsideSubsetModel());
  project.provide('membersGraph', membersGraphCase());
}

/**
 * A small model with the given head and members, trained on 600 generated
 * customers (a second or so), scored on the reference records plus customers far
 * outside the training range: every numeric feature ×1e6, at +1e30, and at −1e30.
 */
async function headFixture(loss: LossName, ensemble: EnsembleOptions): Promise<HeadFixture> {
  const dir = mkdtempSync(join(tmpdir(), `ltv-fixture-${loss}-`));
  try {
    const data = join(dir, 'customers.csv');
    writeFileSync(data, toCsv(generateCustomers({ rows: 600, seed: 5 })));
    const out = join(dir, 'model');
    await trainModel({ prepare: { data, id: 'customer_id', unit: 'USD' }, fit: { hidden: [16, 8], epochs: 4 }, out, loss, ensemble });
    const manifestJson: unknown = JSON.parse(readFileSync(join(out, 'ltv.json'), 'utf8'));
    const manifest = parseManifest(manifestJson);
    const onnx = readFileSync(join(out, 'ltv.onnx'));
    const records = referenceRecords(manifest.spec, 8);
    const typical = records[0]!.record;
    const numericTimes = (f: (v: number) => number, name: string) => ({
      name,
      record: Object.fromEntries(Object.entries(typical).map(([k, v]) => [k, typeof v === 'number' ? f(v) : v])),
    });
    records.push(numericTimes((v) => v * 1e6, 'far outside: every numeric feature ×1e6'), numericTimes(() => 1e30, 'far outside: +1e30'), numericTimes(() => -1e30, 'far outside: −1e30'));
    return { manifest: manifestJson, onnxBase64: onnx.toString('base64'), cases: await scoreRecords(manifest, onnx, records) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Encodes the records with the shared Encoder and runs them through onnxruntime-node and the trainer's arithmetic: every output per record. */
async function scoreRecords(manifest: ModelManifest, onnx: Uint8Array, records: { name: string; record: Record<string, number | string> }[]): Promise<ReferenceCase[]> {
  const { spec } = manifest;
  const encoder = new Encoder(spec);
  const rows = new Float32Array(records.length * encoder.width);
  const imputed = records.map(({ name, record }, i) => {
    const result = encoder.encodeInto(record, rows, i * encoder.width);
    if (result.errors.length > 0) throw new Error(`reference record "${name}" does not encode: ${JSON.stringify(result.errors)}`);
    return result.imputed;
  });
  const session = await ort.InferenceSession.create(onnx);
  const results = await session.run({ [spec.io.input]: new ort.Tensor('float32', rows, [records.length, encoder.width]) });
  await session.release();
  const trainer = predictReferenceOutputs(spec, readMemberParams(onnx), rows, records.length);
  const rowOf = (values: Float32Array, name: string, i: number) => {
    const k = outputWidth(spec.io, name);
    return Array.from(values.subarray(i * k, (i + 1) * k));
  };
  return records.map(({ name, record }, i) => ({
    name,
    record,
    imputed: imputed[i]!,
    row: Array.from(rows.subarray(i * encoder.width, (i + 1) * encoder.width), (v) => (Number.isNaN(v) ? null : v)),
    ltv: (results[spec.io.outputs[0]!]!.data as Float32Array)[i]!,
    outputs: Object.fromEntries(spec.io.outputs.map((output) => [output, rowOf(results[output]!.data as Float32Array, output, i)])),
    trainer: Object.fromEntries(spec.io.outputs.map((output) => [output, rowOf(trainer[output]!, output, i)])),
  }));
}
