import { describe, expect, it } from 'vitest';
import { redactTokens, redactUrl } from './redact.ts';

describe('redaction', () => {
  it('#16.6: a link secret is taken out wherever a link shows it, encoded inside another link too', () => {
    const secret = 'Qm9vLXNlY3JldC10b2tlbi0xMjM0NTY3ODkwMTIzNDU2Nzg5';
    expect(redactTokens(`http://portal.test/reset-password?token=${secret}`, 'x')).toBe(
      'http://portal.test/reset-password?token=x',
    );
    expect(redactTokens(`/sign-in?return_to=%2Fpartner%2Fjoin%3Ftoken%3D${secret}&a=1`, 'x')).toBe(
      '/sign-in?return_to=%2Fpartner%2Fjoin%3Ftoken%3Dx&a=1',
    );
    expect(redactTokens(`<a href="http://portal.test/apply/join?token=${secret}">join</a>`, 'x')).not.toContain(secret);
    // Ids and short values are not secrets: links to objects stay whole.
    const plain = '/apply/3bffa52d-c6f9-42b5-83ec-df488068ad02/status?token=short';
    expect(redactTokens(plain, 'x')).toBe(plain);
  });

  it('a URL with a password is printed without it', () => {
    expect(redactUrl('redis://user:pw@127.0.0.1:6379')).toBe('redis://user:***@127.0.0.1:6379');
  });
});
