import { hash, randomBytes } from 'node:crypto';

/** A secret for a link, cookie or key, and the hash that is stored instead of it. */
export function newSecret(bytes = 32): { secret: string; hash: string } {
  const secret = randomBytes(bytes).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

/**
 * The SHA-256 of a text, in hex: stored secrets, and the exact words a consent covered. The
 * one-shot `crypto.hash` (Node ≥ 21.7), not a Hash object per call: every API request hashes its
 * key, and on the cached eligibility path the Hash object was 4 % of the portal's CPU, about half
 * of it saved (decision 065, "Benchmark"). The same digest either way.
 */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

export function hashSecret(secret: string): string {
  return sha256(secret);
}
