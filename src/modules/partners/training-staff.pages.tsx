import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePermission, type Actor } from '../../platform/auth.ts';

import { AppError, notFound } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { formVersion, requestMeta } from '../../platform/request-meta.ts';
import { noErrors, type FormErrors } from '../../platform/views/components.tsx';

import { asFormErrors, errorText, pageCtx, pick, signedIn } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { listCourses, saveCourse, trainingSettings, updateTrainingSettings } from './training-admin.service.ts';

import { registeredPartnerOptions, staffTraining, type StaffTrainingFilter } from './training.service.ts';
import { completionsAwaitingVerification, reviewCompletion } from './training-completions.service.ts';

import { OverviewPage, SettingsPage, STATUS_FILTERS } from './training-staff-views.tsx';

const NOTICES = {
  verified: 'training.notice.verified',
  rejected: 'training.notice.rejected',
  settings_saved: 'training.notice.settings_saved',
  course_saved: 'training.notice.course_saved',
};

function filterOf(query: unknown): StaffTrainingFilter {
  const q = pick(query, 'country', 'partner', 'status');
  return {
    country: /^[A-Za-z]{2}$/.test(q.country ?? '') ? q.country!.toUpperCase() : undefined,
    partnerId: isUuid(q.partner ?? '') ? q.partner : undefined,
    status: (STATUS_FILTERS as readonly string[]).includes(q.status ?? '')
      ? (q.status as StaffTrainingFilter['status'])
      : undefined,
  };
}

/** REG-10 for programme staff: /staff/training (overview, filters, export, verification) and its settings. */
export async function trainingStaffPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  const staff = (req: FastifyRequest, reply: FastifyReply, returnTo?: string): Actor | undefined => {
    const actor = signedIn(req, reply, returnTo);
    return actor && requirePermission(actor, 'applications:review');
  };

  const overview = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    queueErrors: Record<string, FormErrors> = {},
    status = 200,
  ) => {
    const filter = filterOf(req.query);
    const [partners, queue, options] = await Promise.all([
      staffTraining(appCtx(), actor, filter),
      completionsAwaitingVerification(appCtx(), actor),
      registeredPartnerOptions(appCtx(), actor),
    ]);
    return sendPage(
      reply,
      <OverviewPage
        ctx={pageCtx(req, reply, { notices: NOTICES, path: '/staff/training' })}
        partners={partners}
        options={options}
        filter={filter}
        queue={queue}
        queueErrors={queueErrors}
      />,
      status,
    );
  };

  app.get('/staff/training', async (req, reply) => {
    const actor = staff(req, reply);
    return actor ? overview(req, reply, actor) : reply;
  });

  app.post<{ Params: { id: string } }>('/staff/training/completions/:id/review', async (req, reply) => {
    const actor = staff(req, reply, '/staff/training');
    if (!actor) return reply;
    if (!isUuid(req.params.id)) throw notFound('Training completion');
    const body = pick(req.body, 'decision', 'reason', 'version');
    const decision = body.decision === 'reject' ? 'reject' : 'verify';
    try {
      await reviewCompletion(
        appCtx(),
        actor,
        req.params.id,
        { decision, reason: body.reason, version: formVersion(body.version) },
        requestMeta(req),
      );
      return reply.redirect(`/staff/training?notice=${decision === 'verify' ? 'verified' : 'rejected'}`, 303);
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: '/staff/training' });
      const errors =
        error instanceof AppError && error.code === 'training_already_reviewed'
          ? { general: errorText(ctx, error), fields: {} }
          : asFormErrors(ctx, error);
      return overview(req, reply, actor, { [req.params.id]: errors }, error instanceof AppError ? error.status : 422);
    }
  });

  const settingsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    forms: {
      values?: Record<string, string>;
      errors?: FormErrors;
      courseValues?: Record<string, string>;
      courseErrors?: FormErrors;
    } = {},
    status = 200,
  ) => {
    const ctx = pageCtx(req, reply, { notices: NOTICES, path: '/staff/training/settings' });
    const [settings, courses] = await Promise.all([trainingSettings(appCtx().db), listCourses(appCtx().db, false)]);
    return sendPage(
      reply,
      <SettingsPage
        ctx={ctx}
        settings={settings}
        courses={courses}
        values={forms.values ?? {}}
        errors={forms.errors ?? noErrors}
        courseValues={forms.courseValues ?? {}}
        courseErrors={forms.courseErrors ?? noErrors}
      />,
      status,
    );
  };

  app.get('/staff/training/settings', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    requirePermission(actor, 'staff:manage');
    return settingsPage(req, reply);
  });

  app.post('/staff/training/settings', async (req, reply) => {
    const actor = staff(req, reply, '/staff/training/settings');
    if (!actor) return reply;
    const values = pick(req.body, 'grace_days', 'flag_after_days', 'restrict_non_compliant', 'version');
    values.restrict_non_compliant = values.restrict_non_compliant === 'yes' ? 'yes' : 'no';
    const int = (v: string | undefined) => (/^\d{1,4}$/.test((v ?? '').trim()) ? Number(v) : NaN);
    try {
      await updateTrainingSettings(
        appCtx(),
        actor,
        {
          graceDays: int(values.grace_days),
          flagAfterDays: int(values.flag_after_days),
          restrictNonCompliant: values.restrict_non_compliant === 'yes',
          version: formVersion(values.version),
        },
        requestMeta(req),
      );
      return reply.redirect('/staff/training/settings?notice=settings_saved', 303);
    } catch (error) {
      return settingsPage(
        req,
        reply,
        { values, errors: asFormErrors(pageCtx(req, reply), error) },
        error instanceof AppError && error.status === 409 ? 409 : 422,
      );
    }
  });

  for (const [action, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/staff/training/courses/:id/${action}`, async (req, reply) => {
      const actor = staff(req, reply, '/staff/training/settings');
      if (!actor) return reply;
      const course = isUuid(req.params.id)
        ? (await listCourses(appCtx().db, false)).find((c) => c.id === req.params.id)
        : undefined;
      if (!course) throw notFound('Course');
      await saveCourse(
        appCtx(),
        actor,
        course.id,
        { ...course, link: course.link ?? undefined, active },
        requestMeta(req),
      );
      return reply.redirect('/staff/training/settings?notice=course_saved', 303);
    });
  }

  app.post('/staff/training/courses', async (req, reply) => {
    const actor = staff(req, reply, '/staff/training/settings');
    if (!actor) return reply;
    const courseValues = pick(req.body, 'name', 'provider', 'languages', 'link', 'validity_months');
    const languages = (courseValues.languages ?? '')
      .split(/[\s,]+/)
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean);
    try {
      await saveCourse(
        appCtx(),
        actor,
        undefined,
        {
          name: courseValues.name ?? '',
          provider: courseValues.provider ?? '',
          languages,
          link: courseValues.link,
          validityMonths: /^\d{1,3}$/.test(courseValues.validity_months ?? '')
            ? Number(courseValues.validity_months)
            : NaN,
        },
        requestMeta(req),
      );
      return reply.redirect('/staff/training/settings?notice=course_saved', 303);
    } catch (error) {
      return settingsPage(req, reply, { courseValues, courseErrors: asFormErrors(pageCtx(req, reply), error) }, 422);
    }
  });
}
