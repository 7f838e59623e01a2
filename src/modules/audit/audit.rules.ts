import { createHash } from 'node:crypto';
import { parseDay } from '../../platform/dates.ts';

/**
 * X-4: a day that bounds an audit search (`from`, `to`), as typed (YYYY-MM-DD): a calendar day of
 * the years 1900 to 9998. Year 0000 is a day to JavaScript but none PostgreSQL accepts, and `to`
 * searches up to the next midnight, which 9999-12-31 would push past year 9999 (a 500 the form
 * fuzzing found, #16.5). No audit row predates 1900.
 */
export function auditSearchDay(value: string): Date | undefined {
  const day = parseDay(value);
  return day && day.getUTCFullYear() <= 9998 ? day : undefined;
}

/** The hash the first row of the chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditFacts {
  occurredAt: Date;
  actorUserId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string;
  organisationId: string | null;
  ip: string | null;
  data: Record<string, unknown>;
}

/**
 * X-4: each row's hash covers its own facts and the previous row's hash, so changing, removing
 * or reordering any row breaks every link after it. The facts are serialised canonically
 * (sorted keys) because jsonb does not keep key order.
 */
export function chainHash(prevHash: string, facts: AuditFacts): string {
  const canonical = canonicalJson({
    occurredAt: facts.occurredAt.toISOString(),
    actorUserId: facts.actorUserId,
    actorLabel: facts.actorLabel,
    action: facts.action,
    subjectType: facts.subjectType,
    subjectId: facts.subjectId,
    organisationId: facts.organisationId,
    ip: facts.ip,
    data: facts.data,
  });
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface ChainRow extends AuditFacts {
  id: number;
  prevHash: string;
  hash: string;
}

export type ChainVerdict =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAtId: number; reason: 'prev_hash_mismatch' | 'hash_mismatch' | 'unlinked' };

/** Walks rows in chain order, continuing from `prevHash`; reports the first broken link. */
export function verifyLinks(
  rows: Iterable<ChainRow>,
  prevHash = GENESIS_HASH,
  checkedBefore = 0,
): ChainVerdict & { lastHash: string } {
  let checked = checkedBefore;
  let previous = prevHash;
  for (const row of rows) {
    if (row.prevHash !== previous)
      return { ok: false, checked, brokenAtId: row.id, reason: 'prev_hash_mismatch', lastHash: previous };
    if (chainHash(row.prevHash, row) !== row.hash)
      return { ok: false, checked, brokenAtId: row.id, reason: 'hash_mismatch', lastHash: previous };
    previous = row.hash;
    checked += 1;
  }
  return { ok: true, checked, lastHash: previous };
}

/**
 * X-4: a CSV cell a spreadsheet will not run as a formula (CWE-1236). Cells that begin with
 * =, +, -, @, tab or CR get a leading apostrophe, which spreadsheets show as text; the audit log
 * holds what people typed (names, notes), so any of them may.
 */
export function neutraliseCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
