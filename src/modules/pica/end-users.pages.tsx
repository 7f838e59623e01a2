import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LANGUAGE_NAMES, LANGUAGES } from '../../platform/i18n.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import {
  CsrfField,
  ErrorSummary,
  noErrors,
  SelectField,
  TextField,
  type FormErrors,
} from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { DateTime, pageCtx, pick, signedIn } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import {
  confirmRegistration,
  findDraft,
  resendForDraft,
  startRegistration,
  submitDetails,
  type Draft,
} from './end-users.service.ts';
import { myAccess, requestTool, setToolAccess, type Access } from './entitlements.service.ts';
import { PicaPage, picaErrorText, picaFormErrors, StateBadge } from './views.tsx';
import { AppError } from '../../platform/errors.ts';

const DRAFT_COOKIE = 'pp_pica_draft';
const NOTICES = {
  resent: 'pica.register.resent',
  tool_changed: 'pica.access.tool_changed',
  requested: 'pica.access.requested',
};
const languageOptions = LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l }));

/** PICA-6 steps 1–4: "Your information", "Register for additional access", number and key. */
function RegisterForm({
  ctx,
  values,
  errors,
}: {
  ctx: PageContext;
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t, actor } = ctx;
  return (
    <PicaPage ctx={ctx} title={t('pica.register.title')}>
      <p>{t('pica.register.intro')}</p>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action="/pica/register" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <fieldset>
          <legend>
            <h2>{t('pica.register.your_information')}</h2>
          </legend>
          {actor ? (
            <p>{t('pica.register.signed_in', { email: actor.email })}</p>
          ) : (
            <>
              <p>
                {t('pica.register.have_account')}{' '}
                <a href="/sign-in?return_to=%2Fpica%2Fregister">{t('pica.register.sign_in_first')}</a>
              </p>
              <TextField
                name="name"
                label={t('fields.name')}
                value={values.name}
                error={errors.fields.name}
                autocomplete="name"
                maxLength={120}
              />
              <TextField
                name="email"
                type="email"
                label={t('fields.email')}
                value={values.email}
                error={errors.fields.email}
                autocomplete="email"
                maxLength={254}
              />
              <TextField
                name="password"
                type="password"
                label={t('fields.password')}
                error={errors.fields.password}
                hint={t('pica.register.password_hint')}
                autocomplete="new-password"
                maxLength={256}
              />
              <SelectField
                name="language"
                label={t('pica.fields.language')}
                value={values.language ?? ctx.lang}
                error={errors.fields.language}
                options={languageOptions}
              />
            </>
          )}
        </fieldset>
        <fieldset
          id="field-access_type"
          aria-describedby={errors.fields.access_type ? 'field-access_type-error' : undefined}
        >
          <legend>
            <h2>{t('pica.register.additional_access')}</h2>
          </legend>
          <label>
            <input
              type="radio"
              name="access_type"
              value="pica_customer"
              checked={values.access_type === 'pica_customer'}
            />{' '}
            {t('pica.register.customer_option', { vendor: ctx.vendor })}
          </label>
          {errors.fields.access_type && (
            <small id="field-access_type-error" class="field-error">
              {errors.fields.access_type}
            </small>
          )}
          <TextField
            name="registration_number"
            label={t('pica.fields.registration_number')}
            value={values.registration_number}
            error={errors.fields.registration_number}
            hint={t('pica.register.number_hint')}
            autocomplete="off"
            maxLength={40}
          />
          <TextField
            name="verification_key"
            label={t('pica.fields.verification_key')}
            value={values.verification_key}
            error={errors.fields.verification_key}
            hint={t('pica.register.key_hint')}
            autocomplete="off"
            maxLength={60}
          />
        </fieldset>
        <button type="submit">{t('pica.submit')}</button>
      </form>
    </PicaPage>
  );
}

/** PICA-6 step 5, PICA-7: additional information. */
function DetailsForm({
  ctx,
  draft,
  values,
  errors,
}: {
  ctx: PageContext;
  draft: Draft;
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t } = ctx;
  return (
    <PicaPage ctx={ctx} title={t('pica.register.details_title')}>
      <p>{t('pica.register.details_intro', { partner: draft.partnerName })}</p>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action="/pica/register/details" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <dl>
          <dt>{t('pica.fields.company')}</dt>
          <dd>{draft.customerName}</dd>
          <dt>{t('fields.email')}</dt>
          <dd>{draft.email}</dd>
        </dl>
        <TextField
          name="job_title"
          label={t('pica.fields.job_title')}
          value={values.job_title ?? draft.jobTitle ?? ''}
          error={errors.fields.job_title}
          autocomplete="organization-title"
          maxLength={120}
        />
        {!draft.domainMatches && (
          <div class="field" id="field-attest_employment">
            <p>{t('pica.register.domain_mismatch', { company: draft.customerName })}</p>
            <label>
              <input
                type="checkbox"
                name="attest_employment"
                value="yes"
                checked={values.attest_employment === 'yes'}
                aria-invalid={errors.fields.attest_employment ? 'true' : undefined}
              />{' '}
              {t('pica.fields.attest_employment', { company: draft.customerName })}
            </label>
            {errors.fields.attest_employment && <small class="field-error">{errors.fields.attest_employment}</small>}
          </div>
        )}
        <button type="submit">{t('pica.submit')}</button>
      </form>
    </PicaPage>
  );
}

function SentPage({ ctx, email }: { ctx: PageContext; email: string }) {
  const { t } = ctx;
  return (
    <PicaPage ctx={ctx} title={t('pica.register.sent_title')}>
      <p role="status">{t('pica.register.sent_body', { email, vendor: ctx.vendor })}</p>
      <p>
        {t('pica.register.sent_help')} <a href={`mailto:${ctx.help}`}>{ctx.help}</a>
      </p>
      <form method="post" action="/pica/register/resend">
        <CsrfField token={ctx.csrfToken} />
        <button type="submit" class="secondary">
          {t('pica.register.resend')}
        </button>
      </form>
    </PicaPage>
  );
}

function AccessPage({ ctx, access, error }: { ctx: PageContext; access: Access[]; error?: string | undefined }) {
  const { t, lang } = ctx;
  return (
    <PicaPage ctx={ctx} title={t('pica.access.title')}>
      <p>{t('pica.access.intro')}</p>
      <ErrorSummary t={t} errors={{ general: error, fields: {} }} />
      {access.length === 0 && (
        <p>
          {t('pica.access.none')} <a href="/pica/register">{t('pica.register.link')}</a>
        </p>
      )}
      {access.map((a) => (
        <section aria-labelledby={`access-${a.id}`}>
          <h2 id={`access-${a.id}`}>{t('pica.access.for', { company: a.customerName, partner: a.partnerName })}</h2>
          <p>
            <StateBadge ctx={ctx} state={a.status} />{' '}
            {a.endReason && t(`pica.end_reason.${a.endReason}`, { defaultValue: '' })} · {t('pica.fields.changed_at')}:{' '}
            <DateTime date={a.changedAt} lang={lang} />
          </p>
          <DataTable
            caption={t('pica.access.tools_caption')}
            columns={[t('pica.fields.tool'), t('pica.fields.status'), t('pica.access.change')]}
            rows={a.tools}
            row={(x) => (
              <tr>
                <td>{t(`pica.tools.${x.tool}`)}</td>
                <td>{x.enabled ? t('pica.on') : t('pica.off')}</td>
                <td>
                  {a.status === 'active' && (
                    <form method="post" action={`/pica/access/${a.id}/tools/${x.tool}`} class="inline-form">
                      <CsrfField token={ctx.csrfToken} />
                      <input type="hidden" name="enabled" value={x.enabled ? 'no' : 'yes'} />
                      <button type="submit" class="secondary">
                        {x.enabled ? t('pica.access.turn_off') : t('pica.access.turn_on')}
                        <span class="visually-hidden">{` ${t(`pica.tools.${x.tool}`)}`}</span>
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            )}
          />
          {a.requests.length > 0 && (
            <ul>
              {a.requests.map((r) => (
                <li>
                  {t(`pica.tools.${r.tool}`)} <StateBadge ctx={ctx} state={`request_${r.status}`} />
                </li>
              ))}
            </ul>
          )}
          {a.status === 'active' && a.requestable.length > 0 && (
            <form method="post" action={`/pica/access/${a.id}/requests`} class="inline-form">
              <CsrfField token={ctx.csrfToken} />
              <label for={`request-tool-${a.id}`}>{t('pica.access.request_label')}</label>
              <select id={`request-tool-${a.id}`} name="tool">
                {a.requestable.map((tool) => (
                  <option value={tool}>{t(`pica.tools.${tool}`)}</option>
                ))}
              </select>
              <button type="submit">{t('pica.access.request')}</button>
            </form>
          )}
        </section>
      ))}
    </PicaPage>
  );
}

/** PICA-6…PICA-8: end-user registration, confirmation and tool access. */
export async function picaEndUserPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  const draftOf = (req: FastifyRequest) => req.cookies[DRAFT_COOKIE] ?? '';
  const secure = appCtx().config.isProduction;

  app.get('/pica/register', async (req, reply) =>
    sendPage(
      reply,
      <RegisterForm ctx={pageCtx(req, reply)} values={{ access_type: 'pica_customer' }} errors={noErrors} />,
    ),
  );

  app.post('/pica/register', { config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (req, reply) => {
    const v = pick(
      req.body,
      'name',
      'email',
      'password',
      'language',
      'access_type',
      'registration_number',
      'verification_key',
    );
    try {
      const { draft } = await startRegistration(
        appCtx(),
        req.actor,
        {
          you: { name: v.name!, email: v.email!, password: v.password!, language: v.language! },
          accessType: v.access_type!,
          registrationNumber: v.registration_number!,
          verificationKey: v.verification_key!,
        },
        requestMeta(req),
      );
      reply.setCookie(DRAFT_COOKIE, draft, {
        path: '/pica/register',
        httpOnly: true,
        sameSite: 'lax',
        secure,
        maxAge: 7 * 86_400,
      });
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: '/pica/register' });
      const status =
        error instanceof AppError && error.status < 500 ? (error.status === 400 ? 422 : error.status) : 500;
      return sendPage(
        reply,
        <RegisterForm ctx={ctx} values={{ ...v, password: '' }} errors={picaFormErrors(ctx, error)} />,
        status,
      );
    }
    return reply.redirect('/pica/register/details', 303);
  });

  const needDraft = async (req: FastifyRequest, reply: FastifyReply) => {
    const draft = await findDraft(appCtx(), draftOf(req));
    if (!draft) void reply.redirect('/pica/register', 303);
    return draft;
  };

  app.get('/pica/register/details', async (req, reply) => {
    const draft = await needDraft(req, reply);
    if (!draft) return reply;
    return sendPage(reply, <DetailsForm ctx={pageCtx(req, reply)} draft={draft} values={{}} errors={noErrors} />);
  });

  app.post('/pica/register/details', async (req, reply) => {
    const draft = await needDraft(req, reply);
    if (!draft) return reply;
    const v = pick(req.body, 'job_title', 'attest_employment');
    try {
      await submitDetails(
        appCtx(),
        draftOf(req),
        { jobTitle: v.job_title!, attestEmployment: v.attest_employment === 'yes' },
        requestMeta(req),
      );
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: '/pica/register/details' });
      return sendPage(
        reply,
        <DetailsForm ctx={ctx} draft={draft} values={v} errors={picaFormErrors(ctx, error)} />,
        422,
      );
    }
    return reply.redirect('/pica/register/sent', 303);
  });

  app.get('/pica/register/sent', async (req, reply) => {
    const draft = await needDraft(req, reply);
    if (!draft) return reply;
    return sendPage(reply, <SentPage ctx={pageCtx(req, reply, { notices: NOTICES })} email={draft.email} />);
  });

  app.post(
    '/pica/register/resend',
    { config: { rateLimit: { max: 5, timeWindow: '1 minute' } } },
    async (req, reply) => {
      await resendForDraft(appCtx(), draftOf(req), requestMeta(req));
      return reply.redirect('/pica/register/sent?notice=resent', 303);
    },
  );

  app.get('/pica/register/confirm', async (req, reply) => {
    const token = (req.query as { token?: unknown }).token;
    const ctx = pageCtx(req, reply);
    try {
      const result = await confirmRegistration(
        appCtx(),
        typeof token === 'string' ? token.slice(0, 200) : '',
        requestMeta(req),
      );
      reply.clearCookie(DRAFT_COOKIE, { path: '/pica/register' });
      return sendPage(
        reply,
        <PicaPage ctx={ctx} title={ctx.t('pica.register.done_title')}>
          <p role="status">{ctx.t('pica.register.done_body', { email: result.email })}</p>
          <p>
            {req.actor ? (
              <a href="/pica/access">{ctx.t('pica.access.title')}</a>
            ) : (
              <a href={`/sign-in?return_to=${encodeURIComponent('/pica/access')}`}>
                {ctx.t('pica.register.sign_in_now')}
              </a>
            )}
          </p>
        </PicaPage>,
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return sendPage(
        reply,
        <PicaPage ctx={ctx} title={ctx.t('pica.register.link_failed_title')}>
          <p role="alert">{picaErrorText(ctx, error)}</p>
          <p>
            <a href="/pica/register/sent">{ctx.t('pica.register.resend')}</a>
          </p>
        </PicaPage>,
        error.status,
      );
    }
  });

  app.get('/pica/access', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    return sendPage(
      reply,
      <AccessPage ctx={pageCtx(req, reply, { notices: NOTICES })} access={await myAccess(appCtx(), actor)} />,
    );
  });

  app.post<{ Params: { id: string; tool: string } }>('/pica/access/:id/tools/:tool', async (req, reply) => {
    const actor = signedIn(req, reply, '/pica/access');
    if (!actor) return reply;
    await setToolAccess(
      appCtx(),
      actor,
      req.params.id,
      req.params.tool,
      pick(req.body, 'enabled').enabled === 'yes',
      requestMeta(req),
    );
    return reply.redirect('/pica/access?notice=tool_changed', 303);
  });

  app.post<{ Params: { id: string } }>('/pica/access/:id/requests', async (req, reply) => {
    const actor = signedIn(req, reply, '/pica/access');
    if (!actor) return reply;
    try {
      await requestTool(appCtx(), actor, req.params.id, { tool: pick(req.body, 'tool').tool! }, requestMeta(req));
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      const ctx = pageCtx(req, reply, { path: '/pica/access' });
      return sendPage(
        reply,
        <AccessPage ctx={ctx} access={await myAccess(appCtx(), actor)} error={picaErrorText(ctx, error)} />,
        error.status,
      );
    }
    return reply.redirect('/pica/access?notice=requested', 303);
  });
}
