import * as crypto from "node:crypto";

/**
 * Canonical key texts up to this many UTF-16 units are used as keys as they are; longer ones are replaced
 * by a SHA-256 digest, which bounds key memory and Redis key size. Around this length V8's own hashing of
 * a fresh string (what a raw key costs in a Map) and a node:crypto digest cost about the same (0.4–0.9 µs);
 * below it the raw key is cheaper, above it the digest (bench: packages/bench/src/cache-keys.ts).
 */
export const SHORT_KEY_MAX = 256;

/** String.prototype.isWellFormed (ES2024, Node ≥ 20); the base tsconfig targets ES2022 libs. */
interface WellFormed {
  isWellFormed(): boolean;
}

type OneShotHash = (algorithm: string, data: string, outputEncoding: "base64url") => string;

// `crypto.hash` (Node ≥ 20.12) hashes a string in one call without creating a Hash object:
// about 2× faster than createHash().update().digest() for short inputs.
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/**
 * SHA-256 digest of `text`, base64url (43 characters). With SHA extensions it costs the same as SHA-1 and
 * less than MD5 (bench: cache-keys.ts), and unlike SHA-1 nobody can craft two prompts with one digest to
 * poison an entry another user will read from a shared cache.
 */
export function digest(text: string): string {
  // UTF-8 encoding maps every lone surrogate to U+FFFD, so two different ill-formed strings could
  // share a digest; JSON.stringify escapes lone surrogates, making the input well-formed.
  const input = (text as unknown as WellFormed).isWellFormed() ? text : JSON.stringify(text);
  return oneShot ? oneShot("sha256", input, "base64url") : crypto.createHash("sha256").update(input).digest("base64url");
}

/**
 * Cache key for a canonical text: the text itself when short, otherwise `#` + digest. A short text that
 * itself starts with `#` is digested too, so a raw key and a digest key can never be equal.
 */
export function keyFor(canonical: string): string {
  return canonical.length <= SHORT_KEY_MAX && canonical.charCodeAt(0) !== 35 /* # */ ? canonical : `#${digest(canonical)}`;
}
