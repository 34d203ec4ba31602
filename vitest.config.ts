import { defineConfig } from 'vitest/config';

// Two worlds, one command: the offline side, the shared spec and the compiled engine's
// pure parts run in Node; the worker runs in workerd through Cloudflare's vitest
// integration, once per engine (test/src/workers-project.ts).
export default defineConfig({
  test: {
    projects: ['test/scripts/vitest.config.ts', 'test/src/vitest.config.ts', 'test/src/vitest.ort.config.ts'],
    // The worker logs one JSON line per request (src/http/request-log.ts); thousands of them would bury the report.
    onConsoleLog: (log) => !log.includes('{"event":"request"'),
  },
});
