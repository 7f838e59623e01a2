import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { errors } from '../../platform/api-schemas.ts';
import { notFound } from '../../platform/errors.ts';
import { translator, type Translate } from '../../platform/i18n.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { violationMessage } from '../../platform/violations.ts';
import type { Finding } from './registration.rules.ts';
import * as registration from './registration.service.ts';
import { precheck } from './precheck.service.ts';
import * as agreements from './agreements.service.ts';
import * as invitations from './invitations.service.ts';
import * as s from './registration.schemas.ts';

// The API speaks English, from the same catalogue the pages use.
const english = translator('en');
// The wizard and the API give the same finding: rule ID, outcome, field, code and evidence, and the sentence.
const messageIn = (t: Translate) => (f: Finding) => ({
  rule: f.rule,
  outcome: f.outcome,
  field: f.field,
  code: f.code,
  ...(f.params ? { params: f.params } : {}),
  message: violationMessage(t, { field: f.field, rule: f.code, ...(f.params ? { params: f.params } : {}) }),
});
const withMessage = messageIn(english);

const STATUS_MESSAGES = {
  draft: 'The application is a draft; it has not been submitted.',
  submitted:
    'The application was submitted and is waiting for a decision by programme staff (target: 15 business days).',
  info_requested: 'Programme staff asked for more information; answer the question and submit again.',
  approved: 'The application was approved: the company is a Registered Partner.',
  // REG-12: the same words for every declined application; the reason stays internal.
  declined: 'The application was not approved. The programme does not disclose the reasons for its decisions.',
} as const;

/** X-3, REG-1…REG-13: the Partner Registration Tool as JSON. */
export async function registrationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  const tags = ['registration'];
  const security = [{ session: [] }];
  const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

  app.post(
    '/registration/pre-check',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'REG-2, REG-7, REG-8: check part of an application before saving it (public)',
        body: s.PrecheckBody,
        response: { 200: s.PrecheckResult, ...errors(400, 429) },
      },
    },
    // Live validation speaks the visitor's language (Accept-Language, switcher or preference).
    async (req) => ({ findings: (await precheck(ctx(), req.body)).map(messageIn(req.t)) }),
  );

  app.get(
    '/agreements/current',
    {
      schema: {
        tags,
        summary:
          'REG-11, X-1: the Indirect Channel Partner Agreement version applicants accept now, with its texts per language and the governing language',
        response: { 200: s.Agreement, ...errors(404) },
      },
    },
    async () => {
      const agreement = await agreements.currentAgreementView(ctx());
      if (!agreement) throw notFound('A published agreement');
      return agreement;
    },
  );

  app.get(
    '/applications',
    {
      schema: {
        tags,
        summary: 'Your applications',
        security,
        response: { 200: Type.Array(s.ApplicationSummary), ...errors(401) },
      },
    },
    async (req) => registration.listMyApplications(ctx(), req.actor),
  );

  app.post(
    '/applications',
    {
      schema: {
        tags,
        summary: 'REG-13: start an application (a draft)',
        security,
        response: { 201: s.Application, ...errors(401, 403) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await registration.startApplication(ctx(), req.actor, requestMeta(req))),
  );

  app.get(
    '/applications/:id',
    {
      schema: {
        tags,
        summary: 'An application you work on',
        security,
        params: IdParams,
        response: { 200: s.Application, ...errors(401, 404) },
      },
    },
    async (req) => registration.getApplication(ctx(), req.actor, req.params.id),
  );

  for (const step of Object.keys(s.StepSchemas) as (keyof typeof s.StepSchemas)[]) {
    app.put(
      `/applications/:id/${step.replace('_', '-')}`,
      {
        schema: {
          tags,
          summary: `REG-13: save the "${step}" step (always saved; the findings say what must change)`,
          security,
          params: IdParams,
          body: s.VersionedStep(s.StepSchemas[step]),
          response: { 200: s.StepResult, ...errors(400, 401, 404, 409) },
        },
      },
      async (req) => {
        const body = req.body as { version: number; answers: never };
        const result = await registration.saveStep(
          ctx(),
          req.actor,
          req.params.id,
          step,
          body.answers,
          body.version,
          requestMeta(req),
        );
        return { application: result.application, findings: result.findings.map(withMessage) };
      },
    );
  }

  app.get(
    '/applications/:id/review',
    {
      schema: {
        tags,
        summary: 'REG-13: every finding before submission, and the agreement to accept',
        security,
        params: IdParams,
        response: { 200: s.ReviewResult, ...errors(401, 404) },
      },
    },
    async (req) => {
      const review = await registration.reviewApplication(ctx(), req.actor, req.params.id);
      return { ...review, findings: review.findings.map(withMessage) };
    },
  );

  app.post(
    '/applications/:id/invitations',
    {
      // Each invitation sends an email: the same limit as the page's form (issue #10).
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'REG-1: invite a colleague with signature authority to review, accept and submit',
        security,
        params: IdParams,
        body: Type.Object({ email: Type.String({ maxLength: 500 }) }, { additionalProperties: false }),
        response: { 202: Type.Object({ status: Type.Literal('accepted') }), ...errors(401, 404, 422, 429) },
      },
    },
    async (req, reply) => {
      await invitations.inviteSignatory(ctx(), req.actor, req.params.id, req.body.email, requestMeta(req));
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/applications/join',
    {
      schema: {
        tags,
        summary:
          'REG-1: join an application with the token from an invitation (only the invited, confirmed address may)',
        security,
        body: Type.Object({ token: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ applicationId: Type.String({ format: 'uuid' }) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => ({
      applicationId: await invitations.acceptSignatoryInvitation(ctx(), req.actor, req.body.token, requestMeta(req)),
    }),
  );

  app.post(
    '/applications/:id/submit',
    {
      schema: {
        tags,
        summary:
          'REG-1, REG-6, REG-11: sign and submit. Idempotent: submitting again answers with the first submission (created: false)',
        security,
        params: IdParams,
        body: s.SubmitBody,
        response: { 200: s.SubmitResult, 201: s.SubmitResult, ...errors(400, 401, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      const { applicantAnswer, ...signature } = req.body;
      const result = await registration.submitApplication(
        ctx(),
        req.actor,
        req.params.id,
        signature,
        applicantAnswer,
        requestMeta(req),
      );
      return reply.status(result.created ? 201 : 200).send({ ...result, findings: result.findings.map(withMessage) });
    },
  );

  app.get(
    '/applications/:id/status',
    {
      schema: {
        tags,
        summary: 'REG-12, REG-13: where the application stands (a decline reason is never disclosed)',
        security,
        params: IdParams,
        response: { 200: s.StatusResult, ...errors(401, 404) },
      },
    },
    async (req) => {
      const a = await registration.getApplication(ctx(), req.actor, req.params.id);
      return {
        reference: a.reference,
        status: a.status,
        message: STATUS_MESSAGES[a.status],
        staffQuestion: a.staffQuestion,
        submittedAt: a.submittedAt,
      };
    },
  );
}
