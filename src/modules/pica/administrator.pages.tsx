import type { FastifyInstance } from 'fastify';
import { formatDate } from '../../platform/dates.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import {
  CsrfField,
  ErrorSummary,
  noErrors,
  SelectField,
  TextField,
  type FormErrors,
} from '../../platform/views/components.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { pageCtx, pick, signedIn, TextArea } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { adminStanding, requestAdministrator, type AdminStanding } from './administrators.service.ts';
import { PicaPage, picaFormErrors, StateBadge } from './views.tsx';

const NOTICES = { requested: 'pica.administrator.requested' };

function Landing({ ctx, standings }: { ctx: PageContext; standings: AdminStanding[] }) {
  const { t } = ctx;
  return (
    <PicaPage ctx={ctx} title={t('pica.landing.title')}>
      <p>{t('pica.landing.intro', { vendor: ctx.vendor })}</p>
      <h2>{t('pica.landing.rules_title')}</h2>
      <ul>
        <li>{t('pica.landing.rule_contract')}</li>
        <li>{t('pica.landing.rule_admin')}</li>
      </ul>
      <div class="grid">
        <section aria-labelledby="for-partners">
          <h2 id="for-partners">{t('pica.landing.partners_title')}</h2>
          <p>{t('pica.landing.partners_body')}</p>
          {standings.some((s) => s.isAdministrator) ? (
            <p>
              <a href="/pica/admin" role="button">
                {t('pica.landing.admin_tool')}
              </a>
            </p>
          ) : (
            <p>
              <a href="/pica/administrator" role="button">
                {t('pica.administrator.link')}
              </a>
            </p>
          )}
        </section>
        <section aria-labelledby="for-customers">
          <h2 id="for-customers">{t('pica.landing.customers_title')}</h2>
          <p>{t('pica.landing.customers_body')}</p>
          <p>
            <a href="/pica/register" role="button" class="secondary">
              {t('pica.register.link')}
            </a>
          </p>
          {ctx.actor && (
            <p>
              <a href="/pica/access">{t('pica.access.title')}</a>
            </p>
          )}
        </section>
      </div>
    </PicaPage>
  );
}

function AdministratorForm({
  ctx,
  standings,
  values,
  errors,
}: {
  ctx: PageContext;
  standings: AdminStanding[];
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t, lang } = ctx;
  const eligible = standings.filter((s) => s.partner.gaps.length === 0 && !s.isAdministrator);
  return (
    <PicaPage ctx={ctx} title={t('pica.administrator.title')}>
      <p>{t('pica.administrator.intro')}</p>
      <h2>{t('pica.administrator.prerequisites')}</h2>
      <ul>
        <li>{t('pica.administrator.prereq_account')}</li>
        <li>{t('pica.administrator.prereq_own_brand')}</li>
      </ul>
      {standings.length === 0 && <p role="alert">{t('pica.administrator.not_partner')}</p>}
      {standings.map((s) => (
        <section aria-label={s.partner.legalName}>
          <h2>{s.partner.legalName}</h2>
          {s.isAdministrator ? (
            <p>
              {t('pica.administrator.already')} <a href="/pica/admin">{t('pica.landing.admin_tool')}</a>
            </p>
          ) : s.partner.gaps.length > 0 ? (
            <>
              <p>{t('pica.administrator.not_eligible')}</p>
              <ul>
                {s.partner.gaps.map((g) => (
                  <li>{t(`pica.gaps.${g}`)}</li>
                ))}
              </ul>
            </>
          ) : null}
          {s.requests.length > 0 && (
            <ul>
              {s.requests.map((r) => (
                <li>
                  {t('pica.administrator.request_line', { date: formatDate(r.createdAt, lang) })}{' '}
                  <StateBadge ctx={ctx} state={r.status} />
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      {standings.length > 0 && !standings[0]!.emailVerified && (
        <p role="alert">{t('pica.administrator.verify_first')}</p>
      )}
      {eligible.length > 0 && (
        <section aria-labelledby="admin-form">
          <h2 id="admin-form">{t('pica.administrator.form_title')}</h2>
          <ErrorSummary t={t} errors={errors} />
          <form method="post" action="/pica/administrator" novalidate>
            <CsrfField token={ctx.csrfToken} />
            {eligible.length > 1 ? (
              <SelectField
                name="partner_id"
                label={t('pica.fields.partner')}
                value={values.partner_id}
                error={errors.fields.partner_id}
                options={eligible.map((s) => ({ value: s.partner.partnerId, label: s.partner.legalName }))}
              />
            ) : (
              <input type="hidden" name="partner_id" value={eligible[0]!.partner.partnerId} />
            )}
            <TextField
              name="job_title"
              label={t('pica.fields.job_title')}
              value={values.job_title}
              error={errors.fields.job_title}
              maxLength={120}
              autocomplete="organization-title"
            />
            <TextArea
              name="contract_numbers"
              label={t('pica.fields.contract_numbers')}
              value={values.contract_numbers}
              error={errors.fields.contract_numbers}
              hint={t('pica.administrator.numbers_hint')}
              maxLength={4000}
              rows={5}
            />
            <button type="submit">{t('pica.submit')}</button>
          </form>
        </section>
      )}
    </PicaPage>
  );
}

/** PICA-2…PICA-4: the PICA landing page and "Register to be a PICA administrator". */
export async function picaAdministratorPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;

  app.get('/pica', async (req, reply) => {
    const standings = req.actor ? await adminStanding(appCtx(), req.actor) : [];
    return sendPage(reply, <Landing ctx={pageCtx(req, reply)} standings={standings} />);
  });

  app.get('/pica/administrator', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    return sendPage(
      reply,
      <AdministratorForm
        ctx={pageCtx(req, reply, { notices: NOTICES })}
        standings={await adminStanding(appCtx(), actor)}
        values={{}}
        errors={noErrors}
      />,
    );
  });

  app.post('/pica/administrator', async (req, reply) => {
    const actor = signedIn(req, reply, '/pica/administrator');
    if (!actor) return reply;
    const v = pick(req.body, 'partner_id', 'job_title', 'contract_numbers');
    try {
      await requestAdministrator(
        appCtx(),
        actor,
        { partnerId: v.partner_id!, jobTitle: v.job_title!, contractNumbers: v.contract_numbers! },
        requestMeta(req),
      );
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: '/pica/administrator' });
      return sendPage(
        reply,
        <AdministratorForm
          ctx={ctx}
          standings={await adminStanding(appCtx(), actor)}
          values={v}
          errors={picaFormErrors(ctx, error)}
        />,
        422,
      );
    }
    return reply.redirect('/pica/administrator?notice=requested', 303);
  });
}
