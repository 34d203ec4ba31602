/** Member plans (scripts/train/members.ts): folds, seeds, bootstrap, and prefixes that do not depend on the count. */
import { describe, expect, it } from 'vitest';
import { memberPlans } from '../../../scripts/train/members.js';

describe('memberPlans', () => {
  const rows = 103;

  it('gives member k fold k of 10 for validation and the other rows for training', () => {
    const plans = memberPlans(rows, 3, 42, 0.1, 'folds');
    const folds = plans.map((p) => p.validation);
    expect(plans.map((p) => p.fold)).toEqual([0, 1, 2]);
    for (const plan of plans) {
      expect(plan.validation.length).toBeGreaterThanOrEqual(10);
      expect(plan.validation.length + plan.train.length).toBe(rows);
      const held = new Set(plan.validation);
      expect(plan.train.every((row) => !held.has(row))).toBe(true);
      expect(Array.from(plan.validation)).toEqual(Array.from(plan.validation).sort((a, b) => a - b));
    }
    // Folds are disjoint.
    expect(new Set(folds.flatMap((f) => Array.from(f))).size).toBe(folds.reduce((n, f) => n + f.length, 0));
    expect(new Set(plans.map((p) => p.seed)).size).toBe(3);
  });

  it('plans the first K members of a larger ensemble exactly as a K-member one', () => {
    const three = memberPlans(rows, 3, 7, 0.1, 'bootstrap');
    const eight = memberPlans(rows, 8, 7, 0.1, 'bootstrap');
    expect(eight.slice(0, 3)).toEqual(three);
    expect(memberPlans(rows, 3, 8, 0.1, 'bootstrap')).not.toEqual(three);
  });

  it('wraps around the folds beyond ten members, and shares fold 0 when asked', () => {
    expect(memberPlans(rows, 12, 1, 0.1, 'folds').map((p) => p.fold)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const shared = memberPlans(rows, 3, 1, 0.1, 'folds', 'shared');
    expect(shared.every((p) => p.fold === 0 && p.validation.join() === shared[0]!.validation.join())).toBe(true);
  });

  it('resamples the training rows with replacement for bootstrap members, never from the validation fold', () => {
    const [plan] = memberPlans(rows, 1, 42, 0.1, 'bootstrap');
    const held = new Set(plan!.validation);
    expect(plan!.train.length).toBe(rows - plan!.validation.length);
    expect(plan!.train.every((row) => !held.has(row))).toBe(true);
    expect(new Set(plan!.train).size).toBeLessThan(plan!.train.length);
  });

  it('cuts a split of fewer rows than folds into one fold per row, and refuses a count below 1 or a single row', () => {
    expect(memberPlans(5, 7, 42, 0.1, 'folds').map((p) => [p.fold, p.validation.length, p.train.length])).toEqual([
      [0, 1, 4], [1, 1, 4], [2, 1, 4], [3, 1, 4], [4, 1, 4], [0, 1, 4], [1, 1, 4],
    ]);
    expect(() => memberPlans(rows, 0, 42, 0.1, 'folds')).toThrow('members must be a positive integer');
    expect(() => memberPlans(1, 1, 42, 0.1, 'folds')).toThrow('a training split of 1 row leaves none for training');
  });
});
