import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import { AppError } from '../../platform/errors.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { errorText, pageCtx, pick } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { decideClaim, listClaims, releasedResellerInfo } from './claims.service.ts';
import type { Distributor } from './distributors.service.ts';
import { NOTICES, type PortalRoutes } from './portal-access.ts';
import { CLAIMS_SHOWN, ClaimsPage, ResellerPage } from './portal-claims.views.tsx';

/** REG-2, REG-6: the claims screen, the distributor's decisions, and what it may see of a reseller. */
export function claimsPages(app: FastifyInstance, { appCtx, access }: PortalRoutes): void {
  const claimsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    d: Distributor,
    error?: AppError,
  ) => {
    const [pending, confirmed, rejected] = await Promise.all([
      listClaims(appCtx(), actor, d.id, 'pending'),
      listClaims(appCtx(), actor, d.id, 'confirmed'),
      listClaims(appCtx(), actor, d.id, 'rejected'),
    ]);
    const decided = [...confirmed, ...rejected]
      .sort((a, b) => (b.decidedAt?.getTime() ?? 0) - (a.decidedAt?.getTime() ?? 0))
      .slice(0, CLAIMS_SHOWN);
    const ctx = pageCtx(req, reply, { notices: NOTICES, path: `/distributor/${d.id}/claims` });
    return sendPage(
      reply,
      <ClaimsPage ctx={ctx} d={d} pending={pending} decided={decided} error={error && errorText(ctx, error)} />,
      error?.status ?? 200,
    );
  };

  app.get<{ Params: { id: string } }>('/distributor/:id/claims', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:read');
    if (!found) return reply;
    return claimsPage(req, reply, found.actor, found.d);
  });

  app.post<{ Params: { id: string; claimId: string } }>(
    '/distributor/:id/claims/:claimId/decision',
    async (req, reply) => {
      const found = await access(req, reply, req.params.id, 'claims:decide', `/distributor/${req.params.id}/claims`);
      if (!found) return reply;
      const { decision } = pick(req.body, 'decision');
      if (decision !== 'confirm' && decision !== 'reject')
        throw new AppError('bad_request', 'decision must be confirm or reject.', 400);
      try {
        await decideClaim(appCtx(), found.actor, found.d.id, req.params.claimId, decision, undefined, requestMeta(req));
      } catch (error) {
        if (error instanceof AppError && error.status === 409)
          return claimsPage(req, reply, found.actor, found.d, error);
        throw error;
      }
      return reply.redirect(
        `/distributor/${found.d.id}/claims?notice=${decision === 'confirm' ? 'confirmed' : 'rejected'}`,
        303,
      );
    },
  );

  app.get<{ Params: { id: string; partnerId: string } }>(
    '/distributor/:id/resellers/:partnerId',
    async (req, reply) => {
      const found = await access(req, reply, req.params.id, 'distributor:read');
      if (!found) return reply;
      const info = await releasedResellerInfo(appCtx(), found.actor, found.d.id, req.params.partnerId);
      return sendPage(reply, <ResellerPage ctx={pageCtx(req, reply)} d={found.d} info={info} />);
    },
  );
}
