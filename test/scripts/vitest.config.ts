import { defineProject } from 'vitest/config';
import { workerImports } from '../support/worker-imports-plugin.js';

export default defineProject({
  // The batch scorer runs the worker's src/inference in Node (scripts/score/worker-imports.ts).
  plugins: [workerImports()],
  test: {
    name: 'node',
    environment: 'node',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/scripts/**/*.test.ts', 'test/src/spec/**/*.test.ts', 'test/src/inference/compiled/**/*.test.ts', 'test/public/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
