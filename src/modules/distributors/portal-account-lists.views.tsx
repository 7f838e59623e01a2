import { CsrfField, ErrorSummary, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { DateTime, FileField } from '../../platform/views/page-helpers.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { ProblemsTable } from '../../platform/views/problems-table.tsx';
import { ACCOUNT_LIST_COLUMNS, type Upload } from './account-lists.service.ts';
import type { Distributor } from './distributors.service.ts';
import { PortalPage } from './portal-layout.tsx';

function UploadForm({ ctx, d, errors }: { ctx: PageContext; d: Distributor; errors: FormErrors }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="upload-heading">
      <h2 id="upload-heading">{t('portal.lists.upload_title')}</h2>
      <p>{t('portal.lists.upload_intro')}</p>
      <p id="list-columns">
        {t('upload.columns')} <code>{ACCOUNT_LIST_COLUMNS.join(',')}</code> {t('portal.lists.columns_hint')}
      </p>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action={`/distributor/${d.id}/account-lists`} enctype="multipart/form-data" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <FileField ctx={ctx} error={errors.fields.file} describedBy="list-columns" />
        <button type="submit">{t('portal.lists.upload_submit')}</button>
      </form>
    </section>
  );
}

function UploadsTable({ ctx, d, uploads }: { ctx: PageContext; d: Distributor; uploads: Upload[] }) {
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(lang);
  if (uploads.length === 0) return <p>{t('portal.lists.none')}</p>;
  return (
    <DataTable
      caption={t('portal.lists.recent_caption')}
      columns={[
        t('portal.lists.file'),
        t('portal.lists.started'),
        t('fields.status'),
        t('upload.rows_read'),
        t('upload.rows_written'),
        t('upload.rows_rejected'),
      ]}
      rows={uploads}
      row={(u) => (
        <tr>
          <td>
            <a href={`/distributor/${d.id}/account-lists/${u.id}`}>{u.filename}</a>
          </td>
          <td>
            <DateTime date={u.createdAt} lang={lang} />
          </td>
          <td>{t(`upload.status_${u.status}`)}</td>
          <td>{number.format(u.rowsRead)}</td>
          <td>{number.format(u.rowsWritten)}</td>
          <td>{number.format(u.rowsRejected)}</td>
        </tr>
      )}
    />
  );
}

/** REG-2: the upload form and the recent uploads. */
export function AccountListsPage({
  ctx,
  d,
  uploads,
  errors,
}: {
  ctx: PageContext;
  d: Distributor;
  uploads: Upload[];
  errors: FormErrors;
}) {
  const { t } = ctx;
  return (
    <PortalPage ctx={ctx} d={d} current="account-lists" title={t('portal.lists.title')}>
      <p>{t('portal.lists.intro')}</p>
      <UploadForm ctx={ctx} d={d} errors={errors} />
      <section aria-labelledby="uploads-heading">
        <h2 id="uploads-heading">{t('portal.lists.recent_title')}</h2>
        <UploadsTable ctx={ctx} d={d} uploads={uploads} />
      </section>
    </PortalPage>
  );
}

/** REG-2: an upload's progress; public/upload-progress.js keeps it current while the rows are read. */
export function UploadPage({
  ctx,
  d,
  upload,
  claimsConfirmed,
}: {
  ctx: PageContext;
  d: Distributor;
  upload: Upload;
  claimsConfirmed: number | null;
}) {
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(lang);
  const processing = upload.status === 'processing';
  const counts: [string, string, number][] = [
    ['rowsRead', t('upload.rows_read'), upload.rowsRead],
    ['rowsWritten', t('upload.rows_written'), upload.rowsWritten],
    ['rowsRejected', t('upload.rows_rejected'), upload.rowsRejected],
    ['duplicates', t('upload.duplicates'), upload.duplicates],
  ];
  const statusText =
    upload.status === 'processing'
      ? t('upload.processing', { rows: number.format(upload.rowsRead) })
      : upload.status === 'done'
        ? t('upload.done', { rows: number.format(upload.rowsWritten) })
        : t('upload.failed');
  return (
    <PortalPage ctx={ctx} d={d} current="account-lists" title={t('portal.lists.upload_page_title')}>
      <p>
        {t('portal.lists.file')}: <strong>{upload.filename}</strong> · {t('portal.lists.started')}:{' '}
        <DateTime date={upload.createdAt} lang={lang} />
      </p>
      <div
        class="upload-progress"
        data-upload-progress
        data-poll-url={processing ? `/api/v1/distributor/${d.id}/account-lists/${upload.id}` : undefined}
        data-processing-text={t('upload.processing', { rows: '%ROWS%' })}
      >
        <p id="upload-status" role="status" aria-live="polite" data-upload-status>
          {statusText}
        </p>
        <div data-upload-details>
          <label for="upload-progress-bar">{t('upload.progress_label')}</label>
          {processing ? (
            <progress id="upload-progress-bar" aria-describedby="upload-status"></progress>
          ) : (
            <progress id="upload-progress-bar" value={1} max={1} aria-describedby="upload-status"></progress>
          )}
          <dl class="counts">
            {counts.map(([key, label, value]) => (
              <div>
                <dt>{label}</dt>
                <dd data-count={key}>{number.format(value)}</dd>
              </div>
            ))}
            {claimsConfirmed !== null && (
              <div>
                <dt>{t('upload.claims_confirmed')}</dt>
                <dd>{number.format(claimsConfirmed)}</dd>
              </div>
            )}
          </dl>
          {processing ? (
            <p>
              <a href={`/distributor/${d.id}/account-lists/${upload.id}`} data-refresh-link>
                {t('upload.refresh')}
              </a>
            </p>
          ) : (
            <>
              {upload.failure && (
                <p class="field-error" lang={lang === 'en' ? undefined : 'en'}>
                  {upload.failure}
                </p>
              )}
              <h2>{t('upload.problems_title')}</h2>
              <ProblemsTable ctx={ctx} problems={upload.problems} caption={t('upload.problems_caption')} />
              <p>
                <a href={`/distributor/${d.id}/account-lists`}>{t('portal.lists.back')}</a>
              </p>
            </>
          )}
        </div>
      </div>
      {processing && <script type="module" src="/assets/upload-progress.js"></script>}
    </PortalPage>
  );
}
