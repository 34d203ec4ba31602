/**
 * Errors on the Open Inference Protocol's paths (/v2), in the shape its clients read.
 *
 * The protocol's error body is `{"error": "<message>"}`: Triton's client raises
 * `body["error"]`, KServe's reads it only from an `application/json` response. So a
 * problem on /v2 carries `error` (the same text as `detail`) beside the RFC 9457
 * members, and goes out as application/json unless the caller asks for
 * application/problem+json by name in Accept. Everywhere else, problems are
 * application/problem+json, as before.
 */

export const PROBLEM_JSON = 'application/problem+json';

/** /v2 and everything under it. */
export function isProtocolPath(path: string): boolean {
  return path === '/v2' || path.startsWith('/v2/');
}

/** The media type of a problem on a protocol path, by the request's Accept header. */
export function protocolProblemMediaType(accept: string | undefined): string {
  return accept !== undefined && acceptsByName(accept, PROBLEM_JSON) ? PROBLEM_JSON : 'application/json';
}

/** Whether Accept names `mediaType` itself with a non-zero q (`*` ranges do not count). */
function acceptsByName(accept: string, mediaType: string): boolean {
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== mediaType) return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
