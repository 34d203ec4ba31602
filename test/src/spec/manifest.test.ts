import { describe, expect, it } from 'vitest';
import { MANIFEST_FORMAT, ManifestError, type ModelManifest, parseManifest } from '../../../src/spec/manifest.js';
import { smallSpec } from './fixtures.js';

function manifest(): ModelManifest {
  return {
    format: MANIFEST_FORMAT,
    name: 'ltv',
    version: '0123456789abcdef',
    onnxSha256: 'a'.repeat(64),
    createdAt: '2026-11-28T00:00:00.000Z',
    trainingData: { sha256: 'b'.repeat(64), rows: 10, source: 'test' },
    hyperparameters: { hidden: [4] },
    metrics: { rmse: 1 },
    spec: smallSpec(),
  };
}

const zilnHead = () => ({ muShift: 3, muScale: 1, muMin: 0.5, muMax: 8.6, sigmaFloor: 0.05, sigmaMax: 1.2 });

function zilnManifest(): ModelManifest {
  const m = manifest();
  return { ...m, head: 'ziln', spec: { ...m.spec, target: { ...m.spec.target, ziln: zilnHead() }, io: { input: 'features', outputs: ['ltv', 'p_purchase', 'mu', 'sigma'] } } };
}

describe('parseManifest', () => {
  it('accepts a well-formed manifest unchanged', () => {
    const m = manifest();
    expect(parseManifest(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });

  const broken: [string, (m: Record<string, any>) => void, string][] = [
    ['wrong format', (m) => { m.format = 'x'; }, '/format'],
    ['bad hash', (m) => { m.onnxSha256 = 'xyz'; }, '/onnxSha256'],
    ['duplicate feature', (m) => { m.spec.features[1].name = 'recency'; }, '/spec/features/1/name'],
    ['zero std', (m) => { m.spec.features[0].transform.std = 0; }, '/spec/features/0/transform/std'],
    ['min above max', (m) => { m.spec.features[2].transform.min = 1e9; }, '/spec/features/2/transform'],
    ['levels and transforms disagree', (m) => { m.spec.features[1].transforms.pop(); }, '/spec/features/1/transforms'],
    ['unknown type', (m) => { m.spec.features[0].type = 'text'; }, '/spec/features/0/type'],
    ['no outputs', (m) => { m.spec.io.outputs = []; }, '/spec/io/outputs'],
    ['target std not a number', (m) => { m.spec.target.std = 'x'; }, '/spec/target/std'],
    ['unknown head', (m) => { m.head = 'huber'; }, '/head'],
    ['ZILN bounds on an MSE head', (m) => { m.spec.target.ziln = zilnHead(); }, '/spec/target/ziln'],
    ['a ZILN head without its bounds', (m) => { m.head = 'ziln'; m.spec.io.outputs = ['ltv', 'p_purchase', 'mu', 'sigma']; }, '/spec/target/ziln'],
    ['a ZILN head with a non-finite bound', (m) => { Object.assign(m, zilnManifest()); m.spec.target.ziln.muMax = null; }, '/spec/target/ziln/muMax'],
    ['a ZILN head with crossed σ bounds', (m) => { Object.assign(m, zilnManifest()); m.spec.target.ziln.sigmaMax = 0.01; }, '/spec/target/ziln'],
    ['a ZILN head with the MSE outputs', (m) => { Object.assign(m, zilnManifest()); m.spec.io.outputs = ['ltv']; }, '/spec/io/outputs'],
  ];

  it('accepts a ZILN manifest, and one written before heads existed (no head: MSE)', () => {
    const ziln = zilnManifest();
    expect(parseManifest(JSON.parse(JSON.stringify(ziln)))).toEqual(ziln);
    const old = manifest();
    expect('head' in old).toBe(false);
    expect(parseManifest(old).head).toBeUndefined();
  });
  for (const [what, mutate, path] of broken) {
    it(`names the path when ${what}`, () => {
      const m = manifest() as unknown as Record<string, any>;
      mutate(m);
      expect(() => parseManifest(m)).toThrow(ManifestError);
      try {
        parseManifest(m);
      } catch (error) {
        expect((error as ManifestError).path).toBe(path);
        expect((error as Error).message.startsWith(`${path}: `)).toBe(true);
      }
    });
  }
});
