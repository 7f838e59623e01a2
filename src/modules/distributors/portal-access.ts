import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import type { AppContext } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { signedIn } from '../../platform/views/page-helpers.tsx';
import { requireDistributorAccess } from './access.ts';
import type { Distributor } from './distributors.service.ts';

/** The notices the portal's screens show after a redirect (`?notice=`). */
export const NOTICES = {
  confirmed: 'portal.claims.confirmed',
  rejected: 'portal.claims.rejected',
  key_revoked: 'portal.keys.revoked',
  user_added: 'portal.users.added',
  user_removed: 'portal.users.removed',
};

export type PortalPermission = 'distributor:read' | 'claims:decide' | 'distributor:manage';

/** What every screen's routes need: the app context, and the distributor a page is about. */
export interface PortalRoutes {
  appCtx: () => AppContext;
  /**
   * The distributor of the page, when the signed-in actor works for it with this permission
   * (anyone else: 404); undefined after redirecting a signed-out visitor to sign in.
   */
  access: (
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    permission: PortalPermission,
    returnTo?: string,
  ) => Promise<{ actor: Actor; d: Distributor } | undefined>;
}

export function portalRoutes(app: FastifyInstance): PortalRoutes {
  const appCtx = () => app.appContext;
  return {
    appCtx,
    access: async (req, reply, id, permission, returnTo) => {
      const actor = signedIn(req, reply, returnTo);
      if (!actor) return undefined;
      if (!isUuid(id)) throw notFound('Distributor');
      return { actor, d: await requireDistributorAccess(appCtx(), actor, id, permission) };
    },
  };
}
