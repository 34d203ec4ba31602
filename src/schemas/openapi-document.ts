/**
 * The parts of /openapi.json that no route defines: the document's info, its tags
 * (one per route family, named by each route) and its servers.
 */

/** The tags of the operations, in the order the docs page shows them. */
export const TAGS = {
  scoring: { name: 'Scoring', description: 'Customers in, lifetime values out: POST /v1/score, for bidders and back ends (bearer token).' },
  model: { name: 'Model', description: 'What a caller needs to build requests: the feature spec, version, metrics and limits (bearer token).' },
  protocol: {
    name: 'Open Inference Protocol',
    description:
      'KServe v2 / Triton HTTP/REST: health, server and model metadata, readiness and tensor inference, each model path also under /versions/{model_version}. Errors carry the protocol’s `error` member. What is and is not supported: docs/protocols.md.',
  },
  segment: { name: 'Segment', description: 'Browsers on marketing sites: a visitor’s coarse tier, by site key and visitor token (no bearer token).' },
} as const;

/** `npm run dev` (wrangler dev --ip 127.0.0.1, its default port). */
const LOCAL_SERVER = { url: 'http://127.0.0.1:8787', description: 'Local: npm run dev' };
/** A deployment on workers.dev; the variables name the worker and the account's subdomain. */
const DEPLOYED_SERVER = {
  url: 'https://{worker}.{subdomain}.workers.dev',
  description: 'Deployed with wrangler deploy (--env production or staging)',
  variables: {
    worker: { default: 'ltv-edge-production', enum: ['ltv-edge-production', 'ltv-edge-staging', 'ltv-edge'], description: 'The worker’s name (wrangler.toml).' },
    subdomain: { default: 'your-subdomain', description: 'The account’s workers.dev subdomain.' },
  },
};

/** The document's fixed parts, for `getOpenAPI31Document`. */
export function documentConfig(modelVersion: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ltv-edge',
      version: modelVersion,
      description:
        'Customer lifetime value, predicted at the edge. `info.version` is the served model’s version. Errors are RFC 9457 problem+json; on /v2 they also carry the Open Inference Protocol’s `error` member.',
    },
    tags: Object.values(TAGS),
  };
}

/**
 * The servers, the one that served the document first: Swagger UI (/docs) sends
 * "Try it out" to the first, and its page allows no other origin.
 */
export function withServers<D extends object>(document: D, requestUrl: string): D & { servers: { url: string; description: string }[] } {
  const origin = new URL(requestUrl).origin;
  const here = origin === LOCAL_SERVER.url ? [] : [{ url: origin, description: 'The server that served this document' }];
  return { ...document, servers: [...here, LOCAL_SERVER, DEPLOYED_SERVER] };
}
