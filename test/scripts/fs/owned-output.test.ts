/**
 * What a command may replace: a model directory's own files only, never an input,
 * never a directory holding anything a user put there.
 */
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  OutputRefusedError, checkModelDirReplaceable, checkOutputFileReplaceable, checkOutputNotInput, removeModelDir,
} from '../../../scripts/fs/owned-output.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'ltv-owned-'));

describe('checkModelDirReplaceable', () => {
  it('accepts a missing directory, an empty one, and one holding only model files', () => {
    const root = fresh();
    expect(() => checkModelDirReplaceable(join(root, 'absent'), '--out')).not.toThrow();
    mkdirSync(join(root, 'empty'));
    expect(() => checkModelDirReplaceable(join(root, 'empty'), '--out')).not.toThrow();
    mkdirSync(join(root, 'model'));
    for (const name of ['ltv.onnx', 'ltv.json', 'report.json', 'report.html', 'test-predictions.csv', 'report.png']) {
      writeFileSync(join(root, 'model', name), 'x');
    }
    expect(() => checkModelDirReplaceable(join(root, 'model'), '--out')).not.toThrow();
  });

  it('refuses a directory holding a file a model directory does not, naming it and the option', () => {
    const root = fresh();
    writeFileSync(join(root, 'customers.csv'), 'a,b\n');
    writeFileSync(join(root, 'ltv.onnx'), 'x');
    expect(() => checkModelDirReplaceable(root, '--out')).toThrow(OutputRefusedError);
    expect(() => checkModelDirReplaceable(root, '--out')).toThrow(/^--out .*: holds "customers\.csv", which a model directory does not; refusing/);
  });

  it('refuses a subdirectory, even one named like a model file, and counts what it does not list', () => {
    const root = fresh();
    mkdirSync(join(root, 'ltv.json'));
    for (let i = 0; i < 7; i++) writeFileSync(join(root, `f${i}`), '');
    expect(() => checkModelDirReplaceable(root, '--out')).toThrow(/holds "f0", "f1", "f2", "f3", "f4" and 3 more/);
  });

  it('refuses a plain file and a symbolic link', () => {
    const root = fresh();
    writeFileSync(join(root, 'file'), 'x');
    expect(() => checkModelDirReplaceable(join(root, 'file'), '--out')).toThrow(/is not a directory/);
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect(() => checkModelDirReplaceable(join(root, 'link'), '--out')).toThrow(/symbolic link/);
  });
});

describe('checkOutputNotInput', () => {
  it('refuses an output that is an input, also through a relative path or a link', () => {
    const root = fresh();
    const log = join(root, 'log.csv');
    writeFileSync(log, 'x');
    symlinkSync(log, join(root, 'alias.csv'));
    expect(() => checkOutputNotInput({ flag: '--out', path: log }, [{ flag: '--transactions', path: log }]))
      .toThrow(/--out .*log\.csv is the same file as --transactions/);
    expect(() => checkOutputNotInput({ flag: '--out', path: join(root, 'sub', '..', 'log.csv') }, [{ flag: '--transactions', path: log }]))
      .toThrow(OutputRefusedError);
    expect(() => checkOutputNotInput({ flag: '--out', path: join(root, 'alias.csv') }, [{ flag: '--transactions', path: log }]))
      .toThrow(OutputRefusedError);
  });

  it('refuses a directory output that contains an input, and accepts a sibling', () => {
    const root = fresh();
    const data = join(root, 'customers.csv');
    expect(() => checkOutputNotInput({ flag: '--out', path: root }, [{ flag: '--data', path: data }])).toThrow(/contains --data/);
    expect(() => checkOutputNotInput({ flag: '--out', path: join(root, 'model') }, [{ flag: '--data', path: data }])).not.toThrow();
    expect(() => checkOutputNotInput({ flag: '--out', path: join(root, '..model') }, [{ flag: '--data', path: data }])).not.toThrow();
  });
});

describe('checkOutputFileReplaceable', () => {
  it('refuses a directory where a file is to be written', () => {
    const root = fresh();
    expect(() => checkOutputFileReplaceable({ flag: '--out', path: root }, [])).toThrow(/is a directory/);
    expect(() => checkOutputFileReplaceable({ flag: '--out', path: join(root, 'new.csv') }, [])).not.toThrow();
  });
});

describe('removeModelDir', () => {
  it('removes a model directory, and leaves one holding anything else in place with that file', () => {
    const root = fresh();
    const model = join(root, 'model');
    mkdirSync(model);
    writeFileSync(join(model, 'ltv.onnx'), 'x');
    removeModelDir(model);
    expect(readdirSync(root)).toEqual([]);

    mkdirSync(model);
    writeFileSync(join(model, 'ltv.onnx'), 'x');
    writeFileSync(join(model, 'notes.txt'), 'mine');
    expect(() => removeModelDir(model)).toThrow(/ENOTEMPTY|not empty/);
    expect(readdirSync(model)).toEqual(['notes.txt']);
  });
});
