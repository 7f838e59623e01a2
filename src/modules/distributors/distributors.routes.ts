import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors, SESSION_OR_API_KEY } from '../../platform/api-schemas.ts';
import Type from 'typebox';
import { requirePermission, requireUser, type Actor } from '../../platform/auth.ts';
import type { AppContext } from '../../platform/context.ts';
import { isCountryCode, normaliseCountry } from '../../platform/countries.ts';
import { requireCsvBody } from '../../platform/csv.ts';
import { AppError, validationFailed } from '../../platform/errors.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { distributorsOfActor, requireDistributorAccess, soleDistributorId } from './access.ts';
import { getUpload, importAccountList } from './account-lists.service.ts';
import { decideClaim, listClaims, onboardingQueue, releasedResellerInfo } from './claims.service.ts';
import * as directory from './distributors.service.ts';
import { purchaseEligibilityAt } from './eligibility.service.ts';
import { distributorTeamRoutes } from './distributor-team.routes.ts';
import * as s from './distributors.schemas.ts';

const publicView = (d: directory.Distributor) => ({
  id: d.id,
  code: d.code,
  legalName: d.legalName,
  hqCountry: d.hqCountry,
  countriesServed: d.countriesServed,
  website: d.website,
  phone: d.phone,
  email: d.email,
  acceptsNewResellers: d.acceptsNewResellers,
});

// Documented for OpenAPI; not validated as a string, because the parser hands over a stream.
const csvBody = {
  description: 'A CSV file (text/csv), streamed',
  content: { 'text/csv': { schema: { description: 'CSV text with a header line' } } },
} as const;

/**
 * The distributor that an eligibility question is about: the API key's own, or for a signed-in
 * person who works for several, the one named in `distributorId`.
 */
async function eligibilityDistributor(
  ctx: AppContext,
  actor: Actor,
  distributorId: string | undefined,
): Promise<string> {
  if (distributorId) return (await requireDistributorAccess(ctx, actor, distributorId, 'distributor:read')).id;
  const single = await soleDistributorId(ctx, actor);
  if (single) return single;
  const mine = await distributorsOfActor(ctx, actor);
  if (mine.length === 1) return mine[0]!.id;
  if (mine.length === 0)
    throw new AppError('forbidden', 'Only a distributor (its users or API keys) can check purchase eligibility.', 403);
  throw validationFailed([{ field: 'distributorId', rule: 'required' }]);
}

/** X-3, REG-2…REG-6: the distributor capabilities as JSON. */
export async function distributorsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;

  // CSV uploads arrive as a stream; the services read them row by row.
  app.addContentTypeParser('text/csv', (_req, payload, done) => done(null, payload));

  // ---- Public: Distributor Locator (REG-5) ----
  const locator = ['distributor locator'];
  app.get(
    '/distributors',
    {
      schema: {
        tags: locator,
        summary: 'REG-5: authorised distributors located in or authorised for a country',
        querystring: s.LocatorQuery,
        response: { 200: s.LocatorResponse, ...errors(400) },
      },
    },
    async (req) => {
      const country = normaliseCountry(req.query.country);
      if (!isCountryCode(country))
        throw validationFailed([{ field: 'country', rule: 'country_code', params: { value: req.query.country } }]);
      return { country, distributors: (await directory.distributorsServing(ctx(), country)).map(publicView) };
    },
  );
  app.get(
    '/distributors/:id',
    {
      schema: {
        tags: locator,
        summary: 'One authorised distributor',
        params: s.IdParams,
        response: { 200: s.DistributorPublic, ...errors(404) },
      },
    },
    async (req) => {
      const distributor = await directory.getDistributor(ctx(), req.params.id);
      if (distributor.status !== 'active') throw new AppError('not_found', 'Distributor was not found.', 404);
      return publicView(distributor);
    },
  );
  app.post(
    '/distributors/:id/inquiries',
    {
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags: locator,
        summary: 'REG-5: send a message to a distributor (emailed through the outbox)',
        params: s.IdParams,
        body: s.InquiryBody,
        response: {
          202: { type: 'object', properties: { status: { type: 'string' } } },
          ...errors(404, 409, 422, 429),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      await directory.sendInquiry(
        ctx(),
        req.params.id,
        { name: b.name, email: b.email, company: b.company ?? '', message: b.message, website: b.website ?? '' },
        requestMeta(req),
      );
      return reply.status(202).send({ status: 'accepted' });
    },
  );

  // ---- Programme staff: the directory ----
  const staff = ['staff: distributors'];
  app.get(
    '/staff/distributors',
    {
      schema: {
        tags: staff,
        summary: 'Every distributor, active and retired',
        security: [{ session: [] }],
        response: { 200: Type.Array(s.DistributorFull), ...errors(401, 403) },
      },
    },
    async (req) => {
      requirePermission(req.actor, 'distributors:manage');
      return directory.listDistributors(ctx());
    },
  );
  app.post(
    '/staff/distributors',
    {
      schema: {
        tags: staff,
        summary: 'Create a distributor',
        security: [{ session: [] }],
        body: s.DistributorBody,
        response: { 201: s.DistributorFull, ...errors(401, 403, 422) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const created = await directory.createDistributor(
        ctx(),
        requireUser(req.actor),
        {
          ...b,
          website: b.website ?? '',
          phone: b.phone ?? '',
          email: b.email ?? '',
          acceptsNewResellers: b.acceptsNewResellers ?? true,
        },
        requestMeta(req),
      );
      return reply.status(201).send(created);
    },
  );
  app.put(
    '/staff/distributors/:id',
    {
      schema: {
        tags: staff,
        summary: 'Change a distributor (send the version you read)',
        security: [{ session: [] }],
        params: s.IdParams,
        body: s.DistributorUpdateBody,
        response: { 200: s.DistributorFull, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => {
      const { version, ...b } = req.body;
      return directory.updateDistributor(
        ctx(),
        requireUser(req.actor),
        req.params.id,
        {
          ...b,
          website: b.website ?? '',
          phone: b.phone ?? '',
          email: b.email ?? '',
          acceptsNewResellers: b.acceptsNewResellers ?? true,
        },
        version,
        requestMeta(req),
      );
    },
  );
  for (const [action, status] of [
    ['retire', 'retired'],
    ['reactivate', 'active'],
  ] as const) {
    app.post(
      `/staff/distributors/:id/${action}`,
      {
        schema: {
          tags: staff,
          summary: `${action === 'retire' ? 'Retire' : 'Reactivate'} a distributor`,
          security: [{ session: [] }],
          params: s.IdParams,
          body: s.VersionBody,
          response: { 200: s.DistributorFull, ...errors(401, 403, 404, 409) },
        },
      },
      async (req) =>
        directory.setDistributorStatus(
          ctx(),
          requireUser(req.actor),
          req.params.id,
          status,
          req.body.version,
          requestMeta(req),
        ),
    );
  }
  app.post(
    '/staff/distributors/import',
    {
      schema: {
        tags: staff,
        summary:
          'Import the directory from CSV; rows with problems are reported by line and skipped; a known code is updated',
        security: [{ session: [] }],
        body: csvBody,
        response: { 200: s.ImportReport, ...errors(400, 401, 403, 413, 415) },
      },
    },
    async (req) =>
      directory.importDistributors(ctx(), requireUser(req.actor), req.body as unknown as Readable, requestMeta(req)),
  );
  app.get(
    '/staff/distributors.csv',
    {
      schema: { tags: staff, summary: 'Export the directory as CSV (the import format)', security: [{ session: [] }] },
    },
    async (req, reply) => {
      const csv = await directory.exportDistributorsCsv(ctx(), requireUser(req.actor));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="distributors.csv"')
        .send(csv);
    },
  );

  // ---- Distributor portal (API keys or distributor users) ----
  const portal = ['distributor portal'];
  const security = SESSION_OR_API_KEY;
  app.get(
    '/distributor',
    {
      schema: {
        tags: portal,
        summary: 'The distributors this key or user acts for',
        security,
        response: { 200: Type.Array(s.DistributorFull), ...errors(401) },
      },
    },
    async (req) => {
      return distributorsOfActor(ctx(), requireUser(req.actor));
    },
  );
  app.get(
    '/distributor/:distributorId/claims',
    {
      schema: {
        tags: portal,
        summary: 'REG-2: account claims resellers made at this distributor',
        security,
        params: s.DistributorParams,
        querystring: s.ClaimsQuery,
        response: { 200: Type.Array(s.Claim), ...errors(401, 404) },
      },
    },
    async (req) => listClaims(ctx(), requireUser(req.actor), req.params.distributorId, req.query.status),
  );
  app.post(
    '/distributor/:distributorId/claims/:claimId/decision',
    {
      schema: {
        tags: portal,
        summary: 'REG-2: confirm or reject a pending claim (409 when already decided)',
        security,
        params: s.ClaimParams,
        body: s.DecisionBody,
        response: { 200: s.DecisionResponse, ...errors(401, 404, 409) },
      },
    },
    async (req) =>
      decideClaim(
        ctx(),
        requireUser(req.actor),
        req.params.distributorId,
        req.params.claimId,
        req.body.decision,
        req.body.note,
        requestMeta(req),
      ),
  );
  app.post(
    '/distributor/:distributorId/account-lists',
    {
      schema: {
        tags: portal,
        summary:
          'REG-2: upload the list of reseller customer account numbers (CSV: account_number[, reseller_name, country, status]); streamed; matching pending claims are confirmed',
        security,
        params: s.DistributorParams,
        body: csvBody,
        response: { 200: s.UploadReport, ...errors(400, 401, 404, 413, 415) },
      },
    },
    async (req) =>
      importAccountList(
        ctx(),
        requireUser(req.actor),
        req.params.distributorId,
        requireCsvBody(req.body),
        'api-upload.csv',
        requestMeta(req),
      ),
  );
  app.get(
    '/distributor/:distributorId/account-lists/:uploadId',
    {
      schema: {
        tags: portal,
        summary: 'Progress and result of an upload',
        security,
        params: s.UploadParams,
        response: { 200: s.UploadStatus, ...errors(401, 404) },
      },
    },
    async (req) => {
      const u = await getUpload(ctx(), requireUser(req.actor), req.params.distributorId, req.params.uploadId);
      return { ...u, createdAt: u.createdAt.toISOString(), finishedAt: u.finishedAt?.toISOString() ?? null };
    },
  );
  app.get(
    '/distributor/:distributorId/onboarding',
    {
      schema: {
        tags: portal,
        summary: 'REG-3: registered partners that designated this distributor for on-boarding and training',
        security,
        params: s.DistributorParams,
        response: { 200: Type.Array(s.OnboardingEntry), ...errors(401, 404) },
      },
    },
    async (req) => onboardingQueue(ctx(), requireUser(req.actor), req.params.distributorId),
  );
  app.get(
    '/distributor/:distributorId/resellers/:partnerId',
    {
      schema: {
        tags: portal,
        summary: 'REG-6: what a reseller released to this distributor (only resellers that named it)',
        security,
        params: s.ResellerParams,
        response: { 200: s.ReleasedReseller, ...errors(401, 404) },
      },
    },
    async (req) => releasedResellerInfo(ctx(), requireUser(req.actor), req.params.distributorId, req.params.partnerId),
  );
  distributorTeamRoutes(fastify);

  // ---- REG-4: the hot path ----
  app.get(
    '/purchase-eligibility',
    {
      schema: {
        tags: portal,
        summary: 'REG-4: may the reseller holding this customer account buy through you now?',
        description:
          'Answers from a cache that every change affecting eligibility invalidates in every process when it commits (answers that the clock will change expire then). 404 `account_unknown` when the number is neither on your list nor claimed at your company.',
        security,
        querystring: s.EligibilityQuery,
        response: { 200: s.EligibilityResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const actor = requireUser(req.actor);
      return purchaseEligibilityAt(
        ctx(),
        await eligibilityDistributor(ctx(), actor, req.query.distributorId),
        req.query.account,
      );
    },
  );
}
