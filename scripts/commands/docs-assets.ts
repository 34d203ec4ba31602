/**
 * npm run docs-assets: Swagger UI's files into public/docs/ for GET /docs
 * (../build/docs-assets.ts). wrangler runs it before every bundle ([build] in
 * wrangler.toml); run it by hand only to serve public/ some other way.
 */
import { dirname, relative, resolve } from 'node:path';
import { runCli } from '../cli/run.js';
import { writeDocsAssets } from '../build/docs-assets.js';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');

runCli('docs-assets', () => {
  for (const file of writeDocsAssets(root)) process.stderr.write(`docs-assets: ${relative(root, file)}\n`);
});
