/**
 * What a command may replace when it writes its output. A command that replaces
 * an output path removes only what ltv-edge itself would have written there: a
 * model directory's own files, or the one table file it was asked to write. A
 * directory holding anything else, or an output that is also an input, is refused
 * before any work, with nothing touched: a mistyped `--out` must never cost a
 * user their data.
 */
import { lstatSync, readdirSync, realpathSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** An output the command refuses to replace; the CLI prints the message and exits 1. */
export class OutputRefusedError extends Error {
  override name = 'OutputRefusedError';
}

/**
 * Every file a model directory may hold: what `npm run train` writes, plus the
 * screenshot `npm run report:screenshot` puts beside the report by default.
 */
export const MODEL_DIR_FILES: ReadonlySet<string> = new Set([
  'ltv.onnx', 'ltv.json', 'report.json', 'report.html', 'test-predictions.csv', 'report.png',
]);

/** Names listed in a refusal before the rest are counted. */
const LISTED = 5;

/**
 * Checks that `dir` is missing, empty, or a model directory (only MODEL_DIR_FILES,
 * as plain files), so that replacing it loses nothing a user put there.
 * `flag` names the option in the message, e.g. `--out`.
 */
export function checkModelDirReplaceable(dir: string, flag: string): void {
  const target = resolve(dir);
  const stat = lstatOrUndefined(target);
  if (stat === undefined) return;
  if (stat.isSymbolicLink()) throw new OutputRefusedError(`${flag} ${dir}: is a symbolic link; give the directory itself`);
  if (!stat.isDirectory()) throw new OutputRefusedError(`${flag} ${dir}: exists and is not a directory; refusing to replace it`);
  const foreign = readdirSync(target, { withFileTypes: true })
    .filter((entry) => !(entry.isFile() && MODEL_DIR_FILES.has(entry.name)))
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
    .sort();
  if (foreign.length > 0) {
    const listed = foreign.slice(0, LISTED).map((name) => JSON.stringify(name)).join(', ');
    const more = foreign.length > LISTED ? ` and ${foreign.length - LISTED} more` : '';
    throw new OutputRefusedError(
      `${flag} ${dir}: holds ${listed}${more}, which a model directory does not; refusing to replace it. `
      + 'Give a new or empty directory, or one written by npm run train.',
    );
  }
}

/**
 * Removes a model directory's own files, then the directory, which must then be
 * empty: never recursive, so a file that is not a model's stays, and the directory
 * with it (rmdir fails with ENOTEMPTY).
 */
export function removeModelDir(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && MODEL_DIR_FILES.has(entry.name)) unlinkSync(join(dir, entry.name));
  }
  rmdirSync(dir);
}

/** An input of the command, by the option that named it. */
export interface NamedPath {
  flag: string;
  path: string;
}

/**
 * Refuses an output that is one of the inputs, or (for a directory output) that
 * contains one: writing it would overwrite or remove what the command reads.
 * Paths are compared after resolving symbolic links, so `./a.csv` and a link to it
 * are the same file.
 */
export function checkOutputNotInput(output: NamedPath, inputs: readonly NamedPath[]): void {
  const out = canonical(output.path);
  for (const input of inputs) {
    const inp = canonical(input.path);
    if (inp === out) {
      throw new OutputRefusedError(`${output.flag} ${output.path} is the same file as ${input.flag} ${input.path}; write the output elsewhere`);
    }
    const inside = relative(out, inp);
    if (inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside)) {
      throw new OutputRefusedError(`${output.flag} ${output.path} contains ${input.flag} ${input.path}; replacing it would remove the input`);
    }
  }
}

/**
 * Checks that a single output file may be replaced: it is missing or a plain file
 * (a directory or a link there is refused), and it is none of the inputs.
 */
export function checkOutputFileReplaceable(output: NamedPath, inputs: readonly NamedPath[]): void {
  const stat = lstatOrUndefined(resolve(output.path));
  if (stat !== undefined && stat.isDirectory()) {
    throw new OutputRefusedError(`${output.flag} ${output.path}: is a directory; give a file name`);
  }
  if (stat !== undefined && stat.isSymbolicLink()) {
    throw new OutputRefusedError(`${output.flag} ${output.path}: is a symbolic link; give the file itself`);
  }
  checkOutputNotInput(output, inputs);
}

/** The absolute path with symbolic links resolved, as far as the path exists (the rest appended). */
function canonical(path: string): string {
  const absolute = resolve(path);
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(existing), ...rest);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      rest.unshift(existing.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      existing = parent;
    }
  }
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}
