import { auditActor, requirePermission, scopesOf, type Actor } from '../../platform/auth.ts';
import { announceChange, cacheFor } from '../../platform/cache.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { notFound, validationFailed } from '../../platform/errors.ts';
import { hashSecret, newSecret } from '../../platform/tokens.ts';
import { recordAudit } from '../audit/index.ts';
import * as repo from './accounts.repository.ts';
import { checkName } from './accounts.rules.ts';

const API_KEYS_TOPIC = 'api_keys';
/** A revoked key stops working everywhere within this time, usually at once (NOTIFY). */
const API_KEY_TTL_MS = 5000;
const KEY_FORM = /^pp_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{20,100}$/;
const apiKeyCache = (ctx: AppContext) => cacheFor<Actor | null>(ctx.db, API_KEYS_TOPIC, API_KEY_TTL_MS, 10_000);

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
  if ((await repo.findOrganisationKind(ctx.db, organisationId)) === 'vendor') requirePermission(actor, 'staff:manage');
  else requirePermission(actor, 'distributor:manage', organisationId);
}

export async function createApiKey(
  ctx: AppContext,
  actor: Actor,
  organisationId: string,
  name: string,
  meta: RequestMeta,
): Promise<ApiKeyView & { secret: string }> {
  await requireKeyManager(ctx, actor, organisationId);
  if (actor.apiKey) throw validationFailed([{ field: 'name', rule: 'api_key_cannot_create_keys' }]);
  const problems = checkName(name ?? '', 'name', 80);
  if (problems.length > 0) throw validationFailed(problems);
  const prefix = newSecret(6).secret.replace(/[-_]/g, 'x').slice(0, 8);
  const secret = `pp_${prefix}_${newSecret(32).secret}`;
  return ctx.db.transaction().execute(async (trx) => {
    const row = await repo.insertApiKey(trx, {
      organisation_id: organisationId,
      name: name.trim(),
      prefix,
      key_hash: hashSecret(secret),
      created_by: actor.userId,
    });
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'api_key.created',
      subject: { type: 'api_key', id: row.id },
      organisationId,
      ip: meta.ip,
      data: { name: row.name, prefix },
    });
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
      createdBy: actor.email,
      secret,
    };
  });
}

export async function listApiKeys(ctx: AppContext, actor: Actor, organisationId: string): Promise<ApiKeyView[]> {
  await requireKeyManager(ctx, actor, organisationId);
  const rows = await repo.apiKeysOf(ctx.db, organisationId);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    createdBy: r.email,
  }));
}

export async function revokeApiKey(
  ctx: AppContext,
  actor: Actor,
  organisationId: string,
  keyId: string,
  meta: RequestMeta,
): Promise<void> {
  await requireKeyManager(ctx, actor, organisationId);
  await ctx.db.transaction().execute(async (trx) => {
    const revoked = await repo.revokeApiKey(trx, organisationId, keyId);
    if (!revoked) throw notFound('Active API key');
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'api_key.revoked',
      subject: { type: 'api_key', id: keyId },
      organisationId,
      ip: meta.ip,
      data: { prefix: revoked.prefix },
    });
    await announceChange(trx, API_KEYS_TOPIC);
  });
}

/**
 * The actor an API key is: its organisation's least role (a distributor user, or a programme
 * reviewer for the vendor's keys) as its scopes, named and audited as the key itself — never as
 * the person who created it (decision 020). Cached briefly: distributors call on every order.
 */
export async function actorForApiKey(ctx: AppContext, secret: string): Promise<Actor | null> {
  if (!KEY_FORM.test(secret)) return null;
  const hash = hashSecret(secret);
  const cache = apiKeyCache(ctx);
  const cached = cache.get(hash);
  if (cached !== undefined) return cached;
  const row = await repo.findActiveApiKey(ctx.db, hash);
  const grant =
    row?.kind === 'distributor'
      ? ({ role: 'distributor_user', organisationId: row.organisation_id } as const)
      : row?.kind === 'vendor'
        ? ({ role: 'staff_reviewer', organisationId: null } as const)
        : undefined;
  const actor: Actor | null =
    row && grant
      ? {
          userId: row.created_by,
          email: `api-key:${row.prefix}`,
          name: `API key ${row.name}`,
          language: 'en',
          emailVerified: true,
          grants: [grant],
          apiKey: {
            id: row.id,
            prefix: row.prefix,
            name: row.name,
            organisationId: row.organisation_id,
            scopes: scopesOf([grant]),
          },
        }
      : null;
  cache.set(hash, actor);
  return actor;
}

/**
 * The actor of an API key when no query is needed: null for a secret that cannot be a key or a
 * key known to be invalid, the actor for a key in the cache, undefined when the database must be
 * asked (actorForApiKey). Synchronous, so that a bearer request with a cached key costs no promise
 * before its handler (#15, decision 073).
 */
export function cachedActorForApiKey(ctx: AppContext, secret: string): Actor | null | undefined {
  if (!KEY_FORM.test(secret)) return null;
  return apiKeyCache(ctx).get(hashSecret(secret));
}
