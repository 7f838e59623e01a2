import { describe, expect, it } from 'vitest';
import { emailDomain, emailProvider } from './email-checks.rules.ts';

describe('REG-8 email checks', () => {
  it.each([
    ['jane@gmail.com', 'gmail.com'],
    ['klaus@t-online.de', 't-online.de'],
    ['j.dupont@orange.fr', 'orange.fr'],
    ['m.lopez@movistar.es', 'movistar.es'],
    ['jsilva@uol.com.br', 'uol.com.br'],
    ['mperez@fibertel.com.ar', 'fibertel.com.ar'],
    ['ivanov@yandex.ru', 'yandex.ru'],
    ['wang@163.com', '163.com'],
    ['lee@naver.com', 'naver.com'],
    ['tanaka@docomo.ne.jp', 'docomo.ne.jp'],
    ['chen@hinet.net', 'hinet.net'],
    ['ali@emirates.net.ae', 'emirates.net.ae'],
    ['thabo@mweb.co.za', 'mweb.co.za'],
    ['luc@sympatico.ca', 'sympatico.ca'],
    ['ops@tutanota.com', 'tutanota.com'],
  ])('REG-8: refuses the public webmail or ISP address %s', (email, domain) => {
    expect(emailProvider(email)).toEqual({ kind: 'public', domain });
  });

  it('REG-8: refuses disposable domains, from the maintained list and its wildcard list', () => {
    expect(emailProvider('x@mailinator.com')).toEqual({ kind: 'disposable', domain: 'mailinator.com' });
    expect(emailProvider('x@yopmail.fr')?.kind).toBe('disposable');
    expect(emailProvider('x@anything.33mail.com')).toEqual({ kind: 'disposable', domain: '33mail.com' });
  });

  it('REG-8: case, subdomains, plus-addressing, dots, full-width letters and a trailing dot do not hide a provider', () => {
    expect(emailProvider('J.A.N.E+partner@Gmail.COM')).toEqual({ kind: 'public', domain: 'gmail.com' });
    expect(emailProvider('chen@ms1.hinet.net')).toEqual({ kind: 'public', domain: 'hinet.net' });
    expect(emailProvider('luc@nb.sympatico.ca')).toEqual({ kind: 'public', domain: 'sympatico.ca' });
    expect(emailProvider('ann@ｇｍａｉｌ.com')).toEqual({ kind: 'public', domain: 'gmail.com' });
    expect(emailDomain('ann@gmail.com.')).toBe('gmail.com');
  });

  it.each([
    'sales@gmail-solutions.de',
    'info@outlookconsulting.com',
    'contact@naver-partners.kr',
    'team@163-tech.com',
    'info@icloudsolutions.co.uk',
    'ceo@contoso.com',
    'ops@eu.contoso.com',
    'a.b+crm@contoso.co.jp',
  ])('REG-8: passes the business domain %s, even when it contains a provider name', (email) => {
    expect(emailProvider(email)).toBeUndefined();
  });

  it('REG-8: a top-level or second-level suffix alone is never a provider', () => {
    expect(emailProvider('a@example.co.uk')).toBeUndefined();
    expect(emailProvider('a@example.com.br')).toBeUndefined();
  });
});
