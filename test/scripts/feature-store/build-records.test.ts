/**
 * publish-store's validation: CSV rows against the bundled model's spec, with the
 * shared Encoder; rejected rows listed with line and field. Plus the CLI in
 * --dry-run (the real wrangler write is exercised by `npm run bench:feature-store`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../scripts/data/csv.js';
import { buildRecords } from '../../../scripts/feature-store/build-records.js';
import type { StoredFeatures } from '../../../src/feature-store/stored-record.js';
import { parseManifest } from '../../../src/spec/manifest.js';

const manifest = parseManifest(JSON.parse(readFileSync('model/ltv.json', 'utf8')));
const numeric = manifest.spec.features.find((f) => f.type === 'numeric')!.name;
const required = manifest.spec.features.find((f) => !f.optional);
const names = manifest.spec.features.map((f) => f.name);

/** A CSV with an id column, every feature and an extra (target) column; `cells` overrides per row. */
function csv(rows: { id: string; cells?: Record<string, string> }[]): string {
  const header = ['cid', ...names, 'ltv_26w'];
  const line = ({ id, cells = {} }: { id: string; cells?: Record<string, string> }) =>
    [id, ...manifest.spec.features.map((f) => cells[f.name] ?? (f.type === 'numeric' ? '1.5' : 'email')), '3'].join(',');
  return [header.join(','), ...rows.map(line)].join('\n');
}

describe('buildRecords', () => {
  it('writes one record per valid row, with the model version, missing cells left out', () => {
    const built = buildRecords(parseCsv(csv([{ id: 'a' }, { id: 'b', cells: { [numeric]: 'NA' } }])), 'cid', manifest, '2026-01-01T00:00:00Z');
    expect(built.rejected).toEqual(required?.name === numeric ? [expect.objectContaining({ line: 3, field: numeric })] : []);
    expect(built.ignoredColumns).toEqual(['ltv_26w']);
    const first = { key: built.pairs[0]!.key, value: JSON.parse(built.pairs[0]!.value) as StoredFeatures };
    expect(first.key).toBe('customer:a');
    expect(first.value.modelVersion).toBe(manifest.version);
    expect(first.value.features[numeric]).toBe(1.5);
    if (required?.name !== numeric) expect(JSON.parse(built.pairs[1]!.value).features).not.toHaveProperty(numeric);
  });

  it('rejects bad numbers, duplicate and empty ids, with line and field, and keeps the other rows', () => {
    const built = buildRecords(
      parseCsv(csv([{ id: 'a' }, { id: 'b', cells: { [numeric]: 'abc' } }, { id: 'a' }, { id: '' }, { id: 'c', cells: { [numeric]: '1e40' } }, { id: 'd' }])),
      'cid',
      manifest,
      'now',
    );
    expect(built.rejected).toEqual([
      { line: 3, id: 'b', field: numeric, message: 'expected a finite number, got "abc"' },
      { line: 4, id: 'a', field: 'cid', message: 'duplicate id, first on line 2' },
      { line: 5, id: undefined, field: 'cid', message: 'expected a non-empty id' },
      { line: 6, id: 'c', field: numeric, message: 'number 1e+40 is outside the float32 range' },
    ]);
    expect(built.pairs.map((p) => p.key)).toEqual(['customer:a', 'customer:d']);
  });

  it('names the columns when the id column is missing', () => {
    expect(() => buildRecords(parseCsv(csv([{ id: 'a' }]), { file: 'f.csv' }), 'customer_id', manifest, 'now', 'f.csv')).toThrow(
      /f\.csv: line 1: no id column "customer_id"; the columns are "cid", /,
    );
  });
});

describe('buildRecords ids', () => {
  it('stores an id exactly as written, never trimmed, and counts those with white space at an end', () => {
    const built = buildRecords(parseCsv(csv([{ id: '  spaced  ' }, { id: 'spaced' }, { id: '\tC7' }, { id: '   ' }])), 'cid', manifest, 'now');
    expect(built.pairs.map((p) => p.key)).toEqual(['customer:  spaced  ', 'customer:spaced', 'customer:\tC7']);
    expect(built.spacedIds).toBe(2);
    expect(built.rejected).toEqual([{ line: 5, id: '   ', field: 'cid', message: 'expected a non-empty id' }]);
  });
});

describe('npm run publish-store (dry run)', () => {
  it('lists rejected rows with file, line and field, counts, and exits 1', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ltv-publish-')), 'f.csv');
    writeFileSync(file, csv([{ id: 'a' }, { id: 'b', cells: { [numeric]: 'x' } }]));
    const error = await promisify(execFile)('npx', ['tsx', 'scripts/commands/publish-store.ts', '--features', file, '--id', 'cid', '--dry-run']).catch((e: unknown) => e);
    const { code, stdout } = error as { code: number; stdout: string };
    expect(code).toBe(1);
    expect(stdout).toContain(`rejected: ${file}: line 3, field "${numeric}" (id "b"): expected a finite number, got "x"`);
    expect(stdout).toContain(`would publish 1 record for model ${manifest.version}`);
    expect(stdout).toContain('rejected 1 row');
  });
});
