import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'node',
    environment: 'node',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/scripts/**/*.test.ts', 'test/src/spec/**/*.test.ts', 'test/src/inference/compiled/**/*.test.ts', 'test/public/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
