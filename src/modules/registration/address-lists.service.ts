import { auditActor, requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { isCountryCode } from '../../platform/countries.ts';
import { notFound, validationFailed } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { WATCHLIST_KINDS, type WatchlistKind } from './address-checks.rules.ts';
import { checkAllowlistInput, type ListViolation } from './allowlist.rules.ts';
import * as repo from './address-lists.repository.ts';

// REG-7, REG-8 (#11): programme staff keep the watchlist (providers to flag) and the allow-list
// (confirmed false alarms not to flag again). Every change is audited.

export interface AllowlistItem {
  id: string;
  code: string;
  phrase: string;
  scope: string | null;
  reason: string;
  addedBy: string | null;
  addedAt: Date;
}

export interface WatchlistItem {
  id: string;
  kind: WatchlistKind;
  name: string;
  country: string | null;
  note: string | null;
  addedBy: string | null;
  addedAt: Date;
}

export interface AllowlistInput {
  code: string;
  phrase: string;
  scope?: string | null | undefined;
  reason: string;
  /** The application whose false alarm this came from, for the audit trail. */
  applicationId?: string | undefined;
}

export interface WatchlistInput {
  kind: string;
  name: string;
  country?: string | undefined;
  note?: string | undefined;
}

export async function addressLists(
  ctx: AppContext,
  actor: Actor | null,
): Promise<{ allowlist: AllowlistItem[]; watchlist: WatchlistItem[] }> {
  requirePermission(actor, 'applications:review');
  const [allow, watch] = await Promise.all([repo.allowlistWithAuthors(ctx.db), repo.watchlistWithAuthors(ctx.db)]);
  return {
    allowlist: allow.map((a) => ({
      id: a.id,
      code: a.code,
      phrase: a.phrase,
      scope: a.scope,
      reason: a.reason,
      addedBy: a.added_by_name,
      addedAt: a.created_at,
    })),
    watchlist: watch.map((w) => ({
      id: w.id,
      kind: w.kind,
      name: w.name,
      country: w.country,
      note: w.note,
      addedBy: w.added_by_name,
      addedAt: w.created_at,
    })),
  };
}

/** Adds a confirmed false alarm; adding one already listed changes nothing (`created: false`). */
export async function addToAllowlist(
  ctx: AppContext,
  actor: Actor | null,
  input: AllowlistInput,
  meta: RequestMeta,
): Promise<{ id: string; created: boolean }> {
  const staff = requirePermission(actor, 'applications:review');
  const problems = checkAllowlistInput(input);
  if (problems.length > 0) throw validationFailed(problems);
  const entry = { code: input.code, phrase: input.phrase.trim(), scope: input.scope?.trim() || null };
  return ctx.db.transaction().execute(async (trx) => {
    const id = await repo.insertAllowlistEntry(trx, { ...entry, reason: input.reason.trim(), added_by: staff.userId });
    if (!id) return { id: (await repo.findAllowlistEntry(trx, entry))!.id, created: false };
    await recordAudit(trx, {
      actor: auditActor(staff),
      action: 'allowlist.added',
      subject: { type: 'allowlist_entry', id },
      ip: meta.ip,
      data: { ...entry, reason: input.reason.trim(), applicationId: input.applicationId ?? null },
    });
    return { id, created: true };
  });
}

export async function removeFromAllowlist(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  const staff = requirePermission(actor, 'applications:review');
  if (!isUuid(id)) throw notFound('Allow-list entry');
  await ctx.db.transaction().execute(async (trx) => {
    const removed = await repo.deleteAllowlistEntry(trx, id);
    if (!removed) throw notFound('Allow-list entry');
    await recordAudit(trx, {
      actor: auditActor(staff),
      action: 'allowlist.removed',
      subject: { type: 'allowlist_entry', id },
      ip: meta.ip,
      data: removed,
    });
  });
}

function checkWatchlistInput(input: WatchlistInput): ListViolation[] {
  const problems: ListViolation[] = [];
  if (!(WATCHLIST_KINDS as readonly string[]).includes(input.kind)) problems.push({ field: 'kind', rule: 'required' });
  const name = input.name.trim();
  if (!name) problems.push({ field: 'name', rule: 'required' });
  else if (name.length > 200) problems.push({ field: 'name', rule: 'too_long', params: { max: 200 } });
  const country = (input.country ?? '').trim().toUpperCase();
  if (country && !isCountryCode(country))
    problems.push({ field: 'country', rule: 'country_code', params: { value: input.country ?? '' } });
  if ((input.note ?? '').trim().length > 1000)
    problems.push({ field: 'note', rule: 'too_long', params: { max: 1000 } });
  return problems;
}

/** REG-7: a provider to flag from now on; one already listed with that kind changes nothing. */
export async function addToWatchlist(
  ctx: AppContext,
  actor: Actor | null,
  input: WatchlistInput,
  meta: RequestMeta,
): Promise<{ id: string | null; created: boolean }> {
  const staff = requirePermission(actor, 'applications:review');
  const problems = checkWatchlistInput(input);
  if (problems.length > 0) throw validationFailed(problems);
  const row = {
    kind: input.kind as WatchlistKind,
    name: input.name.trim(),
    country: (input.country ?? '').trim().toUpperCase() || null,
    note: (input.note ?? '').trim() || null,
    added_by: staff.userId,
  };
  return ctx.db.transaction().execute(async (trx) => {
    const id = await repo.insertWatchlistEntry(trx, row);
    if (!id) return { id: null, created: false };
    await recordAudit(trx, {
      actor: auditActor(staff),
      action: 'watchlist.added',
      subject: { type: 'watchlist_entry', id },
      ip: meta.ip,
      data: { kind: row.kind, name: row.name, country: row.country, note: row.note },
    });
    return { id, created: true };
  });
}

export async function removeFromWatchlist(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  const staff = requirePermission(actor, 'applications:review');
  if (!isUuid(id)) throw notFound('Watchlist entry');
  await ctx.db.transaction().execute(async (trx) => {
    const removed = await repo.deleteWatchlistEntry(trx, id);
    if (!removed) throw notFound('Watchlist entry');
    await recordAudit(trx, {
      actor: auditActor(staff),
      action: 'watchlist.removed',
      subject: { type: 'watchlist_entry', id },
      ip: meta.ip,
      data: removed,
    });
  });
}
