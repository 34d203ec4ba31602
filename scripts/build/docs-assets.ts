/**
 * Swagger UI's files for GET /docs, as static assets: copied from the pinned
 * swagger-ui-dist package into public/docs/ (git-ignored), which Workers static
 * assets serve before the worker runs. The worker bundle then carries none of
 * Swagger UI's 1.9 MB: they were text modules in it, part of every upload, and a
 * string the isolate built at start-up, for a page few requests ever ask for.
 *
 * wrangler runs this before it bundles (`[build] command` in wrangler.toml): on
 * `wrangler dev`, `deploy`, `versions upload` and `check startup`, so a deployed
 * /docs always has them. The directory is written beside the target and renamed
 * into place, so a failed copy never leaves half a Swagger UI.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The files /docs loads, by their names in swagger-ui-dist (and under /docs/). */
export const SWAGGER_UI_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css'] as const;

/** Where they go: public/docs/, served at /docs/<file>. */
export function docsAssetsDir(root: string): string {
  return join(root, 'public', 'docs');
}

/** Copies SWAGGER_UI_FILES into `docsAssetsDir(root)`, replacing what a previous run put there. */
export function writeDocsAssets(root: string): string[] {
  const require = createRequire(join(root, 'package.json'));
  const source = dirname(require.resolve('swagger-ui-dist/package.json'));
  const target = docsAssetsDir(root);
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    for (const file of SWAGGER_UI_FILES) copyFileSync(join(source, file), join(staging, file));
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return SWAGGER_UI_FILES.map((file) => join(target, file));
}
