import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { CsrfField, ErrorSummary, formErrors, noErrors, type FormErrors } from '../../platform/views/components.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import { errorText, FileField, pageCtx } from '../../platform/views/page-helpers.tsx';
import { ProblemsTable } from '../../platform/views/problems-table.tsx';
import { acceptFileUploads, uploadedFile } from '../../platform/upload-form.ts';
import { ConsolePage, staffMember } from './console.tsx';
import { importDeniedParties, type DeniedPartyImport } from './screening.service.ts';

// Denied-party screening: programme administrators import the consolidated list; the review
// service screens every application's names against it and shows hits as findings.

const COLUMNS = 'name,country,source,list_date';
/** A consolidated list of half a million rows fits comfortably in 100 MiB. */
const MAX_BYTES = 100 * 1024 * 1024;

function ScreeningPage({
  ctx,
  report,
  errors,
}: {
  ctx: PageContext;
  report?: DeniedPartyImport | undefined;
  errors: FormErrors;
}) {
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(lang);
  return (
    <ConsolePage ctx={ctx} title={t('staff.screening.title')} section="screening">
      <h1>{t('staff.screening.title')}</h1>
      <p>{t('staff.screening.intro')}</p>
      <ErrorSummary t={t} errors={errors} />
      {report && (
        <section aria-labelledby="report-heading" class="report">
          <h2 id="report-heading">{t('staff.screening.report_title')}</h2>
          <p role="status">
            {t('staff.screening.report_summary', {
              imported: number.format(report.imported),
              rejected: number.format(report.rejected),
            })}
          </p>
          <ProblemsTable ctx={ctx} problems={report.problems} caption={t('upload.problems_caption')} />
        </section>
      )}
      <section aria-labelledby="import-heading">
        <h2 id="import-heading">{t('staff.screening.import_title')}</h2>
        <p id="screening-columns">
          {t('upload.columns')} <code>{COLUMNS}</code> {t('staff.screening.columns_hint')}
        </p>
        <form method="post" action="/staff/screening" enctype="multipart/form-data" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <FileField ctx={ctx} error={errors.fields.file} describedBy="screening-columns" />
          <button type="submit">{t('staff.screening.import_submit')}</button>
        </form>
      </section>
    </ConsolePage>
  );
}

export async function screeningPages(app: FastifyInstance): Promise<void> {
  await acceptFileUploads(app, { maxBytes: MAX_BYTES });

  const page = (
    req: FastifyRequest,
    reply: FastifyReply,
    report: DeniedPartyImport | undefined,
    errors: FormErrors,
    status = 200,
  ) =>
    sendPage(
      reply,
      <ScreeningPage ctx={pageCtx(req, reply, { path: '/staff/screening' })} report={report} errors={errors} />,
      status,
    );

  app.get('/staff/screening', async (req, reply) => {
    if (!staffMember(req, reply, 'staff:manage')) return reply;
    return page(req, reply, undefined, noErrors);
  });

  app.post('/staff/screening', async (req, reply) => {
    const actor = staffMember(req, reply, 'staff:manage', '/staff/screening');
    if (!actor) return reply;
    const file = uploadedFile(req, 'file');
    if (!file || file.size === 0)
      return page(
        req,
        reply,
        undefined,
        formErrors(req.t, [{ field: 'file', rule: file ? 'file_empty' : 'file_required' }]),
        422,
      );
    if (file.tooLarge)
      return page(
        req,
        reply,
        undefined,
        formErrors(req.t, [{ field: 'file', rule: 'file_too_large', params: { max: MAX_BYTES / 1024 / 1024 } }]),
        413,
      );
    try {
      const report = await importDeniedParties(app.appContext, actor, createReadStream(file.path), requestMeta(req));
      return await page(req, reply, report, noErrors);
    } catch (error) {
      // A file that is not a CSV list at all (no header, binary, wrong columns) is refused whole.
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 403) throw error;
      return page(
        req,
        reply,
        undefined,
        { general: errorText(pageCtx(req, reply), error, { columns: COLUMNS.replaceAll(',', ', ') }), fields: {} },
        error.status,
      );
    }
  });
}
