import { defineConfig } from 'vitest/config';

// Two worlds, one command: the offline side and the shared spec run in Node;
// the worker runs in workerd through Cloudflare's vitest integration.
export default defineConfig({
  test: {
    projects: ['test/scripts/vitest.config.ts', 'test/src/vitest.config.ts'],
  },
});
