import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { errors } from '../../platform/api-schemas.ts';
import { requireUser } from '../../platform/auth.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../accounts/index.ts';
import { requireDistributorAccess } from './access.ts';
import { addDistributorUser, listDistributorUsers, removeDistributorUser } from './distributor-users.service.ts';
import * as s from './distributors.schemas.ts';

/** REG-4, X-3: a distributor administrator's team: the company's API keys and the people who work for it. */
export function distributorTeamRoutes(fastify: FastifyInstance): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  const portal = ['distributor portal'];

  app.get(
    '/distributor/:distributorId/api-keys',
    {
      schema: {
        tags: portal,
        summary: 'API keys of this distributor',
        security: [{ session: [] }],
        params: s.DistributorParams,
        response: { 200: Type.Array(s.ApiKey), ...errors(401, 404) },
      },
    },
    async (req) => {
      const d = await requireDistributorAccess(
        ctx(),
        requireUser(req.actor),
        req.params.distributorId,
        'distributor:manage',
      );
      return listApiKeys(ctx(), requireUser(req.actor), d.organisationId);
    },
  );
  app.post(
    '/distributor/:distributorId/api-keys',
    {
      schema: {
        tags: portal,
        summary: 'Create an API key; the secret is in this response only',
        security: [{ session: [] }],
        params: s.DistributorParams,
        body: s.ApiKeyBody,
        response: { 201: s.NewApiKey, ...errors(401, 404, 422) },
      },
    },
    async (req, reply) => {
      const d = await requireDistributorAccess(
        ctx(),
        requireUser(req.actor),
        req.params.distributorId,
        'distributor:manage',
      );
      return reply
        .status(201)
        .send(await createApiKey(ctx(), requireUser(req.actor), d.organisationId, req.body.name, requestMeta(req)));
    },
  );
  app.delete(
    '/distributor/:distributorId/api-keys/:keyId',
    {
      schema: {
        tags: portal,
        summary: 'Revoke an API key (stops working within seconds everywhere)',
        security: [{ session: [] }],
        params: s.KeyParams,
        response: { 204: { type: 'null' }, ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const d = await requireDistributorAccess(
        ctx(),
        requireUser(req.actor),
        req.params.distributorId,
        'distributor:manage',
      );
      await revokeApiKey(ctx(), requireUser(req.actor), d.organisationId, req.params.keyId, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  const UserParams = Type.Object({
    distributorId: Type.String({ format: 'uuid' }),
    userId: Type.String({ format: 'uuid' }),
  });
  app.get(
    '/distributor/:distributorId/users',
    {
      schema: {
        tags: portal,
        summary: 'People who work for this distributor in the portal',
        security: [{ session: [] }],
        params: s.DistributorParams,
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.String(),
              name: Type.String(),
              email: Type.String(),
              roles: Type.Array(Type.String()),
            }),
          ),
          ...errors(401, 404),
        },
      },
    },
    async (req) => listDistributorUsers(ctx(), req.actor, req.params.distributorId),
  );
  app.post(
    '/distributor/:distributorId/users',
    {
      schema: {
        tags: portal,
        summary: 'Give an existing, confirmed account a role at this distributor',
        security: [{ session: [] }],
        params: s.DistributorParams,
        body: Type.Object(
          { email: Type.String({ maxLength: 500 }), role: Type.Enum(['distributor_user', 'distributor_admin']) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors(401, 404, 422) },
      },
    },
    async (req, reply) => {
      await addDistributorUser(
        ctx(),
        req.actor,
        req.params.distributorId,
        req.body.email,
        req.body.role,
        requestMeta(req),
      );
      return reply.status(204).send(null);
    },
  );
  app.delete(
    '/distributor/:distributorId/users/:userId',
    {
      schema: {
        tags: portal,
        summary: 'Remove a person from this distributor (the last administrator stays)',
        security: [{ session: [] }],
        params: UserParams,
        response: { 204: Type.Null(), ...errors(401, 404, 409) },
      },
    },
    async (req, reply) => {
      await removeDistributorUser(ctx(), req.actor, req.params.distributorId, req.params.userId, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
}
