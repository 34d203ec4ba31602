/**
 * Visitor tokens: what authorises POST /v1/segment to look a visitor up by id.
 *
 * The site's own back end, which knows who its visitor is, signs the site key, the
 * visitor id and an expiry with the site's secret (SEGMENT_SECRETS, a Worker secret);
 * the page passes the token along with the id. A script holding only the public site
 * key cannot make one, so it cannot walk ids to learn tiers or which ids exist.
 *
 *   token     = expires "." signature
 *   expires   = Unix time in seconds, decimal digits
 *   signature = base64url (RFC 4648 §5, no padding) of HMAC-SHA-256(secret, message)
 *   message   = "ltv-segment-v1\n" siteKey "\n" visitorId "\n" expires, as UTF-8
 *
 * The site key holds no line break (./sites.ts) and the expiry is digits, so a message
 * reads back one way only. docs/callers.md shows a back end signing in a few lines.
 */

/** Domain separation: a signature for this purpose is worth nothing elsewhere. */
const PURPOSE = 'ltv-segment-v1';
/** Tokens that live longer are refused: a leaked token must not outlast a day. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
/** 43 base64url characters: the 32 bytes of an HMAC-SHA-256. */
const TOKEN = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

export function visitorTokenMessage(siteKey: string, visitorId: string, expires: number): string {
  return `${PURPOSE}\n${siteKey}\n${visitorId}\n${expires}`;
}

/** A token for `visitorId` on `siteKey`, valid until `expires` (Unix seconds). */
export async function signVisitorToken(secret: string, siteKey: string, visitorId: string, expires: number): Promise<string> {
  const signature = await hmac(secret, visitorTokenMessage(siteKey, visitorId, expires));
  return `${expires}.${base64url(new Uint8Array(signature))}`;
}

/**
 * Whether `token` was signed for this site key and visitor with one of `secrets`, and is
 * neither expired nor longer-lived than MAX_TOKEN_LIFETIME_SECONDS. Every secret's HMAC
 * is computed and compared in constant time whatever the token looks like, malformed
 * included, so the time taken does not say why a token failed.
 */
export async function verifyVisitorToken(
  secrets: readonly string[],
  siteKey: string,
  visitorId: string,
  token: string,
  nowSeconds: number,
): Promise<boolean> {
  const match = TOKEN.exec(token);
  const expires = match === null ? 0 : Number(match[1]);
  const given = match === null ? new Uint8Array(32) : fromBase64url(match[2]!);
  const message = visitorTokenMessage(siteKey, visitorId, expires);
  let signed = false;
  for (const secret of secrets) signed = crypto.subtle.timingSafeEqual(await hmac(secret, message), given) || signed;
  const fresh = expires > nowSeconds && expires <= nowSeconds + MAX_TOKEN_LIFETIME_SECONDS;
  return match !== null && signed && fresh;
}

function hmac(secret: string, message: string): Promise<ArrayBuffer> {
  let key = keys.get(secret);
  if (key === undefined) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key.then((k) => crypto.subtle.sign('HMAC', k, encoder.encode(message)));
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** 43 base64url characters → 32 bytes. */
function fromBase64url(text: string): Uint8Array {
  const binary = atob(`${text.replaceAll('-', '+').replaceAll('_', '/')}=`);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
