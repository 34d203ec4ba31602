/**
 * 128-bit fingerprints of strings, and a set of them, for finding repeated rows and
 * ids in tables of millions of rows without keeping every row's text: a row is kept
 * as 16 bytes instead of its fields.
 *
 * The hash is MurmurHash3 x86_128 (Austin Appleby, public domain) over the string's
 * UTF-16 code units, two to a 32-bit block. Two different strings share a
 * fingerprint with probability about 2^-128 per pair: below 10^-25 for any pair
 * among 5 million rows, so "same fingerprint" stands for "same text".
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
const mul = Math.imul;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = mul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = mul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Writes the fingerprint of `text` into `out[at..at + 4)`. */
export function fingerprintInto(text: string, out: Uint32Array, at: number, seed = 0): void {
  const n = text.length;
  let h1 = seed;
  let h2 = seed;
  let h3 = seed;
  let h4 = seed;
  const blockChars = n & ~7;
  for (let i = 0; i < blockChars; i += 8) {
    let k1 = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    let k2 = text.charCodeAt(i + 2) | (text.charCodeAt(i + 3) << 16);
    let k3 = text.charCodeAt(i + 4) | (text.charCodeAt(i + 5) << 16);
    let k4 = text.charCodeAt(i + 6) | (text.charCodeAt(i + 7) << 16);
    k1 = mul(rotl(mul(k1, C1), 15), C2); h1 ^= k1;
    h1 = mul(rotl(h1, 19) + h2, 5) + 0x561ccd1b;
    k2 = mul(rotl(mul(k2, C2), 16), C3); h2 ^= k2;
    h2 = mul(rotl(h2, 17) + h3, 5) + 0x0bcaa747;
    k3 = mul(rotl(mul(k3, C3), 17), C4); h3 ^= k3;
    h3 = mul(rotl(h3, 15) + h4, 5) + 0x96cd1c35;
    k4 = mul(rotl(mul(k4, C4), 18), C1); h4 ^= k4;
    h4 = mul(rotl(h4, 13) + h1, 5) + 0x32ac3b17;
  }
  // The tail: up to 7 code units, in 16-bit halves of the four lanes.
  const k = [0, 0, 0, 0];
  for (let i = blockChars; i < n; i++) {
    const j = i - blockChars;
    k[j >> 1]! |= text.charCodeAt(i) << ((j & 1) * 16);
  }
  if (n > blockChars) {
    h1 ^= mul(rotl(mul(k[0]!, C1), 15), C2);
    h2 ^= mul(rotl(mul(k[1]!, C2), 16), C3);
    h3 ^= mul(rotl(mul(k[2]!, C3), 17), C4);
    h4 ^= mul(rotl(mul(k[3]!, C4), 18), C1);
  }
  const bytes = 2 * n;
  h1 ^= bytes; h2 ^= bytes; h3 ^= bytes; h4 ^= bytes;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0;
  h1 = fmix(h1); h2 = fmix(h2); h3 = fmix(h3); h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0;
  out[at] = h1; out[at + 1] = h2; out[at + 2] = h3; out[at + 3] = h4;
}

/** A set of 128-bit fingerprints, open addressing in one Uint32Array: 32 bytes per entry at most. */
export class FingerprintSet {
  private slots: Uint32Array;
  private used: Uint8Array;
  private size = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < 2 * expected) capacity *= 2;
    this.slots = new Uint32Array(capacity * 4);
    this.used = new Uint8Array(capacity);
  }

  /** Adds the fingerprint at `fp[at..at + 4)`; false when it was there already. */
  add(fp: Uint32Array, at: number): boolean {
    if (2 * (this.size + 1) > this.used.length) this.grow();
    const added = insert(this.slots, this.used, fp, at);
    if (added) this.size++;
    return added;
  }

  private grow(): void {
    const slots = this.slots;
    const used = this.used;
    this.slots = new Uint32Array(slots.length * 2);
    this.used = new Uint8Array(used.length * 2);
    for (let s = 0; s < used.length; s++) if (used[s] === 1) insert(this.slots, this.used, slots, s * 4);
  }
}

function insert(slots: Uint32Array, used: Uint8Array, fp: Uint32Array, at: number): boolean {
  const mask = used.length - 1;
  for (let s = fp[at]! & mask; ; s = (s + 1) & mask) {
    if (used[s] === 0) {
      used[s] = 1;
      slots.set(fp.subarray(at, at + 4), s * 4);
      return true;
    }
    const o = s * 4;
    if (slots[o] === fp[at] && slots[o + 1] === fp[at + 1] && slots[o + 2] === fp[at + 2] && slots[o + 3] === fp[at + 3]) return false;
  }
}
