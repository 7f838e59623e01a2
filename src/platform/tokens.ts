import { createHash, randomBytes } from 'node:crypto';

/** A secret for a link, cookie or key, and the hash that is stored instead of it. */
export function newSecret(bytes = 32): { secret: string; hash: string } {
  const secret = randomBytes(bytes).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
