import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { actorForSession } from './accounts.service.ts';
import { actorForApiKey } from './api-keys.service.ts';
import { readSessionToken } from './session.ts';

export { accountsPages } from './accounts.pages.tsx';
export { accountsRoutes } from './accounts.routes.ts';
export { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service.ts';
export { createStaff, signUp, verifyEmail, signIn, actorForEmail, firstHolderOf } from './accounts.service.ts';
export * as memberships from './memberships.service.ts';
export type { Person } from './memberships.service.ts';
export { insertGrant, insertOrganisation, insertUser, findUserByEmail, findOrganisationByKind, ensureVendorOrganisation } from './accounts.repository.ts';

/** The actor of a request: from `Authorization: Bearer <API key>`, else from the session cookie. */
export async function loadActor(ctx: AppContext, req: FastifyRequest): Promise<Actor | null> {
  const authorization = req.headers.authorization;
  if (authorization?.startsWith('Bearer ')) {
    const actor = await actorForApiKey(ctx, authorization.slice(7).trim());
    if (!actor) throw new AppError('invalid_api_key', 'The API key is not valid or has been revoked.', 401);
    return actor;
  }
  const token = readSessionToken(req);
  return token ? actorForSession(ctx, token) : null;
}
