import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { type UserWorkspaceConfig, defineProject } from 'vitest/config';

const root = new URL('../..', import.meta.url).pathname;

/** Two tokens, as during a rotation (test/src/helpers.ts uses both). */
const API_TOKEN = 'test-token-old, test-token-new';
// wrangler.toml requires the API_TOKEN secret and wrangler looks for it in the
// environment; given here, it is the test tokens and wrangler does not warn.
process.env.API_TOKEN = API_TOKEN;

/**
 * The worker's tests, in workerd with the real wrangler.toml and the bundled
 * model/ltv.onnx, no mocks; the reference predictions come from onnxruntime-node,
 * computed in Node by the global setup. The same tests run twice, once per engine:
 *
 *   workers      the default build: no onnxruntime-web in the bundle, ENGINE = auto,
 *                so the compiled engine serves the shipped model
 *   workers-ort  the build for graphs outside the compiled subset (BUNDLE_ORT = true,
 *                src/inference/ort/load.ts), with ENGINE = ort: every test on ORT, plus
 *                the tests of ORT itself (test/src/inference/ort/)
 */
export function workersProject(engine: 'compiled' | 'ort'): UserWorkspaceConfig {
  return defineProject({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: `${root}wrangler.toml` },
        miniflare: {
          bindings: {
            API_TOKEN,
            ALLOWED_ORIGINS: 'https://app.example.com',
            ...(engine === 'ort' ? { ENGINE: 'ort' } : {}),
            // Property-test seed and run count (test/support/fc-settings.ts), passed from the shell.
            ...(process.env.FC_SEED === undefined ? {} : { FC_SEED: process.env.FC_SEED }),
            ...(process.env.FC_RUNS === undefined ? {} : { FC_RUNS: process.env.FC_RUNS }),
          },
          // A limiter small enough to trip in a test (test/src/http/rate-limit.test.ts), beside wrangler.toml's RATE_LIMITER.
          ratelimits: { TEST_RATE_LIMITER: { namespace_id: '9001', simple: { limit: 3, period: 10 } } },
        },
      }),
    ],
    // What `wrangler deploy --define BUNDLE_ORT:true` does to the bundle; absent, ORT is left out.
    define: engine === 'ort' ? { BUNDLE_ORT: 'true' } : {},
    test: {
      name: engine === 'ort' ? 'workers-ort' : 'workers',
      root,
      include: ['test/src/**/*.test.ts'],
      exclude: ['test/src/spec/**', 'test/src/inference/compiled/**', ...(engine === 'ort' ? [] : ['test/src/inference/ort/**'])],
      globalSetup: ['test/src/global-setup.ts'],
      // Every response the tests get from the worker is checked against /openapi.json.
      setupFiles: ['test/src/openapi-conformance-setup.ts'],
      testTimeout: 30_000,
      // One module graph for all files: in the ORT project the pool hands ORT's 14 MB .wasm to
      // workerd as a JSON array of bytes (~10 s), which per-file isolation would repeat for each file.
      isolate: false,
    },
  });
}
