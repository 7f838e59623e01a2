import { formatDate } from '../../platform/dates.ts';
import { CsrfField, ErrorSummary, type FormErrors } from '../../platform/views/components.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { isEditable } from './application-status.rules.ts';
import type { ApplicationSummary } from './registration.service.ts';

// REG-13: the applications the signed-in person works on, and the button that starts one.

export function ListPage({
  ctx,
  applications,
  errors,
}: {
  ctx: PageContext;
  applications: ApplicationSummary[];
  errors: FormErrors;
}) {
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t('registration.list_title')}>
      <h1>{t('registration.list_title')}</h1>
      <p>{t('registration.list_intro', { vendor: ctx.vendor })}</p>
      <ErrorSummary t={t} errors={errors} />
      {applications.length === 0 ? (
        <p>{t('registration.list_empty')}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{t('registration.list_caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('registration.reference_label')}</th>
              <th scope="col">{t('fields.company.legal_name')}</th>
              <th scope="col">{t('fields.status')}</th>
              <th scope="col">{t('registration.updated')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('registration.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {applications.map((a) => (
              <tr>
                <td>{a.reference}</td>
                <td>{a.legalName ?? '—'}</td>
                <td>{t(`registration.state.${a.status}`)}</td>
                <td>{formatDate(a.updatedAt, lang)}</td>
                <td>
                  <a href={isEditable(a.status) ? `/apply/${a.id}` : `/apply/${a.id}/status`}>
                    {a.status === 'draft'
                      ? t('registration.continue')
                      : a.status === 'info_requested'
                        ? t('registration.answer_question')
                        : t('registration.view_status')}
                    <span class="visually-hidden">{` ${a.reference}`}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form method="post" action="/apply">
        <CsrfField token={ctx.csrfToken} />
        <button type="submit">{t('registration.start')}</button>
      </form>
    </Layout>
  );
}
