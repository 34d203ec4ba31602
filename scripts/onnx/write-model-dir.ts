/**
 * Writing a model directory (`model/`: `ltv.onnx`, `ltv.json`, the report) so that
 * it is never half-written, and the content hashes that identify what was written.
 *
 * The files go into a fresh temporary directory beside the target (same
 * filesystem, so renames are atomic), each flushed to disk; then the old directory
 * is renamed aside, the new one renamed into place, and the old one removed. A
 * reader sees the old set of files or the new set, never a mix; between the two
 * renames (microseconds) the directory is briefly absent. Any failure before the
 * swap removes the temporary directory and leaves the target untouched.
 *
 * Only a model directory is ever replaced (scripts/fs/owned-output.ts): a target
 * holding anything else is refused before anything is written, and the old copy is
 * removed file by file, never recursively, so nothing but a model's own files can
 * be lost even if something appears in it meanwhile.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { FeatureSpec } from '../../src/spec/feature-spec.js';
import { MODEL_DIR_FILES, checkModelDirReplaceable, removeModelDir } from '../fs/owned-output.js';

export interface ModelFile {
  /** A plain file name, e.g. `ltv.onnx`; no directories. */
  name: string;
  /** Bytes, or text written as UTF-8. */
  data: Uint8Array | string;
}

/**
 * Replaces directory `dir` by one holding exactly `files`; creates it (and its
 * parents) if absent. Refuses (OutputRefusedError, nothing touched) a `dir` that
 * holds anything but a model directory's files.
 */
export async function writeModelDir(dir: string, files: ModelFile[]): Promise<void> {
  const target = resolve(dir);
  checkNames(files.map((f) => f.name));
  checkModelDirReplaceable(dir, 'model directory');
  const existing = await stat(target).catch((error: unknown) => {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  });
  if (existing !== undefined && !existing.isDirectory()) throw new Error(`${target} exists and is not a directory`);

  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const temp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  try {
    for (const file of files) await writeFlushed(join(temp, file.name), file.data);
    await flush(temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }

  if (existing === undefined) {
    await renameOrDiscard(temp, target);
  } else {
    const old = `${target}.old-${Date.now()}-${process.pid}`;
    await renameOrDiscard(target, old, temp);
    try {
      await rename(temp, target);
    } catch (error) {
      await rename(old, target); // put the previous model back
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    await Promise.resolve().then(() => removeModelDir(old)).catch((error: unknown) => {
      throw new Error(`${target} now holds the new files, but removing the previous copy at ${old} failed`, { cause: error });
    });
  }
  await flush(parent);
}

/** SHA-256 of bytes (or UTF-8 text) as 64 lowercase hex digits. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The manifest `version`: the first 16 hex digits of SHA-256 over the ONNX bytes
 * followed by the spec's canonical JSON (UTF-8). The same graph with the same spec
 * always gets the same version; a change to either changes it.
 */
export function modelVersion(onnx: Uint8Array, spec: FeatureSpec): string {
  return createHash('sha256').update(onnx).update(canonicalJson(spec)).digest('hex').slice(0, 16);
}

/**
 * JSON with object keys sorted (recursively) and no whitespace, so that equal data
 * always gives equal text. Refuses what JSON cannot carry faithfully (NaN, ±Infinity,
 * undefined, functions) rather than letting it turn into `null` or vanish.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonical JSON: ${value} is not a finite number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`canonical JSON: cannot encode a ${typeof value}`);
}

function checkNames(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
      throw new Error(`model file name ${JSON.stringify(name)} is not a plain file name`);
    }
    if (!MODEL_DIR_FILES.has(name)) throw new Error(`model file name ${JSON.stringify(name)} is not one a model directory holds`);
    if (seen.has(name)) throw new Error(`model file ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
  }
}

/** Writes a new file and flushes it to disk before returning. */
async function writeFlushed(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries (the renames) to disk; a no-op where directories cannot be opened (Windows). */
async function flush(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

/** `rename(from, to)`; if it fails, removes `discard` (the temporary directory) and rethrows. */
async function renameOrDiscard(from: string, to: string, discard: string = from): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    await rm(discard, { recursive: true, force: true });
    throw error;
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
