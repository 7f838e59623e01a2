import { stringify } from 'csv-stringify/sync';
import { requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext } from '../../platform/context.ts';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Trx } from '../../platform/db.ts';
import { startLoop, type Loop } from '../../platform/jobs.ts';
import * as repo from './audit.repository.ts';
import {
  chainHash,
  GENESIS_HASH,
  neutraliseCsvCell,
  verifyLinks,
  type AuditFacts,
  type ChainVerdict,
} from './audit.rules.ts';

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
 * Appends one row to the audit log. Takes the open transaction of the change it records, so the
 * change and its audit row commit or roll back together. The row is linked into the hash chain
 * after its transaction commits, by `chainPendingAudit` (decision 068): appending takes no lock,
 * so audited transactions no longer wait for each other.
 */
export async function recordAudit(trx: Trx, entry: AuditEntry): Promise<void> {
  await repo.insertRow(trx, {
    // Millisecond precision so the value read back is the value hashed.
    occurred_at: new Date(Math.floor(Date.now())),
    actor_user_id: entry.actor.userId,
    actor_label: entry.actor.label,
    action: entry.action,
    subject_type: entry.subject.type,
    subject_id: entry.subject.id,
    organisation_id: entry.organisationId ?? null,
    ip: entry.ip ?? null,
    data: JSON.stringify(entry.data ?? {}),
  });
}

/** How many queued rows one chaining transaction links at most. */
const CHAIN_BATCH = 1000;

/**
 * Links every committed, not yet linked audit row into the hash chain; returns how many. One
 * chainer at a time, in any process, holds the chain's lock for one short transaction per batch
 * (its own commit included). Rows are taken in id order among those committed when the batch
 * reads the queue, so a row written after another transaction committed (it has a higher id,
 * and is never visible before that transaction's rows) is always linked after them; a row whose
 * transaction commits later, even with a lower id, is linked by a later batch. The links and the
 * removal from the queue commit together, so a crash at any point leaves every row linked or
 * still queued.
 */
export async function chainPendingAudit(db: Db, batch = CHAIN_BATCH): Promise<number> {
  let linked = 0;
  while (await repo.anyUnchained(db)) {
    const taken = await db.transaction().execute(async (trx) => {
      await repo.lockChain(trx);
      const tip = await repo.chainTip(trx);
      const rows = await repo.takeUnchained(trx, batch);
      let position = tip?.position ?? 0;
      let prevHash = tip?.hash ?? GENESIS_HASH;
      const links = rows.map((r) => {
        const hash = chainHash(prevHash, factsOf(r));
        const link = { position: (position += 1), audit_id: r.id, prev_hash: prevHash, hash };
        prevHash = hash;
        return link;
      });
      await repo.appendLinks(trx, links);
      return rows.length;
    });
    linked += taken;
    // Another chainer took what was queued; or the queue holds only rows it dropped.
    if (taken < batch) break;
  }
  return linked;
}

/**
 * Runs `chainPendingAudit` every `intervalMs` in the background (each server process runs one;
 * they take turns on the chain's lock). Rows wait at most about that long to be linked; whoever
 * reads the chain (the viewer, the export, `verifyAuditChain`) links what is pending first.
 */
export function startAuditChainer(options: { db: Db; log: FastifyBaseLogger; intervalMs?: number }): Loop {
  const loop = startLoop('audit-chain', options.intervalMs ?? 1000, () => chainPendingAudit(options.db), options.log);
  return {
    runOnce: loop.runOnce,
    // What committed before the stop is linked before the database closes.
    stop: async () => {
      await loop.stop();
      await chainPendingAudit(options.db).catch((error: unknown) =>
        options.log.error({ err: error }, 'linking the audit chain at shutdown failed'),
      );
    },
  };
}

type AuditLogRow = Awaited<ReturnType<typeof repo.linksAfter>>[number];

function factsOf(r: Omit<AuditLogRow, 'position' | 'prev_hash' | 'hash'>): AuditFacts {
  return {
    occurredAt: r.occurred_at,
    actorUserId: r.actor_user_id,
    actorLabel: r.actor_label,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    organisationId: r.organisation_id,
    ip: r.ip,
    data: r.data,
  };
}

/**
 * Links what is pending, then walks the whole chain in order, in pages, checking every link and
 * every hash, and finally that every audit row is linked or still queued. Reports the first
 * problem; `brokenAtId` is the audit row's id.
 */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<ChainVerdict> {
  await chainPendingAudit(db);
  let afterPosition = 0;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await repo.linksAfter(db, afterPosition, pageSize);
    if (rows.length === 0) break;
    const verdict = verifyLinks(
      rows.map((r) => ({ ...factsOf(r), id: r.id, prevHash: r.prev_hash, hash: r.hash })),
      prevHash,
      checked,
    );
    if (!verdict.ok)
      return { ok: false, checked: verdict.checked, brokenAtId: verdict.brokenAtId, reason: verdict.reason };
    ({ checked } = verdict);
    prevHash = verdict.lastHash;
    afterPosition = rows[rows.length - 1]!.position;
  }
  const unaccounted = await repo.firstUnaccounted(db);
  if (unaccounted !== undefined) return { ok: false, checked, brokenAtId: unaccounted, reason: 'unlinked' };
  return { ok: true, checked };
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
  // Every row committed before this request is linked, so every row shown has its hash.
  await chainPendingAudit(ctx.db);
  const rows = await repo.findRows(ctx.db, filter, Math.min(Math.max(limit, 1), 10_000));
  return rows.map((r) => {
    const { actorLabel, ...facts } = factsOf(r);
    return { id: r.id, ...facts, actor: actorLabel, hash: r.hash };
  });
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
