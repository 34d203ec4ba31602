/**
 * The synthetic transaction log: exact line count, same seed same bytes, and the
 * traits the features step must handle (returns, several lines per order).
 */
import { describe, expect, it } from 'vitest';
import { LOG_HEADER, generateLog } from '../../../scripts/log-to-table/log-generator.js';

async function text(lines: number, seed: number): Promise<{ text: string; customers: number }> {
  let out = '';
  const customers = await generateLog({ lines, seed }, (chunk) => { out += chunk; });
  return { text: out, customers };
}

describe('generateLog', () => {
  it('writes exactly the lines asked for, the same bytes for the same seed, others for another', async () => {
    const a = await text(5000, 3);
    const b = await text(5000, 3);
    const c = await text(5000, 4);
    const lines = a.text.trimEnd().split('\n');
    expect(lines[0]).toBe(LOG_HEADER);
    expect(lines.length).toBe(5001);
    expect(b.text).toBe(a.text);
    expect(c.text).not.toBe(a.text);
  });

  it('has returns, multi-line orders, and one country per customer', async () => {
    const { text: log, customers } = await text(20_000, 1);
    const rows = log.trimEnd().split('\n').slice(1).map((line) => line.split(','));
    const returns = rows.filter((r) => Number(r[4]) < 0);
    expect(returns.length / rows.length).toBeGreaterThan(0.001);
    expect(returns.every((r) => r[1]!.startsWith('R'))).toBe(true);
    const perOrder = new Map<string, number>();
    for (const r of rows) perOrder.set(r[1]!, (perOrder.get(r[1]!) ?? 0) + 1);
    expect(rows.length / perOrder.size).toBeGreaterThan(2);
    const country = new Map<string, Set<string>>();
    for (const r of rows) (country.get(r[0]!) ?? country.set(r[0]!, new Set()).get(r[0]!)!).add(r[6]!);
    expect(country.size).toBe(customers);
    expect([...country.values()].every((set) => set.size === 1)).toBe(true);
    expect(rows.every((r) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(r[2]!))).toBe(true);
  });
});
