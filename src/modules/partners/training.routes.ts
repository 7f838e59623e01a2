import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { DateTime, errors, SESSION, SESSION_OR_API_KEY } from '../../platform/api-schemas.ts';
import { parseDay } from '../../platform/dates.ts';
import { requireUser } from '../../platform/auth.ts';
import { validationFailed } from '../../platform/errors.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import * as s from './training.schemas.ts';
import {
  coursesForStaff,
  listCourses,
  reportLearningSystemCompletion,
  saveCourse,
  trainingSettingsForStaff,
  updateTrainingSettings,
} from './training-admin.service.ts';
import { trainingCsv } from './training-export.ts';
import {
  addKeyPerson,
  formerKeyPersonnel,
  partnerTraining,
  removeKeyPerson,
  staffTraining,
  updateKeyPerson,
} from './training.service.ts';
import {
  certificateFile,
  completionsAwaitingVerification,
  completionsOfPartner,
  recordCompletion,
  reviewCompletion,
} from './training-completions.service.ts';
import { MAX_CERTIFICATE_BYTES } from './training.rules.ts';

/** REG-10: a certificate is one of the three types its content was checked against. */
const binary = { schema: { type: 'string', format: 'binary' } } as const;
const certificateFileResponse = {
  description: 'The certificate file, as an attachment',
  content: { 'application/pdf': binary, 'image/png': binary, 'image/jpeg': binary },
} as const;

/** Serves a stored certificate so that no browser runs it: the checked type, as an attachment, never sniffed. */
export function sendCertificate(reply: FastifyReply, file: { bytes: Buffer; type: string; filename: string }) {
  return reply
    .type(file.type)
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.bytes);
}

/** REG-10 as JSON: the partner's own users and staff; learning systems report completions with a staff API key. */
export async function trainingRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  const tags = ['partners: training'];
  const staffTags = ['staff: training'];
  const security = SESSION;

  app.get(
    '/partners/:partnerId/training',
    {
      schema: {
        tags,
        summary: "REG-10: the partner's key personnel with their training status and the partner's compliance",
        security,
        params: s.PartnerParams,
        response: { 200: s.PartnerTraining, ...errors(401, 404) },
      },
    },
    async (req) => partnerTraining(ctx(), requireUser(req.actor), req.params.partnerId),
  );
  app.get(
    '/partners/:partnerId/training/former',
    {
      schema: {
        tags,
        summary: 'People removed from key personnel (history)',
        security,
        params: s.PartnerParams,
        response: { 200: Type.Array(s.FormerPerson), ...errors(401, 404) },
      },
    },
    async (req) => formerKeyPersonnel(ctx(), requireUser(req.actor), req.params.partnerId),
  );
  app.post(
    '/partners/:partnerId/training/people',
    {
      schema: {
        tags,
        summary: 'Designate a key person (a colleague by userId, or a person by name and email); answers the due date',
        security,
        params: s.PartnerParams,
        body: s.KeyPersonBody,
        response: { 201: Type.Object({ id: Type.String(), dueAt: DateTime }), ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await addKeyPerson(ctx(), requireUser(req.actor), req.params.partnerId, req.body, requestMeta(req))),
  );
  app.put(
    '/partners/:partnerId/training/people/:id',
    {
      schema: {
        tags,
        summary: "Change a key person's details (409 when changed meanwhile)",
        security,
        params: s.PartnerItemParams,
        body: s.KeyPersonUpdateBody,
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      await updateKeyPerson(
        ctx(),
        requireUser(req.actor),
        req.params.partnerId,
        req.params.id,
        req.body,
        requestMeta(req),
      );
      return reply.status(204).send(null);
    },
  );
  app.delete(
    '/partners/:partnerId/training/people/:id',
    {
      schema: {
        tags,
        summary: 'Remove a key person: their assignment ends and is kept as history',
        security,
        params: s.PartnerItemParams,
        querystring: s.VersionQuery,
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await removeKeyPerson(
        ctx(),
        requireUser(req.actor),
        req.params.partnerId,
        req.params.id,
        req.query.version,
        requestMeta(req),
      );
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/partners/:partnerId/training/completions',
    {
      schema: {
        tags,
        summary: 'Completion records of the partner, newest first',
        security,
        params: s.PartnerParams,
        response: { 200: Type.Array(s.Completion), ...errors(401, 404) },
      },
    },
    async (req) => completionsOfPartner(ctx(), requireUser(req.actor), req.params.partnerId),
  );
  app.post(
    '/partners/:partnerId/training/assignments/:id/completions',
    {
      bodyLimit: Math.ceil(MAX_CERTIFICATE_BYTES * 1.4) + 10_000,
      schema: {
        tags,
        summary:
          'Record a completion (the person, or a partner admin for them), with an optional certificate checked by its content',
        security,
        params: s.PartnerItemParams,
        body: s.CompletionBody,
        response: { 201: s.Completion, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      const { certificate, completedOn, ...rest } = req.body;
      let file: { bytes: Buffer; name: string } | undefined;
      if (certificate) {
        const bytes = Buffer.from(certificate.contentBase64, 'base64');
        if (bytes.length > MAX_CERTIFICATE_BYTES)
          throw validationFailed([
            {
              field: 'certificate',
              rule: 'certificate_too_large',
              params: { max: MAX_CERTIFICATE_BYTES / 1024 / 1024 },
            },
          ]);
        file = { bytes, name: certificate.filename };
      }
      const record = await recordCompletion(
        ctx(),
        requireUser(req.actor),
        req.params.partnerId,
        req.params.id,
        { ...rest, completedOn: parseDay(completedOn) },
        file,
        requestMeta(req),
      );
      return reply.status(201).send(record);
    },
  );
  app.get(
    '/training/completions/:id/certificate',
    {
      schema: {
        tags,
        summary: "A certificate file, as an attachment, to the partner's own users and staff",
        security,
        params: s.IdParams,
        response: { 200: certificateFileResponse, ...errors(401, 404) },
      },
    },
    async (req, reply) => sendCertificate(reply, await certificateFile(ctx(), requireUser(req.actor), req.params.id)),
  );
  app.get(
    '/training/courses',
    {
      schema: {
        tags,
        summary: 'The accepted courses',
        security,
        response: { 200: Type.Array(s.Course), ...errors(401) },
      },
    },
    async (req) => {
      requireUser(req.actor);
      return listCourses(ctx().db);
    },
  );

  // ---- Staff ----
  app.get(
    '/staff/training',
    {
      schema: {
        tags: staffTags,
        summary: 'REG-10: partners with their key personnel, filtered by country, partner and status',
        security: SESSION_OR_API_KEY,
        querystring: s.StaffQuery,
        response: { 200: Type.Array(s.PartnerTraining), ...errors(401, 403) },
      },
    },
    async (req) => staffTraining(ctx(), req.actor, { ...req.query, country: req.query.country?.toUpperCase() }),
  );
  app.get(
    '/staff/training.csv',
    {
      schema: {
        tags: staffTags,
        summary: 'The same as CSV (cells that a spreadsheet would run as a formula are quoted)',
        security: SESSION_OR_API_KEY,
        querystring: s.StaffQuery,
      },
    },
    async (req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="training.csv"')
        .send(await trainingCsv(ctx(), req.actor, { ...req.query, country: req.query.country?.toUpperCase() })),
  );
  app.get(
    '/staff/training/completions',
    {
      schema: {
        tags: staffTags,
        summary: 'Completion records awaiting verification, oldest first',
        security: SESSION_OR_API_KEY,
        response: { 200: Type.Array(s.Completion), ...errors(401, 403) },
      },
    },
    async (req) => completionsAwaitingVerification(ctx(), req.actor),
  );
  app.post(
    '/staff/training/completions/:id/review',
    {
      schema: {
        tags: staffTags,
        summary: 'Verify a record, or reject it with a reason the partner reads (409 when already reviewed)',
        security: SESSION_OR_API_KEY,
        params: s.IdParams,
        body: s.ReviewBody,
        response: { 200: s.Completion, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => reviewCompletion(ctx(), req.actor, req.params.id, req.body, requestMeta(req)),
  );
  app.get(
    '/staff/training/settings',
    {
      schema: {
        tags: staffTags,
        summary:
          'Grace period for people added later, days before a non-compliant partner is flagged, and whether it is restricted',
        security,
        response: { 200: s.Settings, ...errors(401, 403) },
      },
    },
    async (req) => trainingSettingsForStaff(ctx(), req.actor),
  );
  app.put(
    '/staff/training/settings',
    {
      schema: {
        tags: staffTags,
        summary: 'Change the training settings (409 when changed meanwhile)',
        security,
        body: s.SettingsBody,
        response: { 200: s.Settings, ...errors(401, 403, 409, 422) },
      },
    },
    async (req) => updateTrainingSettings(ctx(), req.actor, req.body, requestMeta(req)),
  );
  app.get(
    '/staff/training/courses',
    {
      schema: {
        tags: staffTags,
        summary: 'Every course, including inactive ones',
        security,
        response: { 200: Type.Array(s.Course), ...errors(401, 403) },
      },
    },
    async (req) => coursesForStaff(ctx(), req.actor),
  );
  app.post(
    '/staff/training/courses',
    {
      schema: {
        tags: staffTags,
        summary: 'Add an accepted course',
        security,
        body: s.CourseBody,
        response: { 201: s.Course, ...errors(401, 403, 422) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await saveCourse(ctx(), req.actor, undefined, req.body, requestMeta(req))),
  );
  app.put(
    '/staff/training/courses/:id',
    {
      schema: {
        tags: staffTags,
        summary: 'Change an accepted course',
        security,
        params: s.IdParams,
        body: s.CourseBody,
        response: { 200: s.Course, ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => saveCourse(ctx(), req.actor, req.params.id, req.body, requestMeta(req)),
  );

  // ---- Learning systems ----
  app.post(
    '/training/completions',
    {
      schema: {
        tags: ['integrations: training'],
        summary:
          "REG-10: a learning system reports a completion (staff-issued API key); idempotent by the system's completion id",
        security: [{ apiKey: [] }],
        body: s.LearningSystemBody,
        response: {
          201: Type.Object({ id: Type.String(), created: Type.Boolean() }),
          200: Type.Object({ id: Type.String(), created: Type.Boolean() }),
          ...errors(401, 403, 422),
        },
      },
    },
    async (req, reply) => {
      const result = await reportLearningSystemCompletion(
        ctx(),
        req.actor,
        { ...req.body, completedOn: parseDay(req.body.completedOn) },
        requestMeta(req),
      );
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );
}
