import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ModelFile, canonicalJson, modelVersion, sha256Hex, writeModelDir } from '../../../scripts/onnx/write-model-dir.js';
import { type FeatureSpec, SPEC_FORMAT } from '../../../src/spec/feature-spec.js';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ltv-write-model-dir-'));
  dir = join(root, 'model');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const onnxBytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);

async function snapshot(path: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(path)).sort()) out[name] = (await readFile(join(path, name))).toString('base64');
  return out;
}

/** A file whose data cannot be produced: the failure happens after earlier files were written. */
function failingFile(name: string): ModelFile {
  return {
    name,
    get data(): Uint8Array {
      throw new Error('report rendering failed');
    },
  };
}

describe('writeModelDir', () => {
  it('creates the directory, and its parents, when it does not exist', async () => {
    const nested = join(root, 'a', 'b', 'model');
    await writeModelDir(nested, [{ name: 'ltv.onnx', data: onnxBytes }, { name: 'ltv.json', data: '{"x":1}\n' }]);
    expect(await readdir(nested)).toEqual(['ltv.json', 'ltv.onnx']);
    expect(new Uint8Array(await readFile(join(nested, 'ltv.onnx')))).toEqual(onnxBytes);
    expect(await readFile(join(nested, 'ltv.json'), 'utf8')).toBe('{"x":1}\n');
    expect(await readdir(join(root, 'a', 'b'))).toEqual(['model']);
  });

  it('replaces an existing model directory entirely, leaving nothing beside it', async () => {
    await mkdir(dir);
    await writeFile(join(dir, 'ltv.onnx'), 'old model');
    await writeFile(join(dir, 'report.png'), 'old screenshot');
    await writeModelDir(dir, [{ name: 'ltv.onnx', data: onnxBytes }, { name: 'report.html', data: '<p>new' }]);
    expect(await readdir(dir)).toEqual(['ltv.onnx', 'report.html']);
    expect(new Uint8Array(await readFile(join(dir, 'ltv.onnx')))).toEqual(onnxBytes);
    expect(await readdir(root)).toEqual(['model']);
  });

  it('leaves an existing directory byte-identical, and no temporary directory, when a file fails mid-way', async () => {
    await mkdir(dir);
    await writeFile(join(dir, 'ltv.onnx'), onnxBytes);
    await writeFile(join(dir, 'ltv.json'), '{"version":"old"}');
    const before = await snapshot(dir);

    const files = [{ name: 'ltv.onnx', data: new Uint8Array(10) }, { name: 'ltv.json', data: '{}' }, failingFile('report.html')];
    await expect(writeModelDir(dir, files)).rejects.toThrow('report rendering failed');

    expect(await snapshot(dir)).toEqual(before);
    expect(await readdir(root)).toEqual(['model']);
  });

  it('leaves no trace when it fails before the directory ever existed', async () => {
    await expect(writeModelDir(dir, [{ name: 'ltv.onnx', data: onnxBytes }, failingFile('ltv.json')])).rejects.toThrow('report rendering failed');
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses names that are not plain file names, or repeat, before touching anything', async () => {
    await mkdir(dir);
    await writeFile(join(dir, 'ltv.onnx'), 'old');
    for (const name of ['', '.', '..', '../escape', 'sub/ltv.onnx', 'a\\b']) {
      await expect(writeModelDir(dir, [{ name, data: 'x' }])).rejects.toThrow('is not a plain file name');
    }
    await expect(writeModelDir(dir, [{ name: 'ltv.json', data: 'x' }, { name: 'ltv.json', data: 'y' }])).rejects.toThrow('"ltv.json" is listed twice');
    await expect(writeModelDir(dir, [{ name: 'notes.txt', data: 'x' }])).rejects.toThrow('"notes.txt" is not one a model directory holds');
    expect(await readdir(root)).toEqual(['model']);
    expect(await readFile(join(dir, 'ltv.onnx'), 'utf8')).toBe('old');
  });

  it('refuses a directory holding anything but model files, and leaves it byte-identical', async () => {
    await mkdir(join(dir, 'photos'), { recursive: true });
    await writeFile(join(dir, 'photos', 'cat.jpg'), 'meow');
    await writeFile(join(dir, 'customers.csv'), 'a,b\n1,2\n');
    await writeFile(join(dir, 'ltv.onnx'), 'old');
    await expect(writeModelDir(dir, [{ name: 'ltv.onnx', data: onnxBytes }])).rejects.toThrow(/holds "customers\.csv", "photos\/", which a model directory does not/);
    expect(await readdir(dir)).toEqual(['customers.csv', 'ltv.onnx', 'photos']);
    expect(await readFile(join(dir, 'photos', 'cat.jpg'), 'utf8')).toBe('meow');
    expect(await readFile(join(dir, 'ltv.onnx'), 'utf8')).toBe('old');
    expect(await readdir(root)).toEqual(['model']);
  });

  it('refuses to replace something that is not a directory', async () => {
    await writeFile(dir, 'a file');
    await expect(writeModelDir(dir, [{ name: 'ltv.onnx', data: onnxBytes }])).rejects.toThrow('exists and is not a directory');
    expect(await readFile(dir, 'utf8')).toBe('a file');
    expect(await readdir(root)).toEqual(['model']);
  });
});

describe('sha256Hex', () => {
  it('hashes bytes and UTF-8 text', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
  });
});

describe('modelVersion', () => {
  const spec: FeatureSpec = {
    format: SPEC_FORMAT,
    features: [{ name: 'recency', type: 'numeric', optional: false, transform: { impute: 1, min: 0, max: 9, mean: 2, std: 3 } }],
    target: { name: 'spend', unit: 'USD', mean: 10, std: 20 },
    io: { input: 'features', outputs: ['ltv'] },
  };

  it('is the first 16 hex digits of SHA-256 over the ONNX bytes then the canonical spec JSON', () => {
    const joined = new Uint8Array([...onnxBytes, ...new TextEncoder().encode(canonicalJson(spec))]);
    expect(modelVersion(onnxBytes, spec)).toBe(sha256Hex(joined).slice(0, 16));
    expect(modelVersion(onnxBytes, spec)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('ignores key order in the spec and changes with any byte of the model or value of the spec', () => {
    const reordered: FeatureSpec = { io: spec.io, target: spec.target, features: spec.features, format: spec.format };
    expect(modelVersion(onnxBytes, reordered)).toBe(modelVersion(onnxBytes, spec));
    const flipped = onnxBytes.slice();
    flipped[500]! ^= 1;
    expect(modelVersion(flipped, spec)).not.toBe(modelVersion(onnxBytes, spec));
    expect(modelVersion(onnxBytes, { ...spec, target: { ...spec.target, std: 21 } })).not.toBe(modelVersion(onnxBytes, spec));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: 'x', c: true })).toBe('{"a":"x","b":[3,{"a":null,"z":1}],"c":true}');
  });

  it('refuses values JSON would silently change', () => {
    expect(() => canonicalJson({ std: Number.NaN })).toThrow('NaN is not a finite number');
    expect(() => canonicalJson({ f: undefined })).toThrow('cannot encode a undefined');
  });
});
