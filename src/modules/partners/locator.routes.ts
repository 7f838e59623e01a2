import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors, SESSION } from '../../platform/api-schemas.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { searchPartnerLocations, setLocationCoordinates } from './locator.service.ts';
import * as s from './locator.schemas.ts';

/** REG-14: the Partner Locator as JSON, and the staff correction of a location's coordinates. */
export async function locatorRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  const tags = ['partner locator'];

  app.get(
    '/partners/search',
    {
      schema: {
        tags,
        summary: 'REG-14: listed partner locations by place or coordinates and radius, country and name; nearest first',
        querystring: s.SearchQuery,
        response: { 200: s.SearchResponse, ...errors(400, 422) },
      },
    },
    async (req) => {
      const q = req.query;
      return searchPartnerLocations(ctx(), {
        place: q.place,
        country: q.country,
        latitude: q.latitude,
        longitude: q.longitude,
        radiusKm: q.radius,
        name: q.name,
        page: q.page,
      });
    },
  );

  app.put(
    '/partners/locations/:id/coordinates',
    {
      schema: {
        tags,
        summary: 'REG-14: programme staff correct a location’s coordinates',
        security: SESSION,
        params: s.LocationParams,
        body: s.CoordinatesBody,
        response: { 200: s.CoordinatesResponse, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req) => setLocationCoordinates(ctx(), req.actor, req.params.id, req.body, requestMeta(req)),
  );
}
