/**
 * `npm run pipeline`: a generated log in, a trained model directory out, through the
 * real CLI (features in-process, train as its own command). A small network keeps it fast.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../../scripts/log-to-table/log-generator.js';

const run = promisify(execFile);

describe('npm run pipeline', () => {
  it('builds the feature table and trains a model on it, id column excluded from the features', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ltv-pipeline-'));
    let log = '';
    await generateLog({ lines: 30_000, seed: 5 }, (chunk) => { log += chunk; });
    writeFileSync(join(dir, 'log.csv'), log);
    const model = join(dir, 'model');
    const { stderr } = await run('npx', ['tsx', 'scripts/commands/pipeline.ts',
      '--transactions', join(dir, 'log.csv'), '--out', model,
      '--date', 'timestamp', '--quantity', 'quantity', '--unit-price', 'unit_price', '--attribute', 'country',
      '--calibration-end', '2023-06-30',
      '--', '--hidden', '8', '--epochs', '2']);
    expect(stderr).toMatch(/── features\n[\s\S]*wrote .*model\.features\.csv: [\d,]+ customers[\s\S]*── train[\s\S]*── report/);
    expect(readdirSync(model).sort()).toEqual(['ltv.json', 'ltv.onnx', 'report.html', 'report.json', 'test-predictions.csv']);
    const manifest = JSON.parse(readFileSync(join(model, 'ltv.json'), 'utf8')) as { spec: { features: { name: string }[]; target: { name: string } } };
    const names = manifest.spec.features.map((f) => f.name);
    expect(names).toContain('x_repeat_days');
    expect(names).toContain('country');
    expect(names).not.toContain('customer_id');
    expect(manifest.spec.target.name).toBe('target_spend');
    const report = JSON.parse(readFileSync(join(model, 'report.json'), 'utf8')) as { test: { model: { rmse: number } } };
    expect(Number.isFinite(report.test.model.rmse)).toBe(true);
  }, 120_000);
});
