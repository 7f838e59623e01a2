import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, requirePermission, type Actor } from '../../platform/auth.ts';
import { countryName } from '../../platform/countries.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { formVersion, requestMeta } from '../../platform/request-meta.ts';
import {
  CsrfField,
  ErrorSummary,
  noErrors,
  SelectField,
  TextField,
  type FormErrors,
} from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import {
  asFormErrors,
  countrySelectOptions,
  errorText,
  pageCtx,
  pick,
  signedIn,
} from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import {
  listCourses,
  saveCourse,
  trainingSettings,
  updateTrainingSettings,
  type Course,
  type TrainingSettings,
} from './training-admin.service.ts';
import { PROVIDERS } from './training.rules.ts';
import { COMPLIANCE, PERSON_STATUSES } from './training.schemas.ts';
import {
  registeredPartnerOptions,
  staffTraining,
  type PartnerTrainingSummary,
  type StaffTrainingFilter,
} from './training.service.ts';
import {
  completionsAwaitingVerification,
  reviewCompletion,
  type CompletionRecord,
} from './training-completions.service.ts';
import { Day, StatusBadge } from './training.view.tsx';

const NOTICES = {
  verified: 'training.notice.verified',
  rejected: 'training.notice.rejected',
  settings_saved: 'training.notice.settings_saved',
  course_saved: 'training.notice.course_saved',
};
const STATUS_FILTERS = [...COMPLIANCE, 'flagged', ...PERSON_STATUSES] as const;

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

function Queue({
  ctx,
  records,
  errors,
}: {
  ctx: PageContext;
  records: CompletionRecord[];
  errors: Record<string, FormErrors>;
}) {
  const { t } = ctx;
  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">{t('training.staff.verify_title', { count: records.length })}</h2>
      {records.length === 0 && <p>{t('training.staff.verify_empty')}</p>}
      {records.map((r) => (
        <article id={`completion-${r.id}`}>
          <h3>{t('training.staff.record_heading', { name: r.person.name, company: r.legalName })}</h3>
          <ErrorSummary t={t} errors={errors[r.id] ?? noErrors} />
          <p>
            {r.courseName} ({t(`training.provider.${r.provider}`)}) — <Day ctx={ctx} date={r.completedAt} />
            {r.certificateNumber && <> — {t('training.staff.certificate_number', { number: r.certificateNumber })}</>}
          </p>
          <p>
            {r.certificate ? (
              <a href={`/api/v1/training/completions/${r.id}/certificate`}>
                {t('training.staff.download_certificate', { name: r.person.name })}
              </a>
            ) : (
              t('training.staff.no_certificate')
            )}
          </p>
          <div class="grid">
            <form method="post" action={`/staff/training/completions/${r.id}/review`}>
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="version" value={String(r.version)} />
              <input type="hidden" name="decision" value="verify" />
              <button type="submit">{t('training.staff.verify', { name: r.person.name })}</button>
            </form>
            <form method="post" action={`/staff/training/completions/${r.id}/review`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="version" value={String(r.version)} />
              <input type="hidden" name="decision" value="reject" />
              <label for={`field-reason-${r.id}`}>{t('training.staff.reason_label')}</label>
              <textarea
                id={`field-reason-${r.id}`}
                name="reason"
                rows={3}
                maxLength={1000}
                aria-describedby={`field-reason-${r.id}-hint`}
                aria-invalid={errors[r.id]?.fields.reason ? 'true' : undefined}
              />
              <small id={`field-reason-${r.id}-hint`}>{t('training.staff.reason_hint')}</small>
              <button type="submit" class="secondary">
                {t('training.staff.reject', { name: r.person.name })}
              </button>
            </form>
          </div>
        </article>
      ))}
    </section>
  );
}

function OverviewPage(props: {
  ctx: PageContext;
  partners: PartnerTrainingSummary[];
  options: { id: string; legalName: string }[];
  filter: StaffTrainingFilter;
  queue: CompletionRecord[];
  queueErrors: Record<string, FormErrors>;
}) {
  const { ctx, partners, options, filter, queue, queueErrors } = props;
  const { t, lang } = ctx;
  const query = new URLSearchParams(
    Object.entries({
      country: filter.country ?? '',
      partnerId: filter.partnerId ?? '',
      status: filter.status ?? '',
    }).filter(([, v]) => v),
  ).toString();
  const people = partners.flatMap((p) => p.people.map((person) => ({ p, person })));
  return (
    <Layout ctx={ctx} title={t('training.staff.title')}>
      <h1>{t('training.staff.title')}</h1>
      <p>
        <a href="/staff">{t('training.staff.back_dashboard')}</a>
        {can(ctx.actor, 'staff:manage') && (
          <>
            {' '}
            · <a href="/staff/training/settings">{t('training.staff.settings_link')}</a>
          </>
        )}
      </p>
      <form method="get" action="/staff/training" role="search" aria-label={t('training.staff.filter_label')}>
        <div class="grid">
          <SelectField
            name="country"
            label={t('fields.country')}
            value={filter.country}
            options={countrySelectOptions(lang, t('training.staff.any'))}
          />
          <SelectField
            name="status"
            label={t('fields.status')}
            value={filter.status}
            options={[
              { value: '', label: t('training.staff.any') },
              ...STATUS_FILTERS.map((s) => ({ value: s, label: t(`training.status.${s}`) })),
            ]}
          />
        </div>
        <SelectField
          name="partner"
          label={t('training.staff.partner')}
          value={filter.partnerId}
          options={[
            { value: '', label: t('training.staff.any') },
            ...options.map((o) => ({ value: o.id, label: o.legalName })),
          ]}
        />
        <button type="submit">{t('training.staff.filter')}</button>
        <a
          href={`/api/v1/staff/training.csv${query ? `?${query}` : ''}`}
          role="button"
          class="secondary"
          download="training.csv"
        >
          {t('training.staff.export')}
        </a>
      </form>
      <h2>{t('training.staff.partners_title', { count: partners.length })}</h2>
      <DataTable
        caption={t('training.staff.partners_caption')}
        columns={[
          t('training.staff.partner'),
          t('fields.country'),
          t('training.compliance_label'),
          t('training.staff.non_compliant_since'),
          t('training.staff.people'),
        ]}
        rows={partners}
        row={(p: PartnerTrainingSummary) => (
          <tr>
            <td>
              <a href={`/staff/training?partner=${p.partnerId}`}>{p.legalName}</a>
            </td>
            <td>{countryName(p.country, lang)}</td>
            <td>
              <StatusBadge ctx={ctx} status={p.compliance} />
              {p.flagged && (
                <>
                  {' '}
                  <strong>{t('training.status.flagged')}</strong>
                </>
              )}
            </td>
            <td>
              <Day ctx={ctx} date={p.nonCompliantSince} />
            </td>
            <td>{p.people.length}</td>
          </tr>
        )}
      />
      <h2>{t('training.people_title')}</h2>
      <DataTable
        caption={t('training.staff.people_caption')}
        columns={[
          t('training.staff.partner'),
          t('fields.name'),
          t('fields.role'),
          t('training.due'),
          t('fields.status'),
          t('training.latest'),
        ]}
        rows={people}
        row={({ p, person }: { p: PartnerTrainingSummary; person: PartnerTrainingSummary['people'][number] }) => (
          <tr>
            <td>{p.legalName}</td>
            <td>
              {person.name}
              <br />
              <small>{person.email}</small>
            </td>
            <td>{person.role ?? '—'}</td>
            <td>
              <Day ctx={ctx} date={person.dueAt} />
            </td>
            <td>
              <StatusBadge ctx={ctx} status={person.status} />
            </td>
            <td>
              {person.latest ? (
                <>
                  {person.latest.courseName} (<Day ctx={ctx} date={person.latest.completedAt} />)
                </>
              ) : (
                '—'
              )}
            </td>
          </tr>
        )}
      />
      <Queue ctx={ctx} records={queue} errors={queueErrors} />
    </Layout>
  );
}

function SettingsPage({
  ctx,
  settings,
  courses,
  values,
  errors,
  courseValues,
  courseErrors,
}: {
  ctx: PageContext;
  settings: TrainingSettings;
  courses: Course[];
  values: Record<string, string>;
  errors: FormErrors;
  courseValues: Record<string, string>;
  courseErrors: FormErrors;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('training.staff.settings_title')}>
      <h1>{t('training.staff.settings_title')}</h1>
      <p>
        <a href="/staff/training">{t('training.staff.back_overview')}</a>
      </p>
      <section aria-labelledby="settings-form">
        <h2 id="settings-form">{t('training.staff.settings_form')}</h2>
        <ErrorSummary t={t} errors={errors} />
        <form method="post" action="/staff/training/settings" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="version" value={String(settings.version)} />
          <TextField
            name="grace_days"
            type="number"
            label={t('fields.grace_days')}
            value={values.grace_days ?? String(settings.graceDays)}
            error={errors.fields.grace_days}
            hint={t('training.staff.grace_hint')}
          />
          <TextField
            name="flag_after_days"
            type="number"
            label={t('fields.flag_after_days')}
            value={values.flag_after_days ?? String(settings.flagAfterDays)}
            error={errors.fields.flag_after_days}
            hint={t('training.staff.flag_hint')}
          />
          <label>
            <input
              type="checkbox"
              name="restrict_non_compliant"
              value="yes"
              checked={
                values.restrict_non_compliant ? values.restrict_non_compliant === 'yes' : settings.restrictNonCompliant
              }
            />
            {t('training.staff.restrict_label')}
          </label>
          <button type="submit">{t('training.staff.save_settings')}</button>
        </form>
      </section>
      <section aria-labelledby="courses-title">
        <h2 id="courses-title">{t('training.staff.courses_title')}</h2>
        <DataTable
          caption={t('training.staff.courses_caption')}
          columns={[
            t('fields.name'),
            t('fields.provider'),
            t('fields.languages'),
            t('fields.validity_months'),
            t('fields.link'),
            t('fields.status'),
          ]}
          rows={courses}
          row={(c: Course) => (
            <tr>
              <td>{c.name}</td>
              <td>{t(`training.provider.${c.provider}`)}</td>
              <td>{c.languages.join(', ') || '—'}</td>
              <td>{c.validityMonths}</td>
              <td>{c.link ? <a href={c.link}>{c.link}</a> : '—'}</td>
              <td>
                <form method="post" action={`/staff/training/courses/${c.id}/${c.active ? 'deactivate' : 'activate'}`}>
                  <CsrfField token={ctx.csrfToken} />
                  <button type="submit" class="secondary outline">
                    {t(c.active ? 'training.staff.deactivate' : 'training.staff.activate', { name: c.name })}
                  </button>
                </form>
              </td>
            </tr>
          )}
        />
        <h3>{t('training.staff.add_course')}</h3>
        <ErrorSummary t={t} errors={courseErrors} />
        <form method="post" action="/staff/training/courses" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField
            name="name"
            label={t('fields.name')}
            value={courseValues.name}
            error={courseErrors.fields.name}
            maxLength={200}
          />
          <SelectField
            name="provider"
            label={t('fields.provider')}
            value={courseValues.provider}
            error={courseErrors.fields.provider}
            options={PROVIDERS.map((p) => ({ value: p, label: t(`training.provider.${p}`) }))}
          />
          <TextField
            name="languages"
            label={t('fields.languages')}
            value={courseValues.languages}
            error={courseErrors.fields.languages}
            hint={t('training.staff.languages_hint')}
            required={false}
          />
          <TextField
            name="link"
            type="url"
            label={t('fields.link')}
            value={courseValues.link}
            error={courseErrors.fields.link}
            required={false}
          />
          <TextField
            name="validity_months"
            type="number"
            label={t('fields.validity_months')}
            value={courseValues.validity_months ?? '12'}
            error={courseErrors.fields.validity_months}
          />
          <button type="submit">{t('training.staff.add_course')}</button>
        </form>
      </section>
    </Layout>
  );
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
