/**
 * Every response of the worker tests, checked against the app's own /openapi.json: a
 * response the document does not describe fails the request that got it, and so the
 * test. `conforming(app)` wraps an app's fetch (and so `app.request`); the setup file
 * (./openapi-conformance-setup.ts) wraps the worker the tests import, and tests that
 * build their own app wrap it where they build it.
 *
 * For a documented operation: the status must be one of its responses, the
 * Content-Type one of that response's media types, and the body valid against its
 * schema, strictly (a member the schema does not name is a failure too: each object
 * schema is closed with additionalProperties: false). A path the document does not
 * have, or a method it does not list for the path, may only be answered with a 4xx or
 * 5xx problem, itself checked against the problem schema. Not checked: CORS preflights
 * (OpenAPI has no word for them) and the routes that are not the API (below).
 */
import { env } from 'cloudflare:workers';
import { Validator } from '@cfworker/json-schema';
import type { Schema } from '@cfworker/json-schema';
import { PROBLEM_JSON, isProtocolPath } from '../../src/http/protocol-errors.js';

/** Served by the app, but not API operations, so not in the document: the document itself, its docs page, the demo's token signer. */
const NOT_API = [/^\/openapi\.json$/, /^\/docs(\/.*)?$/, /^\/demo\/visitor-token$/];

type Json = Record<string, unknown>;
interface MediaType {
  schema?: Json;
}
interface Operation {
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

/** An app's fetch: a request, then its env and execution context, whatever their types. */
type Fetch = (request: Request, ...rest: never[]) => Response | Promise<Response>;

export class ConformanceError extends Error {
  override name = 'ConformanceError';
}

const wrapped = new WeakSet<object>();

/** The app, its every response checked against its own /openapi.json. */
export function conforming<A extends { fetch: Fetch }>(app: A): A {
  if (wrapped.has(app)) return app;
  wrapped.add(app);
  const original = app.fetch;
  let checker: Promise<Checker> | undefined;
  const conformingFetch = async (request: Request, ...rest: never[]) => {
    const { method, url } = request;
    const response = await original(request, ...rest);
    // The start-up warm-up's stand-in for Response (src/inference/warm-up.ts) never reaches a caller.
    if (typeof (response as Partial<Response>).clone !== 'function') return response;
    // The document is read with the tests' own bindings: a test's env may be broken on purpose (a bad MAX_BATCH).
    checker ??= loadChecker(() => original(new Request('http://conformance.test/openapi.json'), ...([env] as never[])));
    await (await checker).check(method, new URL(url).pathname, request.headers, response.clone());
    return response;
  };
  app.fetch = conformingFetch as A['fetch'];
  return app;
}

async function loadChecker(getDocument: () => Response | Promise<Response>): Promise<Checker> {
  const response = await getDocument();
  if (response.status !== 200) throw new ConformanceError(`GET /openapi.json answered ${response.status}`);
  return new Checker((await response.json()) as Document);
}

class Checker {
  private readonly templates: { path: string; pattern: RegExp; params: number }[];
  private readonly validators = new Map<string, Validator>();

  constructor(private readonly document: Document) {
    this.templates = Object.keys(document.paths)
      .map((path) => ({
        path,
        pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (path.match(/\{/g) ?? []).length,
      }))
      // A literal segment wins over a parameter, as in the router.
      .sort((a, b) => a.params - b.params);
  }

  async check(method: string, path: string, headers: Headers, response: Response): Promise<void> {
    if (method === 'OPTIONS' && headers.has('Access-Control-Request-Method')) return;
    if (NOT_API.some((pattern) => pattern.test(path))) return;
    const where = `${method} ${path} → ${response.status}`;
    const template = this.templates.find((t) => t.pattern.test(path));
    const operation = template === undefined ? undefined : this.document.paths[template.path]![method === 'HEAD' ? 'get' : method.toLowerCase()];
    if (template === undefined || operation === undefined) {
      // Not an operation of the document: only a problem may answer.
      if (response.status < 400) throw new ConformanceError(`${where}: ${template === undefined ? 'the path is' : 'the method is'} not in /openapi.json, yet the answer is not an error`);
      const schema = `#/components/schemas/${isProtocolPath(path) ? 'ProtocolProblem' : 'Problem'}`;
      await this.checkBody(where, response, isProtocolPath(path) ? ['application/json', PROBLEM_JSON] : [PROBLEM_JSON], { $ref: schema }, method);
      return;
    }
    const described = operation.responses[String(response.status)] ?? operation.responses.default;
    if (described === undefined) {
      throw new ConformanceError(`${where}: /openapi.json lists ${Object.keys(operation.responses).join(', ')} for ${method} ${template!.path}, not ${response.status}`);
    }
    const content = described.content ?? {};
    const mediaType = mediaTypeOf(response);
    const entry = content[mediaType];
    if (entry === undefined) {
      if (Object.keys(content).length === 0 && (method === 'HEAD' || (await response.text()) === '')) return;
      throw new ConformanceError(`${where}: Content-Type ${JSON.stringify(mediaType)}, but /openapi.json describes ${Object.keys(content).join(', ') || 'no body'}`);
    }
    if (entry.schema !== undefined) await this.checkBody(where, response, [mediaType], entry.schema, method);
  }

  private async checkBody(where: string, response: Response, mediaTypes: string[], schema: Json, method: string): Promise<void> {
    const mediaType = mediaTypeOf(response);
    if (!mediaTypes.includes(mediaType)) throw new ConformanceError(`${where}: Content-Type ${JSON.stringify(mediaType)}, expected ${mediaTypes.join(' or ')}`);
    if (method === 'HEAD') return;
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ConformanceError(`${where}: the body is not JSON: ${text.slice(0, 200)}`);
    }
    const result = this.validator(schema).validate(body);
    if (!result.valid) {
      const errors = result.errors.filter((e) => e.keyword !== 'properties' && e.keyword !== 'items' && e.keyword !== '$ref').slice(0, 5);
      throw new ConformanceError(
        `${where}: the body does not match /openapi.json: ${errors.map((e) => `${e.instanceLocation}: ${e.error}`).join('; ')}\n${text.slice(0, 500)}`,
      );
    }
  }

  private validator(schema: Json): Validator {
    const key = JSON.stringify(schema);
    let validator = this.validators.get(key);
    if (validator === undefined) {
      validator = new Validator(closed(this.inline(schema, [])) as Schema, '2020-12', false);
      this.validators.set(key, validator);
    }
    return validator;
  }

  /** The schema with every `#/components/schemas/X` reference replaced by X (the document has no cycles). */
  private inline(schema: unknown, seen: string[]): unknown {
    if (Array.isArray(schema)) return schema.map((item) => this.inline(item, seen));
    if (typeof schema !== 'object' || schema === null) return schema;
    const { $ref, ...rest } = schema as Json;
    if (typeof $ref === 'string') {
      const name = $ref.replace('#/components/schemas/', '');
      const target = this.document.components.schemas[name];
      if (target === undefined || seen.includes(name)) throw new ConformanceError(`cannot inline ${$ref} (${seen.join(' → ')})`);
      return this.inline({ ...target, ...rest }, [...seen, name]);
    }
    return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, this.inline(v, seen)]));
  }
}

/**
 * The schema with each object closed (additionalProperties: false) where it lists its
 * properties and says nothing of others; an allOf of objects is merged into one object
 * first, so that closing one part does not refuse the members of the others.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  let s = schema as Json;
  if (Array.isArray(s.allOf) && s.allOf.every(isObjectSchema)) {
    const { allOf, ...rest } = s;
    const parts = allOf as Json[];
    s = {
      ...rest,
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => (Array.isArray(p.required) ? p.required : [])),
    };
  }
  const out = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'properties' ? mapValues(v as Json, closed) : closed(v)]));
  if (isObjectSchema(out) && out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function isObjectSchema(schema: unknown): schema is Json {
  return typeof schema === 'object' && schema !== null && (schema as Json).type === 'object';
}

function mapValues(record: Json, f: (value: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

function mediaTypeOf(response: Response): string {
  return (response.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
}
