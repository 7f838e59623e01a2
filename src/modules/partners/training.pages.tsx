import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Actor } from '../../platform/auth.ts';
import { parseDay } from '../../platform/dates.ts';
import { notFound } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { acceptFileUploads, uploadedFile } from '../../platform/upload-form.ts';
import { CsrfField, ErrorSummary, fieldId, formErrors, noErrors, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { DateField } from '../../platform/views/date-field.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { asFormErrors, pageCtx, pick, signedIn } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { partnerOfUser } from './partners.service.ts';
import { listCourses, vendorCourse, type Course } from './training-admin.service.ts';
import { MAX_CERTIFICATE_BYTES, PROVIDERS } from './training.rules.ts';
import { addKeyPerson, partnerTraining, recordCompletion, removeKeyPerson, type PartnerTrainingSummary, type PersonTraining } from './training.service.ts';
import { Day, StatusBadge } from './training.view.tsx';

const NOTICES = { added: 'training.notice.added', removed: 'training.notice.removed', recorded: 'training.notice.recorded' };
const PERSON_FIELDS = ['name', 'email', 'role'];
const COMPLETION_FIELDS = ['course_id', 'course_name', 'provider', 'completed_on', 'certificate_number'];

function TrainingPage({ ctx, training, vendor, canManage, values, errors }: { ctx: PageContext; training: PartnerTrainingSummary; vendor: Course | undefined; canManage: boolean; values: Record<string, string>; errors: FormErrors }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('training.title')}>
      <h1>{t('training.title')}</h1>
      <p>{t('training.intro', { company: training.legalName })}</p>
      <p>
        {t('training.compliance_label')} <StatusBadge ctx={ctx} status={training.compliance} />
      </p>
      {vendor && (
        <section aria-labelledby="vendor-course">
          <h2 id="vendor-course">{t('training.vendor_course_title')}</h2>
          <p>
            {vendor.link ? <a href={vendor.link}>{vendor.name}</a> : vendor.name} {t('training.vendor_course_validity', { count: vendor.validityMonths })}
          </p>
        </section>
      )}
      <h2>{t('training.people_title')}</h2>
      {training.people.length === 0 ? (
        <p>{t('training.no_people')}</p>
      ) : (
        <DataTable
          caption={t('training.people_caption')}
          columns={[t('fields.name'), t('fields.role'), t('training.due'), t('fields.status'), t('training.latest'), t('training.actions')]}
          rows={training.people}
          row={(p: PersonTraining) => (
            <tr>
              <td>
                {p.name}
                <br />
                <small>{p.email}</small>
              </td>
              <td>{p.role ?? '—'}</td>
              <td>
                <Day ctx={ctx} date={p.dueAt} />
              </td>
              <td>
                <StatusBadge ctx={ctx} status={p.status} />
                {p.latest?.status === 'rejected' && p.latest.reviewReason && (
                  <p>
                    <small>{t('training.rejected_reason', { reason: p.latest.reviewReason })}</small>
                  </p>
                )}
              </td>
              <td>{p.latest ? <>{p.latest.courseName} (<Day ctx={ctx} date={p.latest.completedAt} />)</> : '—'}</td>
              <td>
                {p.assignmentId && (ctx.actor && (canManage || p.userId === ctx.actor.userId || p.email.toLowerCase() === ctx.actor.email.toLowerCase())) && p.status !== 'verified' && p.status !== 'awaiting_verification' && (
                  <a href={`/partner/training/assignments/${p.assignmentId}`}>{t('training.record_for', { name: p.name })}</a>
                )}
                {canManage && (
                  <form method="post" action={`/partner/training/people/${p.keyPersonId}/remove`}>
                    <CsrfField token={ctx.csrfToken} />
                    <input type="hidden" name="version" value={String(p.version)} />
                    <button type="submit" class="secondary outline">{t('training.remove_person', { name: p.name })}</button>
                  </form>
                )}
              </td>
            </tr>
          )}
        />
      )}
      {canManage && (
        <section aria-labelledby="add-person">
          <h2 id="add-person">{t('training.add_title')}</h2>
          <p>{t('training.add_intro')}</p>
          <ErrorSummary t={t} errors={errors} />
          <form method="post" action="/partner/training/people" novalidate>
            <CsrfField token={ctx.csrfToken} />
            <TextField name="name" label={t('fields.name')} value={values.name} error={errors.fields.name} autocomplete="off" maxLength={120} />
            <TextField name="email" type="email" label={t('fields.email')} value={values.email} error={errors.fields.email} autocomplete="off" maxLength={254} />
            <TextField name="role" label={t('fields.role')} value={values.role} error={errors.fields.role} required={false} maxLength={100} />
            <button type="submit">{t('training.add_submit')}</button>
          </form>
        </section>
      )}
    </Layout>
  );
}

function CompletionPage({ ctx, person, courses, values, errors }: { ctx: PageContext; person: PersonTraining; courses: Course[]; values: Record<string, string>; errors: FormErrors }) {
  const { t } = ctx;
  const other = t('training.course_other');
  return (
    <Layout ctx={ctx} title={t('training.record_title')}>
      <h1>{t('training.record_title')}</h1>
      <p>{t('training.record_intro', { name: person.name })}</p>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action={`/partner/training/assignments/${person.assignmentId}`} enctype="multipart/form-data" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <SelectField name="course_id" label={t('fields.course_id')} value={values.course_id} error={errors.fields.course_id} options={[...courses.map((c) => ({ value: c.id, label: `${c.name} (${t(`training.provider.${c.provider}`)})` })), { value: '', label: other }]} />
        <fieldset>
          <legend>{t('training.other_course_legend')}</legend>
          <TextField name="course_name" label={t('fields.course_name')} value={values.course_name} error={errors.fields.course_name} required={false} maxLength={200} />
          <SelectField name="provider" label={t('fields.provider')} value={values.provider} error={errors.fields.provider} options={[{ value: '', label: t('training.choose') }, ...PROVIDERS.map((p) => ({ value: p, label: t(`training.provider.${p}`) }))]} />
        </fieldset>
        <DateField name="completed_on" label={t('fields.completed_on')} value={values.completed_on} error={errors.fields.completed_on} />
        <TextField name="certificate_number" label={t('fields.certificate_number')} value={values.certificate_number} error={errors.fields.certificate_number} required={false} maxLength={100} />
        <div class="field">
          <label for={fieldId('certificate')}>{t('fields.certificate')}</label>
          <input id={fieldId('certificate')} name="certificate" type="file" accept="application/pdf,image/png,image/jpeg" aria-invalid={errors.fields.certificate ? 'true' : undefined} aria-describedby={`${fieldId('certificate')}-hint${errors.fields.certificate ? ` ${fieldId('certificate')}-error` : ''}`} />
          {errors.fields.certificate && (
            <small id={`${fieldId('certificate')}-error`} class="field-error">
              {errors.fields.certificate}
            </small>
          )}
          <small id={`${fieldId('certificate')}-hint`}>{t('training.certificate_hint', { max: MAX_CERTIFICATE_BYTES / 1024 / 1024 })}</small>
        </div>
        <button type="submit">{t('training.record_submit')}</button>
      </form>
      <p>
        <a href="/partner/training">{t('training.back')}</a>
      </p>
    </Layout>
  );
}

/** REG-10 for the partner's own users: /partner/training (the Self Service home links here). */
export async function trainingPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  await acceptFileUploads(app, { maxBytes: MAX_CERTIFICATE_BYTES });

  const partnerFor = async (req: FastifyRequest, reply: FastifyReply, returnTo?: string): Promise<{ actor: Actor; partnerId: string } | undefined> => {
    const actor = signedIn(req, reply, returnTo);
    if (!actor) return undefined;
    const partner = await partnerOfUser(appCtx().db, actor.userId);
    if (!partner) throw notFound('Partner');
    return { actor, partnerId: partner.id };
  };

  const mainPage = async (req: FastifyRequest, reply: FastifyReply, who: { actor: Actor; partnerId: string }, values: Record<string, string>, errors: FormErrors, status = 200) => {
    const ctx = pageCtx(req, reply, { notices: NOTICES, path: '/partner/training' });
    const [training, vendor] = await Promise.all([partnerTraining(appCtx(), who.actor, who.partnerId), vendorCourse(appCtx().db, ctx.lang)]);
    return sendPage(reply, <TrainingPage ctx={ctx} training={training} vendor={vendor} canManage={can(who.actor, 'partner:manage', who.partnerId)} values={values} errors={errors} />, status);
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
      await addKeyPerson(appCtx(), who.actor, who.partnerId, values, requestMeta(req));
      return reply.redirect('/partner/training?notice=added', 303);
    } catch (error) {
      return mainPage(req, reply, who, values, asFormErrors(pageCtx(req, reply), error), 422);
    }
  });

  app.post<{ Params: { id: string } }>('/partner/training/people/:id/remove', async (req, reply) => {
    const who = await partnerFor(req, reply, '/partner/training');
    if (!who) return reply;
    if (!isUuid(req.params.id)) throw notFound('Key person');
    await removeKeyPerson(appCtx(), who.actor, who.partnerId, req.params.id, Number(pick(req.body, 'version').version), requestMeta(req));
    return reply.redirect('/partner/training?notice=removed', 303);
  });

  const completionPage = async (req: FastifyRequest, reply: FastifyReply, who: { actor: Actor; partnerId: string }, assignmentId: string, values: Record<string, string>, errors: FormErrors, status = 200) => {
    const training = await partnerTraining(appCtx(), who.actor, who.partnerId);
    const person = training.people.find((p) => p.assignmentId === assignmentId);
    if (!person) throw notFound('Training assignment');
    const ctx = pageCtx(req, reply, { path: `/partner/training/assignments/${assignmentId}` });
    return sendPage(reply, <CompletionPage ctx={ctx} person={person} courses={await listCourses(appCtx().db)} values={values} errors={errors} />, status);
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
    if (file && file.size === 0 && file.originalName) return completionPage(req, reply, who, req.params.id, values, formErrors(req.t, [{ field: 'certificate', rule: 'certificate_empty' }]), 422);
    if (file?.tooLarge) return completionPage(req, reply, who, req.params.id, values, formErrors(req.t, [{ field: 'certificate', rule: 'certificate_too_large', params: { max: MAX_CERTIFICATE_BYTES / 1024 / 1024 } }]), 413);
    const certificate = file && file.size > 0 ? { bytes: await readFile(file.path), name: file.originalName || file.filename } : undefined;
    try {
      const input = { courseId: values.course_id || undefined, courseName: values.course_name, provider: values.provider, completedOn: parseDay(values.completed_on ?? ''), certificateNumber: values.certificate_number };
      await recordCompletion(appCtx(), who.actor, who.partnerId, req.params.id, input, certificate, requestMeta(req));
      return reply.redirect('/partner/training?notice=recorded', 303);
    } catch (error) {
      return completionPage(req, reply, who, req.params.id, values, asFormErrors(pageCtx(req, reply), error), 422);
    }
  });
}
