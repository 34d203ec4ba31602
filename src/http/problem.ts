/**
 * RFC 9457 problem details: the one shape of every error response (on the Open
 * Inference Protocol's paths, with the protocol's `error` member: ./protocol-errors.ts).
 *
 * Client faults are thrown as a ProblemException (an HTTPException, so Hono's own
 * 400/413/415s take the same road) and turned into `application/problem+json` by
 * the app's one error handler. Field errors are listed all at once, each with a
 * JSON pointer into the request, e.g. `/customers/3/x_repeat_days`.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PROBLEM_JSON, isProtocolPath, protocolProblemMediaType } from './protocol-errors.js';

/** One thing wrong with one place in the request. */
export interface FieldProblem {
  /** JSON pointer (RFC 6901) into the request body, e.g. `/customers/3/x_repeat_days`. */
  pointer?: string;
  /** Query parameter or header the problem is in, when not in the body. */
  parameter?: string;
  detail: string;
}

export interface ProblemInit {
  /** Short summary; defaults to the status's reason phrase. */
  title?: string;
  /** What went wrong, for a human. */
  detail: string;
  errors?: FieldProblem[];
  /** Extra response headers, e.g. `Allow` or `WWW-Authenticate`. */
  headers?: Record<string, string>;
}

/** At most this many field errors are listed; the detail says how many were left out. */
export const MAX_LISTED_ERRORS = 100;

export class ProblemException extends HTTPException {
  readonly title: string | undefined;
  readonly errors: FieldProblem[];
  readonly headers: Record<string, string>;

  constructor(status: ContentfulStatusCode, init: ProblemInit) {
    super(status, { message: init.detail });
    this.title = init.title;
    this.errors = init.errors ?? [];
    this.headers = init.headers ?? {};
  }
}

/** 400 listing every field error, with the first few in the detail too. */
export function invalidRequest(errors: FieldProblem[], title = 'Invalid request'): ProblemException {
  const listed = errors.slice(0, MAX_LISTED_ERRORS);
  const shown = errors.slice(0, 5).map(describeField).join('; ');
  const more = errors.length > 5 ? `; and ${errors.length - 5} more` : '';
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  const unlisted = errors.length > listed.length ? ` (the first ${listed.length} are listed)` : '';
  return new ProblemException(400, { title, detail: `${count}${unlisted}: ${shown}${more}`, errors: listed });
}

function describeField(error: FieldProblem): string {
  const where = error.pointer ?? (error.parameter === undefined ? undefined : `?${error.parameter}`);
  return where === undefined ? error.detail : `${where}: ${error.detail}`;
}

/** The longest member name echoed in a problem; longer ones are cut and end in `…`. */
export const MAX_ECHOED_NAME = 64;

/**
 * A name from the request (a member, a feature) as a problem echoes it: cut to
 * MAX_ECHOED_NAME characters, so that an answer stays small whatever the request
 * held (100 errors listed, each name at most this long, not a megabyte each).
 */
export function echoedName(name: string): string {
  if (name.length <= MAX_ECHOED_NAME) return name;
  // Never cut a surrogate pair in two.
  const end = isHighSurrogate(name.charCodeAt(MAX_ECHOED_NAME - 1)) ? MAX_ECHOED_NAME - 1 : MAX_ECHOED_NAME;
  return `${name.slice(0, end)}…`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * `["customers", 3, "a/b"]` → `/customers/3/a~1b` (RFC 6901 escaping); each name cut
 * by `echoedName`, so a pointer into a very long name ends in `…` and is not exact.
 */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${echoedName(String(key)).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId?: string;
  errors?: FieldProblem[];
  /** On the Open Inference Protocol's paths only: the protocol's error message, the same as `detail`. */
  error?: string;
}

/** The response for a problem; goes through `c` so headers set earlier (request id, CORS) stay. */
export function problemResponse(c: Context, status: ContentfulStatusCode, init: ProblemInit): Response {
  const body: ProblemBody = {
    type: 'about:blank',
    title: init.title ?? reasonPhrase(status),
    status,
    detail: init.detail,
    instance: c.req.path,
  };
  const requestId = c.get('requestId') as string | undefined;
  if (requestId !== undefined) body.requestId = requestId;
  if (init.errors !== undefined && init.errors.length > 0) body.errors = init.errors;
  let mediaType = PROBLEM_JSON;
  if (isProtocolPath(c.req.path)) {
    body.error = init.detail;
    mediaType = protocolProblemMediaType(c.req.header('Accept'));
  }
  return c.body(JSON.stringify(body), status, { ...init.headers, 'Content-Type': mediaType });
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}
