/**
 * Typed readers for command-line option values, on top of node:util's parseArgs.
 * A bad value names its option, so `--epochs ten` says so instead of training zero epochs.
 */
import { FIT_DEFAULTS } from '../mlp/fit-defaults.js';
import { KERNEL_NAMES, type KernelsName } from '../mlp/kernels/kernels.js';

/** Thrown for a bad command line; the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function intOption(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name}: expected an integer ≥ ${min}, got "${raw}"`);
  return value;
}

export function numberOption(name: string, raw: string | undefined, fallback: number, min = -Infinity, max = Infinity): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name}: expected a number in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

/**
 * A memory size as DuckDB reads it (`memory_limit`): a number and a unit, e.g. `1.5GB`
 * or `512MiB` (KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024).
 */
export function memorySizeOption(name: string, raw: string | undefined, fallback: string): string {
  if (raw === undefined) return fallback;
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(raw.trim())) {
    throw new UsageError(`--${name}: expected a size such as 512MB or 2GiB, got "${raw}"`);
  }
  return raw.trim();
}

export function listOption(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export function intListOption(name: string, raw: string | undefined, fallback: number[]): number[] {
  const items = listOption(raw);
  if (items === undefined) return fallback;
  return items.map((item) => intOption(name, item, 0, 1));
}

/** `--kernels simd|reference`: which loops the trainer runs on (see scripts/mlp/kernels/). */
export function kernelsOption(raw: string | undefined): KernelsName {
  if (raw === undefined) return FIT_DEFAULTS.kernels;
  const name = KERNEL_NAMES.find((k) => k === raw);
  if (name === undefined) throw new UsageError(`--kernels: expected one of ${KERNEL_NAMES.join(', ')}, got "${raw}"`);
  return name;
}
