/**
 * The two models the inference benchmark runs: the shipped default model,
 * and a wide 1000→500→100→1 one built at bench time with the trainer's own
 * initialisation and ONNX exporter. Each comes as the .onnx bytes every runtime
 * loads, the spec that says how wide a row is, and the layer sizes read back out of
 * that very file for the table's heading.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FeatureSpec, type NumericFeature, SPEC_FORMAT, encodedWidth } from '../../../src/spec/feature-spec.js';
import { parseManifest } from '../../../src/spec/manifest.js';
import { buildLtvOnnx } from '../../onnx/ltv-graph.js';
import { readMemberParams } from '../../onnx/read-params.js';
import { heInit } from '../../mlp/init.js';
import type { MlpParams } from '../../mlp/params.js';
import { Rng } from '../../math/rng.js';
import { root } from '../workerd/workerd.js';

export interface BenchModel {
  /** Key in results and in the bench worker's bindings: `default` or `wide`. */
  name: string;
  /** For the table's heading, e.g. `model/ltv.onnx: 27→500→100→3, ZILN head`. */
  title: string;
  onnxPath: string;
  onnx: Uint8Array;
  spec: FeatureSpec;
  /** Encoded columns per row (F of the [batch, F] input). */
  width: number;
  /** The MLPs as stored in `onnx` (for their sizes): one network, or one per member. */
  params: MlpParams[];
}

function describe(members: MlpParams[], spec: FeatureSpec): string {
  const [params] = members;
  const sizes = [params!.layers[0]!.inSize, ...params!.layers.map((l) => l.outSize)].join('→');
  const count = members.length === 1 ? '' : `${members.length} members of `;
  return `${count}${sizes}, ${spec.target.ziln === undefined ? 'MSE head (1 output)' : `ZILN head (${spec.io.outputs.length} outputs)`}${spec.calibration === undefined ? '' : ', calibrated'}`;
}

/** model/ltv.onnx with its spec from model/ltv.json. */
export function defaultModel(): BenchModel {
  const onnxPath = join(root, 'model', 'ltv.onnx');
  const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model', 'ltv.json'), 'utf8')));
  const onnx = new Uint8Array(readFileSync(onnxPath));
  const params = readMemberParams(onnx, onnxPath);
  return { name: 'default', title: `model/ltv.onnx: ${describe(params, manifest.spec)}`, onnxPath, onnx, spec: manifest.spec, width: encodedWidth(manifest.spec), params };
}

export const WIDE_SIZES = [1000, 500, 100, 1] as const;

/**
 * A 1000→500→100→1 MLP over 1000 numeric columns, He-initialised with seed 42 and
 * exported by the trainer's exporter to `dir`/wide.onnx (a temporary directory:
 * never committed). Untrained weights cost the same compute as trained ones. The
 * head is MSE (one output): the ZILN head's three extra outputs are a few scalar
 * operations per row, nothing next to a 1000×500 product. Columns are imputed with 0,
 * clipped to ±10 and scaled with mean 0 and std 1, so the graph has the same
 * impute/clip/scale front as the shipped one.
 */
export function wideModel(dir: string): BenchModel {
  const [inputs, ...rest] = WIDE_SIZES;
  const features: NumericFeature[] = Array.from({ length: inputs }, (_, i) => ({
    name: `x${i}`,
    type: 'numeric',
    optional: true,
    transform: { impute: 0, min: -10, max: 10, mean: 0, std: 1 },
  }));
  const spec: FeatureSpec = {
    format: SPEC_FORMAT,
    features,
    target: { name: 'ltv', unit: '', mean: 0, std: 1 },
    io: { input: 'features', outputs: ['ltv'] },
  };
  const onnx = buildLtvOnnx(spec, heInit([inputs, ...rest], new Rng(42)), { name: 'bench-wide' });
  const onnxPath = join(dir, 'wide.onnx');
  writeFileSync(onnxPath, onnx);
  const params = readMemberParams(onnx, onnxPath);
  return { name: 'wide', title: `generated wide model: ${describe(params, spec)}, untrained (seed 42)`, onnxPath, onnx, spec, width: inputs, params };
}
