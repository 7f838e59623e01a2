import { formatDate } from '../../platform/dates.ts';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { applicantStatusMessageKey } from './application-status.rules.ts';
import type { ApplicationView } from './registration.service.ts';
import { continuePath } from './wizard-frame.tsx';

// REG-12, REG-13: where the application stands, as the applicant sees it.

export function StatusPage({ ctx, application }: { ctx: PageContext; application: ApplicationView }) {
  const { t, lang } = ctx;
  const status = application.status;
  return (
    <Layout ctx={ctx} title={t('registration.status_title')}>
      <h1>{t('registration.status_title')}</h1>
      <dl class="summary">
        <dt>{t('registration.reference_label')}</dt>
        <dd>{application.reference}</dd>
        <dt>{t('fields.company.legal_name')}</dt>
        <dd>{application.legalName ?? '—'}</dd>
        <dt>{t('fields.status')}</dt>
        <dd>
          <strong>{t(`registration.state.${status}`)}</strong>
        </dd>
        {application.submittedAt && (
          <>
            <dt>{t('registration.submitted_on')}</dt>
            <dd>{formatDate(application.submittedAt, lang)}</dd>
          </>
        )}
      </dl>
      {/* REG-12: a decline shows the generic message only; the service never hands a reason to this page. */}
      <p role="status" class="status-message">
        {t(applicantStatusMessageKey(status))}
      </p>
      {status === 'draft' && (
        <p>
          <a href={continuePath(application)} role="button">
            {t('registration.continue')}
          </a>
        </p>
      )}
      {status === 'info_requested' && (
        <section aria-labelledby="question-title">
          <h2 id="question-title">{t('registration.staff_question_title')}</h2>
          <blockquote class="preserve-lines">{application.staffQuestion}</blockquote>
          <p>
            <a href={`/apply/${application.id}/review`} role="button">
              {t('registration.answer_question')}
            </a>
          </p>
        </section>
      )}
      <p>
        <a href="/apply">{t('registration.back_to_list')}</a>
      </p>
    </Layout>
  );
}
