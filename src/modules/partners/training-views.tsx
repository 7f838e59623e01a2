import {
  CsrfField,
  ErrorSummary,
  fieldId,
  SelectField,
  TextField,
  type FormErrors,
} from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { DateField } from '../../platform/views/date-field.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';

import { type Course } from './training-admin.service.ts';
import { MAX_CERTIFICATE_BYTES, PROVIDERS } from './training.rules.ts';
import { type PartnerTrainingSummary, type PersonTraining } from './training.service.ts';

import { Day, StatusBadge } from './training.view.tsx';

interface Colleague {
  id: string;
  name: string;
  email: string;
}
interface FormerPerson {
  id: string;
  name: string;
  email: string;
  role: string | null;
  addedAt: Date;
  removedAt: Date;
}

export function TrainingPage(props: {
  ctx: PageContext;
  training: PartnerTrainingSummary;
  vendor: Course | undefined;
  canManage: boolean;
  colleagues: Colleague[];
  former: FormerPerson[];
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { ctx, training, vendor, canManage, colleagues, former, values, errors } = props;
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
            {vendor.link ? <a href={vendor.link}>{vendor.name}</a> : vendor.name}{' '}
            {t('training.vendor_course_validity', { count: vendor.validityMonths })}
          </p>
        </section>
      )}
      <h2>{t('training.people_title')}</h2>
      {training.people.length === 0 ? (
        <p>{t('training.no_people')}</p>
      ) : (
        <DataTable
          caption={t('training.people_caption')}
          columns={[
            t('fields.name'),
            t('fields.role'),
            t('training.due'),
            t('fields.status'),
            t('training.latest'),
            t('training.actions'),
          ]}
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
              <td>
                {p.latest ? (
                  <>
                    {p.latest.courseName} (<Day ctx={ctx} date={p.latest.completedAt} />)
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>
                {p.assignmentId &&
                  ctx.actor &&
                  (canManage ||
                    p.userId === ctx.actor.userId ||
                    p.email.toLowerCase() === ctx.actor.email.toLowerCase()) &&
                  p.status !== 'verified' &&
                  p.status !== 'awaiting_verification' && (
                    <a href={`/partner/training/assignments/${p.assignmentId}`}>
                      {t('training.record_for', { name: p.name })}
                    </a>
                  )}
                {canManage && (
                  <p>
                    <a href={`/partner/training/people/${p.keyPersonId}`}>
                      {t('training.change_person', { name: p.name })}
                    </a>
                  </p>
                )}
                {canManage && (
                  <form method="post" action={`/partner/training/people/${p.keyPersonId}/remove`}>
                    <CsrfField token={ctx.csrfToken} />
                    <input type="hidden" name="version" value={String(p.version)} />
                    <button type="submit" class="secondary outline">
                      {t('training.remove_person', { name: p.name })}
                    </button>
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
            <SelectField
              name="user_id"
              label={t('fields.user_id')}
              value={values.user_id}
              error={errors.fields.user_id}
              options={[
                { value: '', label: t('training.no_account') },
                ...colleagues.map((c) => ({ value: c.id, label: `${c.name} (${c.email})` })),
              ]}
            />
            <fieldset>
              <legend>{t('training.without_account_legend')}</legend>
              <TextField
                name="name"
                label={t('fields.name')}
                value={values.name}
                error={errors.fields.name}
                autocomplete="off"
                maxLength={120}
                required={false}
              />
              <TextField
                name="email"
                type="email"
                label={t('fields.email')}
                value={values.email}
                error={errors.fields.email}
                autocomplete="off"
                maxLength={254}
                required={false}
              />
            </fieldset>
            <TextField
              name="role"
              label={t('fields.role')}
              value={values.role}
              error={errors.fields.role}
              required={false}
              maxLength={100}
            />
            <button type="submit">{t('training.add_submit')}</button>
          </form>
        </section>
      )}
      {former.length > 0 && (
        <section aria-labelledby="former-title">
          <h2 id="former-title">{t('training.former_title')}</h2>
          <DataTable
            caption={t('training.former_caption')}
            columns={[t('fields.name'), t('fields.role'), t('training.added'), t('training.removed')]}
            rows={former}
            row={(f: FormerPerson) => (
              <tr>
                <td>
                  {f.name}
                  <br />
                  <small>{f.email}</small>
                </td>
                <td>{f.role ?? '—'}</td>
                <td>
                  <Day ctx={ctx} date={f.addedAt} />
                </td>
                <td>
                  <Day ctx={ctx} date={f.removedAt} />
                </td>
              </tr>
            )}
          />
        </section>
      )}
    </Layout>
  );
}

export function ChangePersonPage({
  ctx,
  person,
  values,
  errors,
}: {
  ctx: PageContext;
  person: PersonTraining;
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('training.change_title')}>
      <h1>{t('training.change_title')}</h1>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action={`/partner/training/people/${person.keyPersonId}`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="version" value={values.version ?? String(person.version)} />
        <TextField
          name="name"
          label={t('fields.name')}
          value={values.name ?? person.name}
          error={errors.fields.name}
          maxLength={120}
        />
        <TextField
          name="email"
          type="email"
          label={t('fields.email')}
          value={values.email ?? person.email}
          error={errors.fields.email}
          maxLength={254}
        />
        <TextField
          name="role"
          label={t('fields.role')}
          value={values.role ?? person.role ?? ''}
          error={errors.fields.role}
          required={false}
          maxLength={100}
        />
        <button type="submit">{t('training.change_submit')}</button>
      </form>
      <p>
        <a href="/partner/training">{t('training.back')}</a>
      </p>
    </Layout>
  );
}

export function CompletionPage({
  ctx,
  person,
  courses,
  values,
  errors,
}: {
  ctx: PageContext;
  person: PersonTraining;
  courses: Course[];
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t } = ctx;
  const other = t('training.course_other');
  return (
    <Layout ctx={ctx} title={t('training.record_title')}>
      <h1>{t('training.record_title')}</h1>
      <p>{t('training.record_intro', { name: person.name })}</p>
      <ErrorSummary t={t} errors={errors} />
      <form
        method="post"
        action={`/partner/training/assignments/${person.assignmentId}`}
        enctype="multipart/form-data"
        novalidate
      >
        <CsrfField token={ctx.csrfToken} />
        <SelectField
          name="course_id"
          label={t('fields.course_id')}
          value={values.course_id}
          error={errors.fields.course_id}
          options={[
            ...courses.map((c) => ({ value: c.id, label: `${c.name} (${t(`training.provider.${c.provider}`)})` })),
            { value: '', label: other },
          ]}
        />
        <fieldset>
          <legend>{t('training.other_course_legend')}</legend>
          <TextField
            name="course_name"
            label={t('fields.course_name')}
            value={values.course_name}
            error={errors.fields.course_name}
            required={false}
            maxLength={200}
          />
          <SelectField
            name="provider"
            label={t('fields.provider')}
            value={values.provider}
            error={errors.fields.provider}
            options={[
              { value: '', label: t('training.choose') },
              ...PROVIDERS.map((p) => ({ value: p, label: t(`training.provider.${p}`) })),
            ]}
          />
        </fieldset>
        <DateField
          name="completed_on"
          label={t('fields.completed_on')}
          value={values.completed_on}
          error={errors.fields.completed_on}
        />
        <TextField
          name="certificate_number"
          label={t('fields.certificate_number')}
          value={values.certificate_number}
          error={errors.fields.certificate_number}
          required={false}
          maxLength={100}
        />
        <div class="field">
          <label for={fieldId('certificate')}>{t('fields.certificate')}</label>
          <input
            id={fieldId('certificate')}
            name="certificate"
            type="file"
            accept="application/pdf,image/png,image/jpeg"
            aria-invalid={errors.fields.certificate ? 'true' : undefined}
            aria-describedby={`${fieldId('certificate')}-hint${errors.fields.certificate ? ` ${fieldId('certificate')}-error` : ''}`}
          />
          {errors.fields.certificate && (
            <small id={`${fieldId('certificate')}-error`} class="field-error">
              {errors.fields.certificate}
            </small>
          )}
          <small id={`${fieldId('certificate')}-hint`}>
            {t('training.certificate_hint', { max: MAX_CERTIFICATE_BYTES / 1024 / 1024 })}
          </small>
        </div>
        <button type="submit">{t('training.record_submit')}</button>
      </form>
      <p>
        <a href="/partner/training">{t('training.back')}</a>
      </p>
    </Layout>
  );
}
