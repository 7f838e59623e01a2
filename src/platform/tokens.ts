import { createHash, randomBytes } from 'node:crypto';

/** A secret for a link, cookie or key, and the hash that is stored instead of it. */
export function newSecret(bytes = 32): { secret: string; hash: string } {
  const secret = randomBytes(bytes).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

/** The SHA-256 of a text, in hex: stored secrets, and the exact words a consent covered. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function hashSecret(secret: string): string {
  return sha256(secret);
}
