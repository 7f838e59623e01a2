import { requirePermission, type Actor } from '../../platform/auth.ts';
import { cacheFor } from '../../platform/cache.ts';
import type { AppContext } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import type { Permission } from '../../platform/roles.rules.ts';
import * as repo from './distributors.repository.ts';
import { toDistributor, type Distributor } from './distributors.service.ts';
import { isUuid } from '../../platform/ids.ts';

/** The cache topic of purchase-eligibility answers; every change that affects one announces it. */
export const ELIGIBILITY_TOPIC = 'eligibility';

/**
 * The distributor, when the actor may act for it with this permission: its own users (or an
 * API key of it), and programme staff administrators for reading. Anyone else gets 404, not 403, so that the existence of
 * another distributor's data is not revealed either (REG-6).
 */
export async function requireDistributorAccess(
  ctx: AppContext,
  actor: Actor | null,
  distributorId: string,
  permission: Permission,
): Promise<Distributor> {
  const row = isUuid(distributorId) ? await repo.findById(ctx.db, distributorId) : undefined;
  if (!row) throw notFound('Distributor');
  const distributor = toDistributor(row);
  try {
    requirePermission(actor, permission, distributor.organisationId);
  } catch (error) {
    if (actor) throw notFound('Distributor');
    throw error;
  }
  return distributor;
}

/**
 * The distributor of an actor with exactly one distributor grant (every API key), from a cache:
 * which distributor an organisation is never changes. Keeps the eligibility hot path to zero queries.
 */
export async function soleDistributorId(ctx: AppContext, actor: Actor): Promise<string | undefined> {
  const organisations = actor.grants
    .filter((g) => g.role === 'distributor_user' || g.role === 'distributor_admin')
    .map((g) => g.organisationId);
  if (organisations.length !== 1 || !organisations[0]) return undefined;
  const cache = cacheFor<string>(ctx.db, 'distributor_of_organisation', 10 * 60_000, 10_000);
  const hit = cache.get(organisations[0]);
  if (hit) return hit;
  const [row] = await repo.findByOrganisations(ctx.db, [organisations[0]]);
  if (row) cache.set(organisations[0], row.id);
  return row?.id;
}

/** The distributors the actor works for (through distributor roles or an API key). */
export async function distributorsOfActor(ctx: AppContext, actor: Actor): Promise<Distributor[]> {
  const organisationIds = actor.grants
    .filter((g) => g.role === 'distributor_user' || g.role === 'distributor_admin')
    .map((g) => g.organisationId!)
    .filter(Boolean);
  return (await repo.findByOrganisations(ctx.db, [...new Set(organisationIds)])).map(toDistributor);
}
