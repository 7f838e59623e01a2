import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { errors, SESSION } from '../../platform/api-schemas.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { locationsForPartner, removeLocation, saveLocation, setLocationListed } from './locations.service.ts';
import { Location, LocationBody, locationForm, P, PId, Uuid } from './self-service.schemas.ts';

// REG-7, REG-14: a partner's locations and their Partner Locator listing, as JSON.
export function locationRoutes(fastify: FastifyInstance): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  const tags = ['partner self service'];
  const security = SESSION;
  const noContent = { 204: Type.Null() };

  // ---- Locations (REG-7, REG-14) ----
  app.get(
    '/partner/:partnerId/locations',
    {
      schema: {
        tags,
        summary: 'REG-7: locations with their flags and listing',
        security,
        params: P,
        response: { 200: Type.Array(Location), ...errors(401, 404) },
      },
    },
    async (req) => locationsForPartner(ctx(), req.actor, req.params.partnerId),
  );
  app.post(
    '/partner/:partnerId/locations',
    {
      schema: {
        tags,
        summary: 'REG-7: add a location (checked like at registration; flags go to programme staff)',
        security,
        params: P,
        body: LocationBody,
        response: {
          201: Type.Object({ id: Uuid, flags: Type.Array(Type.Object({}, { additionalProperties: true })) }),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await saveLocation(
            ctx(),
            req.actor,
            req.params.partnerId,
            undefined,
            locationForm(req.body),
            requestMeta(req),
          ),
        ),
  );
  app.put(
    '/partner/:partnerId/locations/:id',
    {
      schema: {
        tags,
        summary: 'REG-7: change a location',
        security,
        params: PId,
        body: LocationBody,
        response: {
          200: Type.Object({ id: Uuid, flags: Type.Array(Type.Object({}, { additionalProperties: true })) }),
          ...errors(401, 403, 404, 422),
        },
      },
    },
    async (req) =>
      saveLocation(ctx(), req.actor, req.params.partnerId, req.params.id, locationForm(req.body), requestMeta(req)),
  );
  app.put(
    '/partner/:partnerId/locations/:id/listing',
    {
      schema: {
        tags,
        summary: 'REG-14: list or unlist in the Partner Locator; 409 for the last listed location',
        security,
        params: PId,
        body: Type.Object({ listed: Type.Boolean() }, { additionalProperties: false }),
        response: { ...noContent, ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await setLocationListed(ctx(), req.actor, req.params.partnerId, req.params.id, req.body.listed, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
  app.delete(
    '/partner/:partnerId/locations/:id',
    {
      schema: {
        tags,
        summary: 'Remove a location; 409 for the last listed one',
        security,
        params: PId,
        response: { ...noContent, ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await removeLocation(ctx(), req.actor, req.params.partnerId, req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
}
