import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret, newSecret, sha256 } from './tokens.ts';

describe('tokens', () => {
  it('REG-4: sha256 is SHA-256 in hex (FIPS 180-2 test vectors), as the stored hashes were made', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // Non-ASCII text is hashed as UTF-8 (consent wording is stored as its hash).
    expect(sha256('Zürich')).toBe(createHash('sha256').update('Zürich', 'utf8').digest('hex'));
  });

  it('REG-4: an API key keeps its stored hash: the one-shot hash equals the Hash object’s digest, so existing keys still authenticate on the eligibility route', () => {
    for (let i = 0; i < 50; i += 1) {
      const { secret, hash } = newSecret();
      const key = `pp_abcdefgh_${secret}`;
      expect(hashSecret(key)).toBe(createHash('sha256').update(key).digest('hex'));
      expect(hash).toBe(createHash('sha256').update(secret).digest('hex'));
    }
  });
});
