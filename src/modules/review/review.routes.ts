import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { DateTime, errors, SESSION, SESSION_OR_API_KEY } from '../../platform/api-schemas.ts';
import { requireUser } from '../../platform/auth.ts';
import { createApiKey, ensureVendorOrganisation, listApiKeys, revokeApiKey } from '../accounts/index.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { exportAuditCsv, listAudit, verifyAuditChainAs } from '../audit/index.ts';
import { publishAgreement, PublishAgreementBody } from '../registration/index.ts';
import { validationFailed } from '../../platform/errors.ts';
import { CHECKLIST_ITEMS } from './review.rules.ts';
import { auditSearchDay } from '../audit/audit.rules.ts';
import { claimApplication, decideApplication, reviewDetail, reviewQueue, setChecklistItem } from './review.service.ts';
import { dashboard } from './dashboard.service.ts';
import { importDeniedParties } from './screening.service.ts';
import { FindingVerdictSchema, FlagKindRateSchema, flagRoutes } from './flags.routes.ts';

const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const IdParams = Type.Object({ id: Uuid });
const Finding = Type.Object({
  rule: Type.String(),
  outcome: Type.String(),
  field: Type.String(),
  code: Type.String(),
  params: Type.Optional(Type.Object({}, { additionalProperties: true })),
});

const QueueEntry = Type.Object({
  id: Uuid,
  reference: Type.String(),
  legalName: Nullable(Type.String()),
  country: Nullable(Type.String()),
  status: Type.String(),
  submittedAt: Nullable(DateTime),
  ageBusinessDays: Type.Integer(),
  overdue: Type.Boolean({ description: 'Older than the 15-business-day target' }),
  flags: Type.Integer({ description: 'Findings for review in the latest submission' }),
  reviewer: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
});

const Detail = Type.Object({
  id: Uuid,
  reference: Type.String(),
  status: Type.String(),
  answers: Type.Object({}, { additionalProperties: true }),
  findings: Type.Array(Finding),
  feedback: Type.Array(FindingVerdictSchema, { description: "Reviewers' current verdicts on the flags" }),
  submittedAt: Nullable(DateTime),
  ageBusinessDays: Type.Integer(),
  agreementVersion: Nullable(Type.String()),
  signatory: Nullable(Type.Object({ name: Type.String(), title: Type.String() })),
  consents: Type.Array(
    Type.Object({
      kind: Type.String(),
      acceptedAt: DateTime,
      ip: Nullable(Type.String()),
      userAgent: Nullable(Type.String()),
      textVersion: Type.String(),
      textHash: Type.String(),
      user: Type.String(),
    }),
  ),
  claims: Type.Array(
    Type.Object({
      distributor: Type.String(),
      accountNumber: Type.String(),
      status: Type.String(),
      decidedAt: Nullable(DateTime),
    }),
  ),
  checklist: Type.Array(Type.Object({ item: Type.String(), checked: Type.Boolean() })),
  screening: Type.Array(
    Type.Object({
      screened: Type.String(),
      field: Type.String(),
      similarity: Type.Number(),
      entry: Type.Object({
        name: Type.String(),
        normalisedName: Type.String(),
        country: Nullable(Type.String()),
        source: Type.String(),
        listDate: Nullable(Type.String()),
      }),
    }),
  ),
  decisions: Type.Array(
    Type.Object({
      decision: Type.String(),
      internalReason: Nullable(Type.String({ description: 'Staff only (REG-12)' })),
      question: Nullable(Type.String()),
      decidedBy: Type.String(),
      decidedAt: DateTime,
    }),
  ),
  reviewer: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  applicantAnswer: Nullable(Type.String()),
  members: Type.Array(Type.Object({ name: Type.String(), email: Type.String(), role: Type.String() })),
});

const AuditRecord = Type.Object({
  id: Type.Integer(),
  occurredAt: DateTime,
  actorUserId: Nullable(Type.String()),
  actor: Type.String(),
  action: Type.String(),
  subjectType: Type.String(),
  subjectId: Type.String(),
  organisationId: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  data: Type.Object({}, { additionalProperties: true }),
  hash: Type.String(),
});
const AuditQuery = Type.Object(
  {
    organisationId: Type.Optional(Uuid),
    actorUserId: Type.Optional(Uuid),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    subjectId: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date', description: 'Exclusive' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

/** programme staff's console as JSON (session or staff API key). */
export async function reviewRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  const tags = ['staff: review'];
  const security = SESSION_OR_API_KEY;

  app.get(
    '/staff/applications',
    {
      schema: {
        tags,
        summary: 'REG-12: the review queue',
        security,
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(['submitted', 'info_requested'])),
            country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
            assigned: Type.Optional(Type.Enum(['me', 'unassigned'])),
            sort: Type.Optional(Type.Enum(['oldest', 'newest', 'flags'])),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(QueueEntry), ...errors(401, 403) },
      },
    },
    async (req) => reviewQueue(ctx(), req.actor, req.query),
  );
  app.get(
    '/staff/applications/:id',
    {
      schema: {
        tags,
        summary: 'An application with every finding, claim, consent, screening hit and decision',
        security,
        params: IdParams,
        response: { 200: Detail, ...errors(401, 403, 404) },
      },
    },
    async (req) => reviewDetail(ctx(), req.actor, req.params.id),
  );
  app.post(
    '/staff/applications/:id/claim',
    {
      schema: {
        tags,
        summary: 'Take an application to review (409 when a colleague holds it, unless takeOver)',
        security,
        params: IdParams,
        body: Type.Object({ takeOver: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await claimApplication(ctx(), req.actor, req.params.id, req.body.takeOver ?? false, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
  app.put(
    '/staff/applications/:id/checklist/:item',
    {
      schema: {
        tags,
        summary: 'Tick or untick a checklist item',
        security,
        params: Type.Object({ id: Uuid, item: Type.Enum(CHECKLIST_ITEMS) }),
        body: Type.Object({ checked: Type.Boolean() }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors(401, 403, 422) },
      },
    },
    async (req, reply) => {
      await setChecklistItem(ctx(), req.actor, req.params.id, req.params.item, req.body.checked, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/staff/applications/:id/decision',
    {
      schema: {
        tags,
        summary:
          'REG-12: approve, decline (internal reason required, never shown to the applicant) or request more information; 409 when already decided',
        security,
        params: IdParams,
        body: Type.Object(
          {
            decision: Type.Enum(['approve', 'decline', 'request_info']),
            internalReason: Type.Optional(Type.String({ maxLength: 5000 })),
            question: Type.Optional(Type.String({ maxLength: 5000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ status: Type.String() }), ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => decideApplication(ctx(), req.actor, req.params.id, req.body, requestMeta(req)),
  );

  app.post(
    '/staff/agreements',
    {
      schema: {
        tags: ['staff: agreements'],
        summary:
          'REG-11, X-1: publish a new version of the Indirect Channel Partner Agreement with its texts per language',
        security,
        body: PublishAgreementBody,
        response: { 201: Type.Object({ id: Uuid }), ...errors(401, 403, 422) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({
        id: await publishAgreement(
          ctx(),
          req.actor,
          { ...req.body, effectiveAt: new Date(req.body.effectiveAt) },
          requestMeta(req),
        ),
      }),
  );

  app.addContentTypeParser('text/csv', (_req, payload, done) => done(null, payload));
  app.post(
    '/staff/denied-parties/import',
    {
      schema: {
        tags: ['staff: screening'],
        summary: 'Import a consolidated denied-party list (CSV: name, country, source, list_date)',
        security,
        body: {
          description: 'CSV',
          content: { 'text/csv': { schema: { description: 'CSV text with a header line' } } },
        },
        response: {
          200: Type.Object({
            imported: Type.Integer(),
            rejected: Type.Integer(),
            problems: Type.Array(Type.Object({ line: Type.Integer(), field: Type.String(), message: Type.String() })),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => importDeniedParties(ctx(), req.actor, req.body as unknown as Readable, requestMeta(req)),
  );

  const keys = ['staff: api keys'];
  const ApiKey = Type.Object({
    id: Uuid,
    name: Type.String(),
    prefix: Type.String(),
    createdAt: DateTime,
    revokedAt: Nullable(DateTime),
    createdBy: Type.String(),
  });
  const vendorId = () => ensureVendorOrganisation(ctx().db, ctx().config.vendorName);
  app.get(
    '/staff/api-keys',
    {
      schema: {
        tags: keys,
        summary: 'X-3: staff API keys (they act as a programme reviewer)',
        security: SESSION,
        response: { 200: Type.Array(ApiKey), ...errors(401, 403) },
      },
    },
    async (req) => listApiKeys(ctx(), requireUser(req.actor), await vendorId()),
  );
  app.post(
    '/staff/api-keys',
    {
      schema: {
        tags: keys,
        summary: 'Create a staff API key; the secret is in this response only',
        security: SESSION,
        body: Type.Object({ name: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ ...ApiKey.properties, secret: Type.String() }), ...errors(401, 403, 422) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await createApiKey(ctx(), requireUser(req.actor), await vendorId(), req.body.name, requestMeta(req))),
  );
  app.delete(
    '/staff/api-keys/:id',
    {
      schema: {
        tags: keys,
        summary: 'Revoke a staff API key',
        security: SESSION,
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await revokeApiKey(ctx(), requireUser(req.actor), await vendorId(), req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  const auditFilter = (q: {
    organisationId?: string;
    actorUserId?: string;
    action?: string;
    subjectId?: string;
    from?: string;
    to?: string;
  }) => {
    const from = q.from ? auditSearchDay(q.from) : undefined;
    const to = q.to ? auditSearchDay(q.to) : undefined;
    const wrong = (['from', 'to'] as const).filter((f) => q[f] && !(f === 'from' ? from : to));
    if (wrong.length > 0) throw validationFailed(wrong.map((field) => ({ field, rule: 'date_format' })));
    return {
      organisationId: q.organisationId,
      actorUserId: q.actorUserId,
      action: q.action,
      subjectId: q.subjectId,
      from,
      to,
    };
  };
  app.get(
    '/staff/audit',
    {
      schema: {
        tags: ['staff: audit'],
        summary: 'X-4: the audit log, newest first, filtered',
        security,
        querystring: AuditQuery,
        response: { 200: Type.Array(AuditRecord), ...errors(401, 403) },
      },
    },
    async (req) => listAudit(ctx(), req.actor, auditFilter(req.query), req.query.limit),
  );
  app.get(
    '/staff/audit.csv',
    {
      schema: {
        tags: ['staff: audit'],
        summary: 'X-4: the filtered audit log as CSV',
        security,
        querystring: AuditQuery,
      },
    },
    async (req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit.csv"')
        .send(await exportAuditCsv(ctx(), req.actor, auditFilter(req.query))),
  );
  app.get(
    '/staff/audit/verify',
    {
      schema: {
        tags: ['staff: audit'],
        summary: 'X-4: walk the hash chain; reports the first broken link',
        security,
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            checked: Type.Integer(),
            brokenAtId: Type.Optional(Type.Integer()),
            reason: Type.Optional(Type.String()),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => verifyAuditChainAs(ctx(), req.actor),
  );
  app.get(
    '/staff/dashboard',
    {
      schema: {
        tags: ['staff: dashboards'],
        summary: 'Application funnel, partners by country, training compliance, purchase-restricted partners',
        security,
        response: {
          200: Type.Object({
            funnel: Type.Object({
              drafts: Type.Integer(),
              submitted: Type.Integer(),
              infoRequested: Type.Integer(),
              approved: Type.Integer(),
              declined: Type.Integer(),
              medianDaysToDecision: Nullable(Type.Number()),
            }),
            partnersByCountry: Type.Array(Type.Object({ country: Type.String(), partners: Type.Integer() })),
            training: Type.Object({
              assigned: Type.Integer(),
              completed: Type.Integer(),
              dueWithin30Days: Type.Integer(),
              overdue: Type.Integer(),
            }),
            trainingPartners: Type.Object({
              nonCompliant: Type.Integer(),
              atRisk: Type.Integer(),
              flagged: Type.Integer(),
              restricting: Type.Boolean(),
            }),
            purchaseRestricted: Type.Array(
              Type.Object({
                partnerId: Uuid,
                legalName: Type.String(),
                country: Type.String(),
                reasons: Type.Array(Type.String()),
              }),
            ),
            flagKinds: Type.Array(FlagKindRateSchema, {
              description: 'Each flag kind: findings for review, verdicts and confirmation rate',
            }),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => dashboard(ctx(), req.actor),
  );

  await fastify.register(flagRoutes);
}
