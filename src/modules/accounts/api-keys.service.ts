import { auditActor, requirePermission, type Actor } from '../../platform/auth.ts';
import { announceChange, cacheFor } from '../../platform/cache.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { notFound, validationFailed } from '../../platform/errors.ts';
import { hashSecret, newSecret } from '../../platform/tokens.ts';
import { recordAudit } from '../audit/index.ts';
import { checkName } from './accounts.rules.ts';

const API_KEYS_TOPIC = 'api_keys';
/** A revoked key stops working everywhere within this time, usually at once (NOTIFY). */
const API_KEY_TTL_MS = 5000;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  createdBy: string;
}

/**
 * an API key for an organisation (distributors today). The secret is shown once, here;
 * only its hash is stored. Keys look like `pp_<prefix>_<secret>`; the prefix identifies a key
 * in lists and logs without revealing it.
 */
/** Distributor admins manage their distributor's keys; staff administrators the vendor's. */
async function requireKeyManager(ctx: AppContext, actor: Actor, organisationId: string): Promise<void> {
  const organisation = await ctx.db.selectFrom('organisations').select('kind').where('id', '=', organisationId).executeTakeFirst();
  if (organisation?.kind === 'vendor') requirePermission(actor, 'staff:manage');
  else requirePermission(actor, 'distributor:manage', organisationId);
}

export async function createApiKey(ctx: AppContext, actor: Actor, organisationId: string, name: string, meta: RequestMeta): Promise<ApiKeyView & { secret: string }> {
  await requireKeyManager(ctx, actor, organisationId);
  if (actor.via) throw validationFailed([{ field: 'name', rule: 'api_key_cannot_create_keys' }]);
  const problems = checkName(name ?? '', 'name', 80);
  if (problems.length > 0) throw validationFailed(problems);
  const prefix = newSecret(6).secret.replace(/[-_]/g, 'x').slice(0, 8);
  const secret = `pp_${prefix}_${newSecret(32).secret}`;
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('api_keys')
      .values({ organisation_id: organisationId, name: name.trim(), prefix, key_hash: hashSecret(secret), created_by: actor.userId })
      .returning(['id', 'name', 'prefix', 'created_at', 'revoked_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actor: auditActor(actor), action: 'api_key.created', subject: { type: 'api_key', id: row.id }, organisationId, ip: meta.ip, data: { name: row.name, prefix } });
    return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.created_at, revokedAt: row.revoked_at, createdBy: actor.email, secret };
  });
}

export async function listApiKeys(ctx: AppContext, actor: Actor, organisationId: string): Promise<ApiKeyView[]> {
  await requireKeyManager(ctx, actor, organisationId);
  const rows = await ctx.db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.created_by')
    .select(['k.id', 'k.name', 'k.prefix', 'k.created_at', 'k.revoked_at', 'u.email'])
    .where('k.organisation_id', '=', organisationId)
    .orderBy('k.created_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at, createdBy: r.email }));
}

export async function revokeApiKey(ctx: AppContext, actor: Actor, organisationId: string, keyId: string, meta: RequestMeta): Promise<void> {
  await requireKeyManager(ctx, actor, organisationId);
  await ctx.db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', keyId)
      .where('organisation_id', '=', organisationId)
      .where('revoked_at', 'is', null)
      .returning(['id', 'prefix'])
      .executeTakeFirst();
    if (!revoked) throw notFound('Active API key');
    await recordAudit(trx, { actor: auditActor(actor), action: 'api_key.revoked', subject: { type: 'api_key', id: keyId }, organisationId, ip: meta.ip, data: { prefix: revoked.prefix } });
    await announceChange(trx, API_KEYS_TOPIC);
  });
}

/**
 * The actor an API key acts as: the organisation's distributor user role and nothing more,
 * named after the person who created it. Cached briefly: distributors call on every order.
 */
export async function actorForApiKey(ctx: AppContext, secret: string): Promise<Actor | null> {
  if (!/^pp_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{20,100}$/.test(secret)) return null;
  const hash = hashSecret(secret);
  const cache = cacheFor<Actor | null>(ctx.db, API_KEYS_TOPIC, API_KEY_TTL_MS, 10_000);
  const cached = cache.get(hash);
  if (cached !== undefined) return cached;
  const row = await ctx.db
    .selectFrom('api_keys as k')
    .innerJoin('organisations as o', 'o.id', 'k.organisation_id')
    .innerJoin('users as u', 'u.id', 'k.created_by')
    .select(['k.organisation_id', 'k.prefix', 'k.name', 'o.kind', 'u.id as user_id', 'u.email'])
    .where('k.key_hash', '=', hash)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
  // A key acts with the least role of its organisation: a distributor user, or a staff reviewer.
  const grant = row?.kind === 'distributor' ? ({ role: 'distributor_user', organisationId: row.organisation_id } as const) : row?.kind === 'vendor' ? ({ role: 'staff_reviewer', organisationId: null } as const) : undefined;
  const actor: Actor | null = row && grant ? { userId: row.user_id, email: row.email, name: `API key ${row.name}`, language: 'en', emailVerified: true, grants: [grant], via: `api-key:${row.prefix}` } : null;
  cache.set(hash, actor);
  return actor;
}
