import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, readWarmUpRuns } from '../../src/config.js';

describe('WARM_UP_RUNS', () => {
  it('is read as wrangler.toml sets it, and from a string (--var, the dashboard)', () => {
    expect(readWarmUpRuns(env.WARM_UP_RUNS)).toEqual({ runs: 3000 });
    expect(readWarmUpRuns('250')).toEqual({ runs: 250 });
    expect(readWarmUpRuns(1)).toEqual({ runs: 1 });
  });

  it('defaults when unset', () => {
    expect(readWarmUpRuns(undefined)).toEqual({ runs: DEFAULTS.warmUpRuns });
    expect(readWarmUpRuns('')).toEqual({ runs: DEFAULTS.warmUpRuns });
  });

  it('falls back to the default on a bad value, saying what was wrong, instead of failing start-up', () => {
    for (const bad of [0, -5, 2.5, 'many', '1e999']) {
      const { runs, problem } = readWarmUpRuns(bad);
      expect(runs, String(bad)).toBe(DEFAULTS.warmUpRuns);
      expect(problem, String(bad)).toMatch(/^WARM_UP_RUNS must be a positive integer, got .+; using 3000$/);
    }
  });
});
