/**
 * Property-based test of the trainer on generated malformed CSVs: every input ends
 * either in a correct run (model, manifest, report and test predictions written, a manifest that names its ONNX)
 * or in an expected error (DataError, TrainingDivergedError) whose message names
 * the file, which the CLI prints without a stack trace; never another exception
 * (a bug, which the CLI would print as a stack trace), and never a partial
 * output directory.
 *
 * Seed and runs: test/support/fc-settings.ts (FC_SEED, FC_RUNS); each case trains
 * a 4-unit network for one epoch, so runs are cheap.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../scripts/data/errors.js';
import { sha256Hex } from '../../../scripts/onnx/write-model-dir.js';
import { trainModel } from '../../../scripts/train/train-model.js';
import { TrainingDivergedError } from '../../../scripts/mlp/fit.js';
import { parseManifest } from '../../../src/spec/manifest.js';
import { fcSettings } from '../../support/fc-settings.js';

const settings = fcSettings(process.env);
const dir = mkdtempSync(join(tmpdir(), 'ltv-hostile-csv-'));

/** Cells that break naive CSV readers and number parsers. */
const cell = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 500 }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('', 'NA', 'nan', 'null', 'inf', '-Infinity', '1e999', '0x1A', '1,5', '"a,b"', '"unclosed', 'é', '💸', ' 12 ', '-0', 'a"b') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);

/** A CSV: a header (possibly with duplicate, empty or odd names), rows with ragged field counts, odd line endings. */
const csv = fc
  .record({
    header: fc.array(fc.oneof(fc.constantFrom('x', 'y', 'ltv', '', 'x', 'channel', '"q,r"', '__proto__'), fc.string({ maxLength: 5 })), { minLength: 1, maxLength: 5 }),
    rows: fc.array(fc.array(cell, { minLength: 0, maxLength: 6 }), { minLength: 0, maxLength: 40 }),
    newline: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    trailing: fc.constantFrom('', '\n', '\n\n', ','),
  })
  .map(({ header, rows, newline, bom, trailing }) => (bom ? '\uFEFF' : '') + [header, ...rows].map((r) => r.join(',')).join(newline) + trailing);

/** Mostly well-formed tables (so that correct runs happen too), with a few broken cells. */
const nearlyValid = fc
  .array(fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom('a', 'b', 'c', ''), fc.oneof({ weight: 9, arbitrary: fc.double({ min: 0, max: 1000, noNaN: true }).map(String) }, { weight: 1, arbitrary: cell })), {
    minLength: 5,
    maxLength: 60,
  })
  .map((rows) => ['x,channel,ltv', ...rows.map(([x, channel, ltv]) => `${x},${channel},${ltv}`)].join('\n'));

let n = 0;
async function trainOn(text: string): Promise<'trained' | 'refused'> {
  n += 1;
  const data = join(dir, `case-${n}.csv`);
  const out = join(dir, `out-${n}`);
  writeFileSync(data, text);
  try {
    await trainModel({ prepare: { data }, fit: { hidden: [4], epochs: 1, batchSize: 32, seed: 1 }, out });
  } catch (error) {
    if (!(error instanceof DataError || error instanceof TrainingDivergedError)) throw error;
    expect(error.message).toMatch(/\S/);
    if (error instanceof DataError) expect(error.message).toContain(data);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
    return 'refused';
  }
  expect(readdirSync(out)).toEqual(expect.arrayContaining(['ltv.json', 'ltv.onnx', 'report.json', 'test-predictions.csv']));
  const manifest = parseManifest(JSON.parse(readFileSync(join(out, 'ltv.json'), 'utf8')));
  expect(manifest.onnxSha256).toBe(sha256Hex(readFileSync(join(out, 'ltv.onnx'))));
  return 'trained';
}

describe(`the trainer on generated malformed CSVs (seed ${settings.seed}, ${settings.numRuns} runs each)`, () => {
  it('any CSV text: a correct run or an expected error naming the file, never a partial output', async () => {
    await fc.assert(fc.asyncProperty(csv, async (text) => void (await trainOn(text))), settings);
  }, 120_000);

  it('nearly valid tables: correct runs and clear refusals, both happen', async () => {
    const outcomes = { trained: 0, refused: 0 };
    await fc.assert(fc.asyncProperty(nearlyValid, async (text) => void (outcomes[await trainOn(text)] += 1)), settings);
    expect(outcomes.trained).toBeGreaterThan(0);
  }, 120_000);
});
