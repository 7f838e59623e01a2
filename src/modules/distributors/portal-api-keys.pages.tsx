import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import { notFound } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { noErrors, type FormErrors } from '../../platform/views/components.tsx';
import { asFormErrors, pageCtx, pick } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../accounts/index.ts';
import type { Distributor } from './distributors.service.ts';
import { NOTICES, type PortalRoutes } from './portal-access.ts';
import { ApiKeysPage } from './portal-api-keys.views.tsx';

/** the distributor's administrators create and revoke the API keys of its systems. */
export function apiKeyPages(app: FastifyInstance, { appCtx, access }: PortalRoutes): void {
  const keysPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    d: Distributor,
    extra: { created?: { name: string; secret: string }; errors?: FormErrors; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const keys = await listApiKeys(appCtx(), actor, d.organisationId);
    return sendPage(
      reply,
      <ApiKeysPage
        ctx={pageCtx(req, reply, { notices: NOTICES, path: `/distributor/${d.id}/api-keys` })}
        d={d}
        keys={keys}
        created={extra.created}
        errors={extra.errors ?? noErrors}
        values={extra.values ?? {}}
      />,
      status,
    );
  };

  app.get<{ Params: { id: string } }>('/distributor/:id/api-keys', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:manage');
    if (!found) return reply;
    return keysPage(req, reply, found.actor, found.d);
  });

  app.post<{ Params: { id: string } }>('/distributor/:id/api-keys', async (req, reply) => {
    const found = await access(
      req,
      reply,
      req.params.id,
      'distributor:manage',
      `/distributor/${req.params.id}/api-keys`,
    );
    if (!found) return reply;
    const { actor, d } = found;
    const values = pick(req.body, 'key_name');
    try {
      const key = await createApiKey(appCtx(), actor, d.organisationId, values.key_name ?? '', requestMeta(req));
      // The secret is in this response only: it is not stored, so the page is not a redirect.
      return await keysPage(req, reply, actor, d, { created: { name: key.name, secret: key.secret } });
    } catch (error) {
      const ctx = pageCtx(req, reply);
      return keysPage(req, reply, actor, d, { errors: asFormErrors(ctx, error, { name: 'key_name' }), values }, 422);
    }
  });

  app.post<{ Params: { id: string; keyId: string } }>('/distributor/:id/api-keys/:keyId/revoke', async (req, reply) => {
    const found = await access(
      req,
      reply,
      req.params.id,
      'distributor:manage',
      `/distributor/${req.params.id}/api-keys`,
    );
    if (!found) return reply;
    if (!isUuid(req.params.keyId)) throw notFound('Active API key');
    await revokeApiKey(appCtx(), found.actor, found.d.organisationId, req.params.keyId, requestMeta(req));
    return reply.redirect(`/distributor/${found.d.id}/api-keys?notice=key_revoked`, 303);
  });
}
