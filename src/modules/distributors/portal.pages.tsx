import type { FastifyInstance } from 'fastify';
import { forbidden } from '../../platform/errors.ts';
import { pageCtx, signedIn } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { distributorsOfActor } from './access.ts';
import { accountListSize, listUploads } from './account-lists.service.ts';
import { listClaims, onboardingQueue } from './claims.service.ts';
import { portalRoutes } from './portal-access.ts';
import { accountListPages } from './portal-account-lists.pages.tsx';
import { apiKeyPages } from './portal-api-keys.pages.tsx';
import { claimsPages } from './portal-claims.pages.tsx';
import { ChooseDistributorPage, OverviewPage } from './portal-layout.tsx';
import { OnboardingPage } from './portal-onboarding.views.tsx';
import { userPages } from './portal-users.pages.tsx';

/**
 * REG-2, REG-3, REG-6, X-3: the pages of a distributor's own users. This file has the entry
 * screens (choosing a distributor, the overview, the on-boarding queue); each other screen
 * registers its routes from `portal-<screen>.pages.tsx`, with its components in `portal-<screen>.views.tsx`.
 */
export async function distributorPortalPages(app: FastifyInstance): Promise<void> {
  const portal = portalRoutes(app);
  const { appCtx, access } = portal;

  app.get('/distributor', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const mine = await distributorsOfActor(appCtx(), actor);
    if (mine.length === 0) throw forbidden('You do not work for an authorised distributor.');
    if (mine.length === 1) return reply.redirect(`/distributor/${mine[0]!.id}`, 303);
    return sendPage(reply, <ChooseDistributorPage ctx={pageCtx(req, reply)} distributors={mine} />);
  });

  app.get<{ Params: { id: string } }>('/distributor/:id', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:read');
    if (!found) return reply;
    const { actor, d } = found;
    const [pending, queue, listSize, uploads] = await Promise.all([
      listClaims(appCtx(), actor, d.id, 'pending'),
      onboardingQueue(appCtx(), actor, d.id),
      accountListSize(appCtx(), d.id),
      listUploads(appCtx(), actor, d.id),
    ]);
    return sendPage(
      reply,
      <OverviewPage
        ctx={pageCtx(req, reply)}
        d={d}
        pending={pending.length}
        onboarding={queue.length}
        listSize={listSize}
        latest={uploads[0]}
      />,
    );
  });

  /** REG-3: the registered partners that designated this distributor. */
  app.get<{ Params: { id: string } }>('/distributor/:id/onboarding', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:read');
    if (!found) return reply;
    const queue = await onboardingQueue(appCtx(), found.actor, found.d.id);
    return sendPage(reply, <OnboardingPage ctx={pageCtx(req, reply)} d={found.d} queue={queue} />);
  });

  claimsPages(app, portal);
  await accountListPages(app, portal);
  apiKeyPages(app, portal);
  userPages(app, portal);
}
