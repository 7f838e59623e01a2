import type { FastifyInstance } from 'fastify';
import { requestMeta } from '../../platform/request-meta.ts';
import { CsrfField, ErrorSummary, noErrors, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { DateTime, pageCtx, pick, TextArea } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import {
  decideAdminRequest,
  getAdminRequest,
  listAdminRequests,
  type StaffAdminRequest,
} from './administrators.service.ts';
import { StaffPage, staffActor } from './staff-views.tsx';
import { picaFormErrors, StateBadge } from './views.tsx';

const NOTICES = { decided: 'pica.staff.requests.decided' };

function RequestsPage({ ctx, requests }: { ctx: PageContext; requests: StaffAdminRequest[] }) {
  const { t, lang } = ctx;
  return (
    <StaffPage ctx={ctx} current="requests" title={t('pica.staff.requests.title')}>
      <p>{t('pica.staff.requests.intro')}</p>
      {requests.length === 0 ? (
        <p>{t('pica.staff.requests.none')}</p>
      ) : (
        <DataTable
          caption={t('pica.staff.requests.title')}
          hideCaption
          columns={[
            t('pica.fields.applicant'),
            t('pica.fields.partner'),
            t('pica.fields.submitted'),
            t('pica.fields.status'),
          ]}
          rows={requests}
          row={(r) => (
            <tr>
              <td>
                <a href={`/staff/pica/requests/${r.id}`}>{r.userName}</a>
                <br />
                <small>{r.userEmail}</small>
              </td>
              <td>{r.partnerName}</td>
              <td>
                <DateTime date={r.createdAt} lang={lang} />
              </td>
              <td>
                <StateBadge ctx={ctx} state={r.status} />
              </td>
            </tr>
          )}
        />
      )}
    </StaffPage>
  );
}

function RequestPage({ ctx, request, errors }: { ctx: PageContext; request: StaffAdminRequest; errors: FormErrors }) {
  const { t, lang } = ctx;
  return (
    <StaffPage ctx={ctx} current="requests" title={t('pica.staff.requests.one_title', { name: request.userName })}>
      <dl>
        <dt>{t('pica.fields.partner')}</dt>
        <dd>{request.partnerName}</dd>
        <dt>{t('pica.fields.email')}</dt>
        <dd>{request.userEmail}</dd>
        <dt>{t('pica.fields.job_title')}</dt>
        <dd>{request.jobTitle}</dd>
        <dt>{t('pica.fields.contract_numbers')}</dt>
        <dd>{request.contractNumbers.join(', ')}</dd>
        <dt>{t('pica.fields.submitted')}</dt>
        <dd>
          <DateTime date={request.createdAt} lang={lang} />
        </dd>
        <dt>{t('pica.staff.partners.standing')}</dt>
        <dd>
          {request.gaps.length === 0
            ? t('pica.states.eligible')
            : request.gaps.map((g) => t(`pica.gaps.${g}`)).join(' ')}
        </dd>
        <dt>{t('pica.fields.status')}</dt>
        <dd>
          <StateBadge ctx={ctx} state={request.status} />
        </dd>
        {request.internalReason && (
          <>
            <dt>{t('pica.fields.internal_reason')}</dt>
            <dd>{request.internalReason}</dd>
          </>
        )}
      </dl>
      {request.status === 'pending' && (
        <section aria-labelledby="decide">
          <h2 id="decide">{t('pica.staff.requests.decide_title')}</h2>
          <ErrorSummary t={t} errors={errors} />
          <form method="post" action={`/staff/pica/requests/${request.id}/decision`} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <TextArea
              name="internal_reason"
              label={t('pica.fields.internal_reason')}
              error={errors.fields.internal_reason}
              hint={t('pica.staff.requests.reason_hint')}
              required={false}
              maxLength={2000}
              rows={3}
            />
            <div class="decision">
              <button type="submit" name="decision" value="approve">
                {t('pica.staff.requests.approve')}
              </button>
              <button type="submit" name="decision" value="decline" class="secondary outline">
                {t('pica.staff.requests.decline')}
              </button>
            </div>
          </form>
        </section>
      )}
    </StaffPage>
  );
}

/** PICA-4: programme staff's queue of administrator requests and their decisions. */
export async function picaAdminRequestPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  const staff = staffActor;

  app.get('/staff/pica/requests', async (req, reply) => {
    const actor = staff(req, reply, 'pica-admins:decide');
    if (!actor) return reply;
    return sendPage(
      reply,
      <RequestsPage
        ctx={pageCtx(req, reply, { notices: NOTICES })}
        requests={await listAdminRequests(appCtx(), actor)}
      />,
    );
  });

  app.get<{ Params: { id: string } }>('/staff/pica/requests/:id', async (req, reply) => {
    const actor = staff(req, reply, 'pica-admins:decide');
    if (!actor) return reply;
    return sendPage(
      reply,
      <RequestPage
        ctx={pageCtx(req, reply, { notices: NOTICES })}
        request={await getAdminRequest(appCtx(), actor, req.params.id)}
        errors={noErrors}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/staff/pica/requests/:id/decision', async (req, reply) => {
    const actor = staff(req, reply, 'pica-admins:decide');
    if (!actor) return reply;
    const v = pick(req.body, 'decision', 'internal_reason');
    try {
      await decideAdminRequest(
        appCtx(),
        actor,
        req.params.id,
        { decision: v.decision === 'approve' ? 'approve' : 'decline', internalReason: v.internal_reason },
        requestMeta(req),
      );
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: `/staff/pica/requests/${req.params.id}` });
      return sendPage(
        reply,
        <RequestPage
          ctx={ctx}
          request={await getAdminRequest(appCtx(), actor, req.params.id)}
          errors={picaFormErrors(ctx, error)}
        />,
        422,
      );
    }
    return reply.redirect(`/staff/pica/requests/${req.params.id}?notice=decided`, 303);
  });
}
