/**
 * Shared fast-check settings: a fixed seed and a small number of runs by default,
 * so the suite is fast and reproducible; FC_SEED and FC_RUNS choose a longer or
 * different run (`FC_RUNS=2000 FC_SEED=7 npx vitest run ...`). In workerd the
 * variables arrive through the test config's bindings, in Node from process.env.
 */
export const DEFAULT_SEED = 20261128;
export const DEFAULT_RUNS = 150;

export function fcSettings(source: { FC_SEED?: unknown; FC_RUNS?: unknown }): { seed: number; numRuns: number } {
  const seed = Number(source.FC_SEED ?? DEFAULT_SEED);
  const numRuns = Number(source.FC_RUNS ?? DEFAULT_RUNS);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${String(source.FC_SEED)}`);
  if (!Number.isSafeInteger(numRuns) || numRuns < 1) throw new Error(`FC_RUNS must be a positive integer, got ${String(source.FC_RUNS)}`);
  return { seed, numRuns };
}
