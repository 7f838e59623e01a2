import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePermission } from '../../platform/auth.ts';
import { countryName } from '../../platform/countries.ts';
import { requestMeta, formField } from '../../platform/request-meta.ts';
import { CsrfField, noErrors, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import { asFormErrors, signedIn } from '../../platform/views/page-helpers.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import type { Partner } from './partners.service.ts';
import {
  confirmRenewal,
  flaggedLocationsForStaff,
  renewalOf,
  renewalsForStaff,
  type RenewalEntry,
  type RenewalView,
} from './renewal.service.ts';
import { RENEWAL_CONFIRMATIONS } from './self-service.rules.ts';
import { partnerFor, partnerSettings, updatePartnerSettings } from './self-service.service.ts';
import {
  Day,
  fieldValues,
  isAdmin,
  isFormProblem,
  partnerPageCtx,
  SelfServicePage,
  sendPage,
} from './self-service.view.tsx';

// Issue #12 item 6: the partner's annual renewal, and programme staff's renewals page with the
// REG-4 maintenance period setting and the REG-7 location flags.

type Params = { partnerId: string };

function RenewalPage({
  ctx,
  partner,
  view,
  errors = noErrors,
}: {
  ctx: PageContext;
  partner: Partner;
  view: RenewalView;
  errors?: FormErrors;
}) {
  const { t } = ctx;
  const open = view.state !== 'not_due' && isAdmin(ctx, partner);
  return (
    <SelfServicePage ctx={ctx} partner={partner} section="renewal" title={t('partner.renewal.title')} errors={errors}>
      <p>
        {t('partner.home.term_ends')}: <Day ctx={ctx} date={view.termEndsAt} />.{' '}
        {t(`partner.renewal.explain_${view.state}`)}
      </p>
      {open && (
        <form method="post" action={`/partner/${partner.id}/renewal`} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <fieldset>
            <legend>{t('partner.renewal.confirm_legend')}</legend>
            {RENEWAL_CONFIRMATIONS.map((c) => (
              <div class="field">
                <label>
                  <input
                    type="checkbox"
                    id={`field-confirm_${c}`}
                    name="confirmed"
                    value={c}
                    aria-invalid={errors.fields[`confirm_${c}`] ? 'true' : undefined}
                  />{' '}
                  {t(`partner.renewal.confirm_${c}`)}
                </label>
                {errors.fields[`confirm_${c}`] && <small class="field-error">{errors.fields[`confirm_${c}`]}</small>}
              </div>
            ))}
          </fieldset>
          {view.newerAgreement && (
            <fieldset>
              <legend>{t('partner.renewal.agreement_legend', { version: view.newerAgreement.version })}</legend>
              <details>
                <summary>{view.newerAgreement.title}</summary>
                <pre class="agreement-text">{view.newerAgreement.body}</pre>
              </details>
              <label>
                <input
                  type="checkbox"
                  id="field-agreement"
                  name="agreement"
                  value="accepted"
                  aria-invalid={errors.fields.agreement ? 'true' : undefined}
                />{' '}
                {t('partner.renewal.accept_agreement')}
              </label>
              {errors.fields.agreement && <small class="field-error">{errors.fields.agreement}</small>}
            </fieldset>
          )}
          <button type="submit">{t('partner.renewal.submit')}</button>
        </form>
      )}
    </SelfServicePage>
  );
}

function StaffRenewalsPage({
  ctx,
  entries,
  months,
  flagged,
  errors = noErrors,
}: {
  ctx: PageContext;
  entries: RenewalEntry[];
  months: number;
  flagged: Awaited<ReturnType<typeof flaggedLocationsForStaff>>;
  errors?: FormErrors;
}) {
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t('partner.staff.title')}>
      <p>
        <a href="/staff">{t('layout.staff_console')}</a>
      </p>
      <h1>{t('partner.staff.title')}</h1>
      {(['due', 'lapsed', 'renewed'] as const).map((state) => (
        <DataTable
          caption={t(`partner.staff.${state}`)}
          columns={[
            t('fields.company'),
            t('fields.country'),
            t('partner.home.term_ends'),
            t('partner.staff.last_renewed'),
          ]}
          rows={entries.filter((e) => e.state === state)}
          row={(e) => (
            <tr>
              <td>{e.legalName}</td>
              <td>{countryName(e.country, lang)}</td>
              <td>
                <Day ctx={ctx} date={e.termEndsAt} />
              </td>
              <td>
                <Day ctx={ctx} date={e.lastRenewedAt} />
              </td>
            </tr>
          )}
        />
      ))}
      <h2>{t('partner.staff.flagged')}</h2>
      <DataTable
        caption={t('partner.staff.flagged')}
        columns={[
          t('fields.company'),
          t('partner.locations.address'),
          t('partner.locations.flags'),
          t('partner.locations.listed'),
        ]}
        rows={flagged}
        row={(l) => (
          <tr>
            <td>{l.legalName}</td>
            <td>
              {[...l.lines, [l.postcode, l.city].filter(Boolean).join(' '), countryName(l.country, lang)].join(', ')}
            </td>
            <td>
              {l.flags
                .map(
                  (f) =>
                    `${f.rule}: ${t(`rules.${f.code}`, { label: t(`fields.${f.field}`, { defaultValue: f.field }), ...f.params, defaultValue: f.code })}`,
                )
                .join(' ')}
            </td>
            <td>{l.listed ? t('partner.home.yes') : t('partner.home.no')}</td>
          </tr>
        )}
      />
      <form method="post" action="/staff/renewals/settings" novalidate>
        <h2>{t('partner.staff.settings')}</h2>
        <CsrfField token={ctx.csrfToken} />
        <TextField
          name="maintenance_months"
          type="number"
          label={t('partner.staff.maintenance_months')}
          value={String(months)}
          error={errors.fields.maintenance_months}
          hint={t('partner.staff.maintenance_hint')}
        />
        <button type="submit">{t('partner.staff.save')}</button>
      </form>
    </Layout>
  );
}

export async function renewalPages(app: FastifyInstance): Promise<void> {
  const ctx = () => app.appContext;

  async function render(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, errors?: FormErrors) {
    const partner = await partnerFor(ctx(), req.actor, req.params.partnerId);
    const view = await renewalOf(ctx(), req.actor, partner.id);
    return sendPage(
      reply,
      <RenewalPage
        ctx={partnerPageCtx(req, reply, `/partner/${partner.id}/renewal`)}
        partner={partner}
        view={view}
        errors={errors}
      />,
      errors ? 422 : 200,
    );
  }
  app.get<{ Params: Params }>('/partner/:partnerId/renewal', async (req, reply) =>
    signedIn(req, reply) ? render(req, reply) : reply,
  );
  app.post<{ Params: Params }>('/partner/:partnerId/renewal', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    try {
      await confirmRenewal(
        ctx(),
        req.actor,
        req.params.partnerId,
        {
          confirmed: fieldValues(req.body, 'confirmed'),
          agreementAccepted: formField(req.body, 'agreement') === 'accepted',
        },
        requestMeta(req),
      );
    } catch (error) {
      if (!isFormProblem(error)) throw error;
      return render(req, reply, asFormErrors(partnerPageCtx(req, reply), error));
    }
    return reply.redirect(`/partner/${req.params.partnerId}?notice=renewed`, 303);
  });

  async function renderStaff(req: FastifyRequest, reply: FastifyReply, errors?: FormErrors) {
    const [entries, settings, flagged] = [
      await renewalsForStaff(ctx(), req.actor),
      await partnerSettings(ctx().db),
      await flaggedLocationsForStaff(ctx(), req.actor),
    ];
    return sendPage(
      reply,
      <StaffRenewalsPage
        ctx={partnerPageCtx(req, reply, '/staff/renewals')}
        entries={entries}
        months={settings.maintenanceMonths}
        flagged={flagged}
        errors={errors}
      />,
      errors ? 422 : 200,
    );
  }
  app.get('/staff/renewals', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    requirePermission(req.actor, 'applications:review');
    return renderStaff(req, reply);
  });
  app.post('/staff/renewals/settings', async (req, reply) => {
    if (!signedIn(req, reply, '/staff/renewals')) return reply;
    try {
      await updatePartnerSettings(
        ctx(),
        req.actor,
        { maintenanceMonths: Number(formField(req.body, 'maintenance_months')) },
        requestMeta(req),
      );
    } catch (error) {
      if (!isFormProblem(error)) throw error;
      return renderStaff(req, reply, asFormErrors(partnerPageCtx(req, reply), error));
    }
    return reply.redirect('/staff/renewals?notice=settings_saved', 303);
  });
}
