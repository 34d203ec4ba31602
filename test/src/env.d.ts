// The worker's exports, for `exports.default` from cloudflare:workers in tests.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../../src/index.js');
  }
}
