import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { noErrors, type FormErrors } from '../../platform/views/components.tsx';
import { asFormErrors, pageCtx, pick, signedIn } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { requireDistributorAccess } from './access.ts';
import { addDistributorUser, listDistributorUsers, removeDistributorUser } from './distributor-users.service.ts';
import type { Distributor } from './distributors.service.ts';
import { NOTICES, type PortalRoutes } from './portal-access.ts';
import { UsersPage } from './portal-users.views.tsx';

/** Who works for the distributor in the portal: its administrators (and programme staff) manage it. */
export function userPages(app: FastifyInstance, { appCtx }: PortalRoutes): void {
  const usersPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    d: Distributor,
    extra: { errors?: FormErrors; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const users = await listDistributorUsers(appCtx(), req.actor, d.id);
    return sendPage(
      reply,
      <UsersPage
        ctx={pageCtx(req, reply, { notices: NOTICES, path: `/distributor/${d.id}/users` })}
        d={d}
        users={users}
        errors={extra.errors ?? noErrors}
        values={extra.values ?? {}}
      />,
      status,
    );
  };
  // Programme staff reach this screen too, so access is the user manager's, not a distributor role's.
  const userManager = async (req: FastifyRequest, reply: FastifyReply, id: string) => {
    const actor = signedIn(req, reply, `/distributor/${id}/users`);
    if (!actor) return undefined;
    if (!isUuid(id)) throw notFound('Distributor');
    await listDistributorUsers(appCtx(), actor, id);
    return { actor, d: await requireDistributorAccess(appCtx(), actor, id, 'distributor:read') };
  };

  app.get<{ Params: { id: string } }>('/distributor/:id/users', async (req, reply) => {
    const found = await userManager(req, reply, req.params.id);
    if (!found) return reply;
    return usersPage(req, reply, found.d);
  });

  app.post<{ Params: { id: string } }>('/distributor/:id/users', async (req, reply) => {
    const found = await userManager(req, reply, req.params.id);
    if (!found) return reply;
    const values = pick(req.body, 'email', 'role');
    try {
      await addDistributorUser(
        appCtx(),
        found.actor,
        found.d.id,
        values.email ?? '',
        values.role ?? '',
        requestMeta(req),
      );
    } catch (error) {
      return usersPage(req, reply, found.d, { errors: asFormErrors(pageCtx(req, reply), error), values }, 422);
    }
    return reply.redirect(`/distributor/${found.d.id}/users?notice=user_added`, 303);
  });

  app.post<{ Params: { id: string; userId: string } }>('/distributor/:id/users/:userId/remove', async (req, reply) => {
    const found = await userManager(req, reply, req.params.id);
    if (!found) return reply;
    if (!isUuid(req.params.userId)) throw notFound('User of this distributor');
    try {
      await removeDistributorUser(appCtx(), found.actor, found.d.id, req.params.userId, requestMeta(req));
    } catch (error) {
      return usersPage(req, reply, found.d, { errors: asFormErrors(pageCtx(req, reply), error) }, 409);
    }
    return reply.redirect(`/distributor/${found.d.id}/users?notice=user_removed`, 303);
  });
}
