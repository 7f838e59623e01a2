import { stringify } from 'csv-stringify/sync';
import { requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Db, Trx } from '../../platform/db.ts';
import * as repo from './audit.repository.ts';
import { chainHash, GENESIS_HASH, neutraliseCsvCell, verifyLinks, type ChainVerdict } from './audit.rules.ts';

export interface AuditEntry {
  actor: { userId: string | null; label: string };
  action: string;
  subject: { type: string; id: string };
  organisationId?: string | null;
  ip?: string | null;
  data?: Record<string, unknown>;
}

/** Who did it, for audit rows written by the system itself (workers, CLI). */
export const SYSTEM_ACTOR = { userId: null, label: 'system' } as const;

/**
 * Appends one row to the audit chain. Takes the open transaction of the change it records,
 * so the change and its audit row commit or roll back together.
 */
export async function recordAudit(trx: Trx, entry: AuditEntry): Promise<void> {
  // The first append of a transaction takes the chain's lock and reads its newest hash; the lock
  // is then held until the transaction ends, so nobody else can append meanwhile and the newest
  // hash is the one this transaction wrote last. A later append in the same transaction (a
  // submission writes two) skips both round trips, which are spent while every other writer
  // waits for the lock (#15, decision 064). The code takes no savepoints that could undo a row.
  let prevHash = lastWritten.get(trx);
  if (prevHash === undefined) {
    await repo.lockChain(trx);
    prevHash = (await repo.lastHash(trx)) ?? GENESIS_HASH;
  }
  const facts = {
    // Millisecond precision so the value read back is the value hashed.
    occurredAt: new Date(Math.floor(Date.now())),
    actorUserId: entry.actor.userId,
    actorLabel: entry.actor.label,
    action: entry.action,
    subjectType: entry.subject.type,
    subjectId: entry.subject.id,
    organisationId: entry.organisationId ?? null,
    ip: entry.ip ?? null,
    data: JSON.parse(JSON.stringify(entry.data ?? {})) as Record<string, unknown>,
  };
  const hash = chainHash(prevHash, facts);
  await repo.insertRow(trx, {
    occurred_at: facts.occurredAt,
    actor_user_id: facts.actorUserId,
    actor_label: facts.actorLabel,
    action: facts.action,
    subject_type: facts.subjectType,
    subject_id: facts.subjectId,
    organisation_id: facts.organisationId,
    ip: facts.ip,
    data: JSON.stringify(facts.data),
    prev_hash: prevHash,
    hash,
  });
  if (trx.isTransaction) lastWritten.set(trx, hash);
}

/** The hash each open transaction appended last (it holds the chain's lock until it ends). */
const lastWritten = new WeakMap<Trx, string>();

/** Walks the whole chain in pages; reports the first broken link. */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<ChainVerdict> {
  let afterId = 0;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await repo.rowsAfter(db, afterId, pageSize);
    if (rows.length === 0) return { ok: true, checked };
    const verdict = verifyLinks(
      rows.map((r) => ({
        id: r.id,
        occurredAt: r.occurred_at,
        actorUserId: r.actor_user_id,
        actorLabel: r.actor_label,
        action: r.action,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        organisationId: r.organisation_id,
        ip: r.ip,
        data: r.data,
        prevHash: r.prev_hash,
        hash: r.hash,
      })),
      prevHash,
      checked,
    );
    if (!verdict.ok)
      return { ok: false, checked: verdict.checked, brokenAtId: verdict.brokenAtId, reason: verdict.reason };
    ({ checked } = verdict);
    prevHash = verdict.lastHash;
    afterId = rows[rows.length - 1]!.id;
  }
}

export interface AuditRecord {
  id: number;
  occurredAt: Date;
  actorUserId: string | null;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  organisationId: string | null;
  ip: string | null;
  data: Record<string, unknown>;
  hash: string;
}

/** the audit log, newest first, for programme staff. */
export async function listAudit(
  ctx: AppContext,
  actor: Actor | null,
  filter: repo.AuditFilter,
  limit = 200,
): Promise<AuditRecord[]> {
  requirePermission(actor, 'audit:read');
  const rows = await repo.findRows(ctx.db, filter, Math.min(Math.max(limit, 1), 10_000));
  return rows.map((r) => ({
    id: r.id,
    occurredAt: r.occurred_at,
    actorUserId: r.actor_user_id,
    actor: r.actor_label,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    organisationId: r.organisation_id,
    ip: r.ip,
    data: r.data,
    hash: r.hash,
  }));
}

export async function exportAuditCsv(ctx: AppContext, actor: Actor | null, filter: repo.AuditFilter): Promise<string> {
  const records = await listAudit(ctx, actor, filter, 10_000);
  return stringify(
    records.map((r) =>
      [
        String(r.id),
        r.occurredAt.toISOString(),
        r.actor,
        r.action,
        r.subjectType,
        r.subjectId,
        r.organisationId ?? '',
        r.ip ?? '',
        JSON.stringify(r.data),
        r.hash,
      ].map(neutraliseCsvCell),
    ),
    {
      header: true,
      columns: [
        'id',
        'occurred_at',
        'actor',
        'action',
        'subject_type',
        'subject_id',
        'organisation_id',
        'ip',
        'data',
        'hash',
      ],
    },
  );
}

export async function verifyAuditChainAs(ctx: AppContext, actor: Actor | null): Promise<ChainVerdict> {
  requirePermission(actor, 'audit:read');
  return verifyAuditChain(ctx.db);
}
