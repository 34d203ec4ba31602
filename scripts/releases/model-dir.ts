/**
 * The model directories promotion works on: reading and checking one (manifest
 * parses, ONNX bytes are the ones it names), and the atomic swaps.
 *
 * Layout: `model/` is served; `model.previous/` beside it holds the model it
 * replaced, for rollback. Promotion copies the candidate into a temporary sibling
 * first (same filesystem, so renames are atomic), then renames `model` to
 * `model.previous` and the copy to `model`. Rollback swaps the two back.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type ModelManifest, parseManifest } from '../../src/spec/manifest.js';
import { checkModelDirReplaceable, removeModelDir } from '../fs/owned-output.js';

/** A refusal or a bad input: printed as a message, exit 1. */
export class PromotionError extends Error {
  override name = 'PromotionError';
}

export function readModelDir(dir: string, role: string): ModelManifest {
  const jsonFile = join(dir, 'ltv.json');
  const onnxFile = join(dir, 'ltv.onnx');
  if (!existsSync(jsonFile) || !existsSync(onnxFile)) throw new PromotionError(`${role} ${dir}: needs ltv.json and ltv.onnx`);
  let manifest: ModelManifest;
  try {
    manifest = parseManifest(JSON.parse(readFileSync(jsonFile, 'utf8')));
  } catch (error) {
    throw new PromotionError(`${role} ${jsonFile}: ${(error as Error).message}`);
  }
  const digest = createHash('sha256').update(readFileSync(onnxFile)).digest('hex');
  if (digest !== manifest.onnxSha256) {
    throw new PromotionError(`${role} ${onnxFile}: SHA-256 ${digest}, but ltv.json names ${manifest.onnxSha256}: corrupt or mixed files`);
  }
  return manifest;
}

export const previousDir = (modelDir: string): string => join(dirname(resolve(modelDir)), `${basename(resolve(modelDir))}.previous`);

/**
 * Puts a copy of `candidate` in place of `modelDir`, keeping the old one as
 * `<modelDir>.previous`. The model directory and the previous copy it displaces
 * must hold a model's files only (OutputRefusedError otherwise, nothing touched).
 */
export function swapIn(modelDir: string, candidate: string): void {
  const target = resolve(modelDir);
  const previous = previousDir(target);
  checkModelDirReplaceable(target, '--model');
  checkModelDirReplaceable(previous, 'the previous model directory');
  checkModelDirReplaceable(candidate, '--candidate');
  const temp = mkdtempSync(join(dirname(target), `.${basename(target)}.promote-`));
  try {
    cpSync(resolve(candidate), temp, { recursive: true });
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  if (existsSync(previous)) removeModelDir(previous);
  renameSync(target, previous);
  try {
    renameSync(temp, target);
  } catch (error) {
    renameSync(previous, target); // put the served model back
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Swaps `modelDir` and `<modelDir>.previous` (a second rollback undoes the first). */
export function rollBack(modelDir: string): void {
  const target = resolve(modelDir);
  const previous = previousDir(target);
  if (!existsSync(previous)) throw new PromotionError(`no previous model to roll back to (${previous} does not exist)`);
  const temp = `${target}.rollback-${process.pid}`;
  renameSync(target, temp);
  renameSync(previous, target);
  renameSync(temp, previous);
}
