import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestMeta, formField } from '../../platform/request-meta.ts';
import { CsrfField, noErrors, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { signedIn } from '../../platform/views/page-helpers.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import {
  accountsOfPartner,
  addAccountClaim,
  confirmAccountsReviewed,
  removeAccountClaim,
  type AccountsView,
} from './distributor-accounts.service.ts';
import type { Partner } from './partners.service.ts';
import { partnerFor } from './self-service.service.ts';
import { Day, isAdmin, partnerPageCtx, SelfServicePage, sendPage, submitForm } from './self-service.view.tsx';

// REG-2, REG-4: the partner's distributor accounts, their confirmation, and the periodic review.

type Params = { partnerId: string };
/** The distributors module names a claim's fields as at registration. */
const FIELD_NAMES = { 'distributors.distributor': 'distributor_id', 'distributors.account_number': 'account_number' };

function AccountsPage({
  ctx,
  partner,
  view,
  errors = noErrors,
  values = {},
}: {
  ctx: PageContext;
  partner: Partner;
  view: AccountsView;
  errors?: FormErrors;
  values?: Record<string, string>;
}) {
  const { t } = ctx;
  const admin = isAdmin(ctx, partner);
  const base = `/partner/${partner.id}/accounts`;
  const { standing } = view;
  return (
    <SelfServicePage ctx={ctx} partner={partner} section="accounts" title={t('partner.accounts.title')} errors={errors}>
      <p>{t('partner.accounts.intro', { months: view.maintenanceMonths })}</p>
      {standing.restricted && (
        <div role="status">
          <p>
            <strong>{t('partner.home.restricted')}</strong>
          </p>
          <ul>
            {standing.reasons.map((r) => (
              <li>{t(`partner.reasons.${r}`)}</li>
            ))}
          </ul>
        </div>
      )}
      {view.claims.length === 0 ? (
        <p>{t('partner.accounts.none')}</p>
      ) : (
        <DataTable
          caption={t('partner.accounts.caption')}
          columns={[
            t('partner.accounts.distributor'),
            t('fields.account_number'),
            t('fields.status'),
            t('partner.accounts.decided'),
            ...(admin ? [t('partner.colleagues.actions')] : []),
          ]}
          rows={view.claims}
          row={(c) => (
            <tr>
              <td>{c.distributorName}</td>
              <td>
                <code>{c.accountNumber}</code>
              </td>
              <td>{t(`partner.accounts.status_${c.status}`)}</td>
              <td>
                <Day ctx={ctx} date={c.decidedAt} />
              </td>
              {admin && (
                <td>
                  <form method="post" action={`${base}/${c.id}/remove`} class="inline-form">
                    <CsrfField token={ctx.csrfToken} />
                    <button type="submit" class="secondary outline">
                      {t('partner.accounts.remove')}
                      <span class="visually-hidden">{` ${c.distributorName} ${c.accountNumber}`}</span>
                    </button>
                  </form>
                </td>
              )}
            </tr>
          )}
        />
      )}
      <section aria-labelledby="review-title">
        <h2 id="review-title">{t('partner.accounts.review_title')}</h2>
        <p>
          {t('partner.accounts.reviewed_at')} <Day ctx={ctx} date={view.reviewedAt} />.{' '}
          {t('partner.accounts.review_due')} <Day ctx={ctx} date={standing.reviewDueAt} />.
        </p>
        {admin && (
          <form method="post" action={`${base}/review`}>
            <CsrfField token={ctx.csrfToken} />
            <button type="submit">{t('partner.accounts.confirm_review')}</button>
          </form>
        )}
      </section>
      {admin && (
        <form method="post" action={base} novalidate>
          <h2>{t('partner.accounts.add')}</h2>
          <CsrfField token={ctx.csrfToken} />
          <SelectField
            name="distributor_id"
            label={t('partner.accounts.distributor')}
            value={values.distributor_id}
            error={errors.fields.distributor_id}
            options={[
              { value: '', label: t('partner.accounts.choose') },
              ...view.distributors.map((d) => ({ value: d.id, label: d.name })),
            ]}
          />
          <TextField
            name="account_number"
            label={t('fields.account_number')}
            value={values.account_number}
            error={errors.fields.account_number}
            maxLength={64}
          />
          <button type="submit">{t('partner.accounts.add_button')}</button>
        </form>
      )}
    </SelfServicePage>
  );
}

export async function accountPages(app: FastifyInstance): Promise<void> {
  const ctx = () => app.appContext;

  async function render(
    req: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    errors?: FormErrors,
    values?: Record<string, string>,
  ) {
    const partner = await partnerFor(ctx(), req.actor, req.params.partnerId);
    const view = await accountsOfPartner(ctx(), req.actor, partner.id);
    return sendPage(
      reply,
      <AccountsPage
        ctx={partnerPageCtx(req, reply, `/partner/${partner.id}/accounts`)}
        partner={partner}
        view={view}
        errors={errors}
        values={values}
      />,
      errors ? 422 : 200,
    );
  }

  const act = (
    req: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    notice: string,
    change: () => Promise<unknown>,
    values?: Record<string, string>,
  ) =>
    submitForm(req, reply, {
      page: `/partner/${req.params.partnerId}/accounts`,
      notice,
      change,
      refused: (errors) => render(req, reply, errors, values),
      fieldNames: FIELD_NAMES,
    });

  app.get<{ Params: Params }>('/partner/:partnerId/accounts', async (req, reply) =>
    signedIn(req, reply) ? render(req, reply) : reply,
  );
  app.post<{ Params: Params }>('/partner/:partnerId/accounts', async (req, reply) => {
    const values = {
      distributor_id: formField(req.body, 'distributor_id'),
      account_number: formField(req.body, 'account_number'),
    };
    const claim = { distributorId: values.distributor_id, accountNumber: values.account_number };
    return act(
      req,
      reply,
      'claim_added',
      () => addAccountClaim(ctx(), req.actor, req.params.partnerId, claim, requestMeta(req)),
      values,
    );
  });
  app.post<{ Params: Params & { id: string } }>('/partner/:partnerId/accounts/:id/remove', async (req, reply) =>
    act(req, reply, 'claim_removed', () =>
      removeAccountClaim(ctx(), req.actor, req.params.partnerId, req.params.id, requestMeta(req)),
    ),
  );
  app.post<{ Params: Params }>('/partner/:partnerId/accounts/review', async (req, reply) =>
    act(req, reply, 'reviewed', () =>
      confirmAccountsReviewed(ctx(), req.actor, req.params.partnerId, requestMeta(req)),
    ),
  );
}
