import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Actor } from '../../platform/auth.ts';
import { parseDay } from '../../platform/dates.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { formVersion, requestMeta } from '../../platform/request-meta.ts';
import { acceptFileUploads, uploadedFile } from '../../platform/upload-form.ts';
import { formErrors, noErrors, type FormErrors } from '../../platform/views/components.tsx';

import { asFormErrors, pageCtx, pick, signedIn } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { partnerOfUser } from './partners.service.ts';
import { listCourses, vendorCourse } from './training-admin.service.ts';
import { MAX_CERTIFICATE_BYTES } from './training.rules.ts';
import {
  addKeyPerson,
  colleaguesOf,
  formerKeyPersonnel,
  partnerTraining,
  removeKeyPerson,
  updateKeyPerson,
} from './training.service.ts';
import { recordCompletion } from './training-completions.service.ts';

import { TrainingPage, ChangePersonPage, CompletionPage } from './training-views.tsx';

const NOTICES = {
  added: 'training.notice.added',
  changed: 'training.notice.changed',
  removed: 'training.notice.removed',
  recorded: 'training.notice.recorded',
};
const PERSON_FIELDS = ['user_id', 'name', 'email', 'role'];
const COMPLETION_FIELDS = ['course_id', 'course_name', 'provider', 'completed_on', 'certificate_number'];

/** REG-10 for the partner's own users: /partner/training (the Self Service home links here). */
export async function trainingPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  await acceptFileUploads(app, { maxBytes: MAX_CERTIFICATE_BYTES });

  const partnerFor = async (
    req: FastifyRequest,
    reply: FastifyReply,
    returnTo?: string,
  ): Promise<{ actor: Actor; partnerId: string } | undefined> => {
    const actor = signedIn(req, reply, returnTo);
    if (!actor) return undefined;
    const partner = await partnerOfUser(appCtx().db, actor.userId);
    if (!partner) throw notFound('Partner');
    return { actor, partnerId: partner.id };
  };

  const mainPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    who: { actor: Actor; partnerId: string },
    values: Record<string, string>,
    errors: FormErrors,
    status = 200,
  ) => {
    const ctx = pageCtx(req, reply, { notices: NOTICES, path: '/partner/training' });
    const canManage = can(who.actor, 'partner:manage', who.partnerId);
    const [training, vendor, colleagues, former] = await Promise.all([
      partnerTraining(appCtx(), who.actor, who.partnerId),
      vendorCourse(appCtx().db, ctx.lang),
      canManage ? colleaguesOf(appCtx(), who.actor, who.partnerId) : [],
      formerKeyPersonnel(appCtx(), who.actor, who.partnerId),
    ]);
    return sendPage(
      reply,
      <TrainingPage
        ctx={ctx}
        training={training}
        vendor={vendor}
        canManage={canManage}
        colleagues={colleagues}
        former={former}
        values={values}
        errors={errors}
      />,
      status,
    );
  };

  app.get('/partner/training', async (req, reply) => {
    const who = await partnerFor(req, reply);
    return who ? mainPage(req, reply, who, {}, noErrors) : reply;
  });

  app.post('/partner/training/people', async (req, reply) => {
    const who = await partnerFor(req, reply, '/partner/training');
    if (!who) return reply;
    const values = pick(req.body, ...PERSON_FIELDS);
    try {
      await addKeyPerson(
        appCtx(),
        who.actor,
        who.partnerId,
        {
          userId: isUuid(values.user_id ?? '') ? values.user_id : undefined,
          name: values.name,
          email: values.email,
          role: values.role,
        },
        requestMeta(req),
      );
      return reply.redirect('/partner/training?notice=added', 303);
    } catch (error) {
      return mainPage(req, reply, who, values, asFormErrors(pageCtx(req, reply), error), 422);
    }
  });

  const changePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    who: { actor: Actor; partnerId: string },
    id: string,
    values: Record<string, string>,
    errors: FormErrors,
    status = 200,
  ) => {
    const person = isUuid(id)
      ? (await partnerTraining(appCtx(), who.actor, who.partnerId)).people.find((p) => p.keyPersonId === id)
      : undefined;
    if (!person || !can(who.actor, 'partner:manage', who.partnerId)) throw notFound('Key person');
    return sendPage(
      reply,
      <ChangePersonPage
        ctx={pageCtx(req, reply, { path: `/partner/training/people/${id}` })}
        person={person}
        values={values}
        errors={errors}
      />,
      status,
    );
  };

  app.get<{ Params: { id: string } }>('/partner/training/people/:id', async (req, reply) => {
    const who = await partnerFor(req, reply);
    return who ? changePage(req, reply, who, req.params.id, {}, noErrors) : reply;
  });

  app.post<{ Params: { id: string } }>('/partner/training/people/:id', async (req, reply) => {
    const who = await partnerFor(req, reply, `/partner/training/people/${req.params.id}`);
    if (!who) return reply;
    if (!isUuid(req.params.id)) throw notFound('Key person');
    const values = pick(req.body, 'name', 'email', 'role', 'version');
    try {
      await updateKeyPerson(
        appCtx(),
        who.actor,
        who.partnerId,
        req.params.id,
        { name: values.name, email: values.email, role: values.role, version: formVersion(values.version) },
        requestMeta(req),
      );
      return reply.redirect('/partner/training?notice=changed', 303);
    } catch (error) {
      const errors = asFormErrors(pageCtx(req, reply), error);
      return changePage(
        req,
        reply,
        who,
        req.params.id,
        values,
        errors,
        error instanceof AppError && error.status === 409 ? 409 : 422,
      );
    }
  });

  app.post<{ Params: { id: string } }>('/partner/training/people/:id/remove', async (req, reply) => {
    const who = await partnerFor(req, reply, '/partner/training');
    if (!who) return reply;
    if (!isUuid(req.params.id)) throw notFound('Key person');
    await removeKeyPerson(
      appCtx(),
      who.actor,
      who.partnerId,
      req.params.id,
      formVersion(pick(req.body, 'version').version),
      requestMeta(req),
    );
    return reply.redirect('/partner/training?notice=removed', 303);
  });

  const completionPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    who: { actor: Actor; partnerId: string },
    assignmentId: string,
    values: Record<string, string>,
    errors: FormErrors,
    status = 200,
  ) => {
    const training = await partnerTraining(appCtx(), who.actor, who.partnerId);
    const person = training.people.find((p) => p.assignmentId === assignmentId);
    if (!person) throw notFound('Training assignment');
    const ctx = pageCtx(req, reply, { path: `/partner/training/assignments/${assignmentId}` });
    return sendPage(
      reply,
      <CompletionPage
        ctx={ctx}
        person={person}
        courses={await listCourses(appCtx().db)}
        values={values}
        errors={errors}
      />,
      status,
    );
  };

  app.get<{ Params: { id: string } }>('/partner/training/assignments/:id', async (req, reply) => {
    const who = await partnerFor(req, reply);
    if (!who) return reply;
    if (!isUuid(req.params.id)) throw notFound('Training assignment');
    return completionPage(req, reply, who, req.params.id, {}, noErrors);
  });

  app.post<{ Params: { id: string } }>('/partner/training/assignments/:id', async (req, reply) => {
    const who = await partnerFor(req, reply, `/partner/training/assignments/${req.params.id}`);
    if (!who) return reply;
    if (!isUuid(req.params.id)) throw notFound('Training assignment');
    const values = pick(req.body, ...COMPLETION_FIELDS);
    const file = uploadedFile(req, 'certificate');
    // A file field left empty sends a nameless empty part: no certificate. A named empty file is refused.
    if (file && file.size === 0 && file.originalName)
      return completionPage(
        req,
        reply,
        who,
        req.params.id,
        values,
        formErrors(req.t, [{ field: 'certificate', rule: 'certificate_empty' }]),
        422,
      );
    if (file?.tooLarge)
      return completionPage(
        req,
        reply,
        who,
        req.params.id,
        values,
        formErrors(req.t, [
          { field: 'certificate', rule: 'certificate_too_large', params: { max: MAX_CERTIFICATE_BYTES / 1024 / 1024 } },
        ]),
        413,
      );
    const certificate =
      file && file.size > 0
        ? { bytes: await readFile(file.path), name: file.originalName || file.filename }
        : undefined;
    try {
      const input = {
        courseId: values.course_id || undefined,
        courseName: values.course_name,
        provider: values.provider,
        completedOn: parseDay(values.completed_on ?? ''),
        certificateNumber: values.certificate_number,
      };
      await recordCompletion(appCtx(), who.actor, who.partnerId, req.params.id, input, certificate, requestMeta(req));
      return reply.redirect('/partner/training?notice=recorded', 303);
    } catch (error) {
      return completionPage(req, reply, who, req.params.id, values, asFormErrors(pageCtx(req, reply), error), 422);
    }
  });
}
