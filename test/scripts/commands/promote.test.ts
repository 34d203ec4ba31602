/**
 * `npm run promote`: the real CLI on real trained models. A well-trained candidate
 * replaces a barely-trained served model (the old one kept for rollback); the
 * barely-trained one offered back is refused with exit 1 and nothing changes;
 * --rollback restores the previous model; a tampered candidate is refused.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCustomers, toCsv } from '../../../scripts/data/generate.js';
import { type TrainConfig, trainModel } from '../../../scripts/train/train-model.js';
import { TOLERANCE } from '../../../scripts/releases/gate.js';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ltv-promote-'));
const data = join(dir, 'customers.csv');
writeFileSync(data, toCsv(generateCustomers({ rows: 1500, seed: 11 })));
const served = join(dir, 'model');
const strong = join(dir, 'strong');
const weak = join(dir, 'weak');

const config = (out: string, fit: TrainConfig['fit'], ensemble?: TrainConfig['ensemble']): TrainConfig => ({ prepare: { data, id: 'customer_id', unit: 'USD' }, fit, out, ensemble });

async function promote(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', 'scripts/commands/promote.ts', '--model', served, ...args]);
    return { code: 0, stdout, stderr: withoutNpmWarnings(stderr) };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: withoutNpmWarnings(e.stderr) };
  }
}

/** npx's own warnings about this machine's npm config are not the CLI's output. */
const withoutNpmWarnings = (text: string) => text.split('\n').filter((line) => !line.startsWith('npm warn')).join('\n');

const version = (modelDir: string) => (JSON.parse(readFileSync(join(modelDir, 'ltv.json'), 'utf8')) as { version: string }).version;

describe('npm run promote', () => {
  beforeAll(async () => {
    // Weak: one epoch at a learning rate too small to learn anything, uncalibrated (calibrated, even a
    // random ranking scores well on decile MAPE); as many members, so the graph's outputs match. Strong: a real, small fit.
    await trainModel(config(weak, { hidden: [8], epochs: 1, lr: 1e-7, batchSize: 256 }, { calibration: false }));
    await trainModel(config(strong, { hidden: [16, 8], epochs: 25, batchSize: 64 }));
    cpSync(weak, served, { recursive: true });
  }, 120_000);

  it('promotes a better candidate, prints the comparison, and keeps the old model for rollback', async () => {
    const result = await promote(['--candidate', strong]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/normalised Gini\s+-?\d\.\d{4}\s+\d\.\d{4}\s+\+\d/);
    expect(result.stdout).toContain(`may drop ≤ ${TOLERANCE.normalisedGini}`);
    expect(result.stdout).toContain('promoted:');
    expect(version(served)).toBe(version(strong));
    expect(version(`${served}.previous`)).toBe(version(weak));
  }, 60_000);

  it('refuses a worse candidate with exit 1, says why, and leaves the served model alone', async () => {
    const before = readFileSync(join(served, 'ltv.onnx'));
    const result = await promote(['--candidate', weak]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('decile MAPE');
    expect(result.stderr).toMatch(/^promote: refused: normalised Gini drops by \d\.\d{4} \(tolerance 0\.01\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(readFileSync(join(served, 'ltv.onnx')).equals(before)).toBe(true);
    expect(version(served)).toBe(version(strong));
  }, 60_000);

  it('--dry-run accepts without touching model/; --rollback swaps back to the previous model', async () => {
    const dry = await promote(['--candidate', strong, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('accepted (dry run)');
    expect(version(`${served}.previous`)).toBe(version(weak));

    const rolled = await promote(['--rollback']);
    expect(rolled.code).toBe(0);
    expect(version(served)).toBe(version(weak));
    expect(version(`${served}.previous`)).toBe(version(strong));
  }, 60_000);

  it('refuses a candidate whose ONNX bytes are not the ones its spec names', async () => {
    const tampered = join(dir, 'tampered');
    cpSync(strong, tampered, { recursive: true });
    const bytes = readFileSync(join(tampered, 'ltv.onnx'));
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(join(tampered, 'ltv.onnx'), bytes);
    const result = await promote(['--candidate', tampered]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/candidate .*ltv\.onnx: SHA-256 [0-9a-f]{64}, but ltv\.json names/);
    expect(version(served)).toBe(version(weak));
  }, 60_000);

  it('refuses a candidate whose test metrics are not finite (NaN, written to ltv.json as null), better scores or not', async () => {
    const broken = join(dir, 'nan-metrics');
    cpSync(strong, broken, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(broken, 'ltv.json'), 'utf8')) as { metrics: Record<string, number | null> };
    manifest.metrics.mse = null;
    writeFileSync(join(broken, 'ltv.json'), JSON.stringify(manifest));
    const result = await promote(['--candidate', broken]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^promote: refused: the candidate's test metrics in ltv\.json are not finite numbers \("mse" null\)/);
    expect(version(served)).toBe(version(weak));
  }, 60_000);

  it('refuses to discard a previous-model directory that holds a user\'s files, and changes nothing', async () => {
    const notes = join(`${served}.previous`, 'notes.txt');
    writeFileSync(notes, 'mine');
    const result = await promote(['--candidate', strong]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^promote: the previous model directory .*: holds "notes\.txt", which a model directory does not; refusing/m);
    expect(readFileSync(notes, 'utf8')).toBe('mine');
    expect(version(served)).toBe(version(weak));
    expect(version(`${served}.previous`)).toBe(version(strong));
    rmSync(notes);
  }, 60_000);

  it('refuses a candidate that is the served model itself', async () => {
    const result = await promote(['--candidate', served]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^promote: --model .* is the same file as --candidate/m);
  }, 60_000);
});
