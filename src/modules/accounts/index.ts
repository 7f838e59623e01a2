import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import type { AppContext } from '../../platform/context.ts';
import { actorForSession } from './accounts.service.ts';
import { readSessionToken } from './session.ts';

export { accountsPages } from './accounts.pages.tsx';
export { accountsRoutes } from './accounts.routes.ts';
export { createStaff, signUp, verifyEmail, signIn } from './accounts.service.ts';
export { insertGrant, insertOrganisation, insertUser, findUserByEmail, findOrganisationByKind } from './accounts.repository.ts';

/** The actor of a request, from its session cookie. */
export async function loadActor(ctx: AppContext, req: FastifyRequest): Promise<Actor | null> {
  const token = readSessionToken(req);
  return token ? actorForSession(ctx, token) : null;
}
