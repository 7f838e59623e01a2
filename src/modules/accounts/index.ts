import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { isBearer } from '../../platform/route-security.ts';
import { actorForSession } from './accounts.service.ts';
import { actorForApiKey, cachedActorForApiKey } from './api-keys.service.ts';
import { readSessionToken } from './session.ts';

export { accountsPages } from './accounts.pages.tsx';
export { accountsRoutes } from './accounts.routes.ts';
export { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service.ts';
export {
  createStaff,
  signUp,
  verifyEmail,
  signIn,
  actorForEmail,
  firstHolderOf,
  findAccountByEmail,
  type AccountView,
} from './accounts.service.ts';
export { checkEmail, checkName } from './accounts.rules.ts';
export {
  insertGrant,
  insertOrganisation,
  insertUser,
  findOrganisationByKind,
  ensureVendorOrganisation,
} from './accounts.repository.ts';
export {
  listRoleHolders,
  grantRole,
  revokeRoles,
  countRoleHolders,
  findConfirmedUser,
  type RoleHolder,
} from './accounts.repository.ts';
export { membersOfOrganisation, deleteGrants } from './accounts.repository.ts';
export * as memberships from './memberships.service.ts';
export type { Person } from './memberships.service.ts';

const BEARER = /^bearer\s+(\S+)\s*$/i;
const invalidKey = () => new AppError('invalid_api_key', 'The API key is not valid or has been revoked.', 401);

/**
 * The actor of a request: the API key of `Authorization: Bearer <key>` (only on operations that
 * accept keys: platform/route-security.ts refuses the others first), else the session cookie.
 * Any other Authorization scheme authenticates nothing.
 */
export async function loadActor(ctx: AppContext, req: FastifyRequest): Promise<Actor | null> {
  const bearer = BEARER.exec(req.headers.authorization ?? '');
  if (bearer || isBearer(req)) {
    const actor = await actorForApiKey(ctx, bearer?.[1] ?? '');
    if (!actor) throw invalidKey();
    return actor;
  }
  const token = readSessionToken(req);
  return token ? actorForSession(ctx, token) : null;
}

/**
 * loadActor's answer when it needs no query — a visitor without a session cookie, an API key in
 * the cache (or one that cannot be valid: throws as loadActor does) — else undefined. Lets the
 * hot path of API-key requests (REG-4's eligibility check) run without a promise (#15).
 */
export function actorWithoutQuery(ctx: AppContext, req: FastifyRequest): Actor | null | undefined {
  const bearer = BEARER.exec(req.headers.authorization ?? '');
  if (bearer || isBearer(req)) {
    const actor = cachedActorForApiKey(ctx, bearer?.[1] ?? '');
    if (actor === null) throw invalidKey();
    return actor;
  }
  return readSessionToken(req) ? undefined : null;
}
