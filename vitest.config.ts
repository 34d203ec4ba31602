import { defineConfig } from 'vitest/config';

// Two worlds, one command: the offline side and the shared spec run in Node;
// the worker runs in workerd through Cloudflare's vitest integration.
export default defineConfig({
  test: {
    projects: ['test/scripts/vitest.config.ts', 'test/src/vitest.config.ts'],
    // The worker logs one JSON line per request (src/http/request-log.ts); thousands of them would bury the report.
    onConsoleLog: (log) => !log.includes('{"event":"request"'),
  },
});
