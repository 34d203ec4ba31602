import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLtvOnnx } from '../../../scripts/onnx/ltv-graph.js';
import { readMemberParams, readMlpParams } from '../../../scripts/onnx/read-params.js';
import { parseManifest } from '../../../src/spec/manifest.js';
import { heInit } from '../../../scripts/mlp/init.js';
import { Rng } from '../../../scripts/math/rng.js';
import { type FeatureSpec, SPEC_FORMAT } from '../../../src/spec/feature-spec.js';
import { ZILN_OUTPUTS } from '../../../src/head/ziln.js';

function spec(ziln: boolean): FeatureSpec {
  return {
    format: SPEC_FORMAT,
    features: Array.from({ length: 5 }, (_, i) => ({
      name: `x${i}`,
      type: 'numeric' as const,
      optional: true,
      transform: { impute: 0, min: -1, max: 1, mean: 0.5, std: 2 },
    })),
    target: {
      name: 'ltv',
      unit: 'USD',
      mean: 3,
      std: 4,
      ...(ziln ? { ziln: { muScale: 1.2, muShift: 3, muMin: 0, muMax: 8, sigmaFloor: 0.05, sigmaMax: 1.5 } } : {}),
    },
    io: { input: 'features', outputs: ziln ? [...ZILN_OUTPUTS] : ['ltv'] },
  };
}

describe('readMlpParams', () => {
  for (const ziln of [false, true]) {
    it(`reads back exactly the weights the exporter wrote (${ziln ? 'ZILN' : 'MSE'} head)`, () => {
      const params = heInit([5, 7, 4, ziln ? 3 : 1], new Rng(3));
      params.layers.forEach((l, i) => l.bias.forEach((_, j) => (l.bias[j] = 0.1 * (i + 1) + j)));
      const read = readMlpParams(buildLtvOnnx(spec(ziln), params, {}));
      expect(read.layers.map((l) => [l.inSize, l.outSize])).toEqual(params.layers.map((l) => [l.inSize, l.outSize]));
      read.layers.forEach((layer, i) => {
        expect(layer.weights).toEqual(params.layers[i]!.weights);
        expect(layer.bias).toEqual(params.layers[i]!.bias);
      });
    });
  }

  it('rebuilds the shipped model/ltv.onnx byte for byte from the weights read back and its manifest', () => {
    const onnx = new Uint8Array(readFileSync(new URL('../../../model/ltv.onnx', import.meta.url)));
    const manifest = parseManifest(JSON.parse(readFileSync(new URL('../../../model/ltv.json', import.meta.url), 'utf8')));
    const members = readMemberParams(onnx);
    expect(members).toHaveLength(manifest.spec.members?.count ?? 1);
    const rebuilt = buildLtvOnnx(manifest.spec, members, { name: manifest.name, trainingDataSha256: manifest.trainingData.sha256 });
    expect(Buffer.from(rebuilt).equals(Buffer.from(onnx))).toBe(true);
  });

  it('says what is missing in a graph that is not an LTV graph', () => {
    const params = heInit([5, 1], new Rng(1));
    const bytes = buildLtvOnnx(spec(false), params, {});
    expect(() => readMlpParams(bytes.slice(0, 40), 'broken.onnx')).toThrow(/broken\.onnx/);
  });
});
