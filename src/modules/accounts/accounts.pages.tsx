import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { isLanguage, LANGUAGE_COOKIE, LANGUAGE_NAMES, LANGUAGES } from '../../platform/i18n.ts';
import { formField, requestMeta, safeReturnPath } from '../../platform/request-meta.ts';
import {
  CsrfField,
  ErrorSummary,
  formErrors,
  noErrors,
  SelectField,
  TextField,
  type FormErrors,
} from '../../platform/views/components.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import { pageContext, type PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import * as accounts from './accounts.service.ts';
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX } from './accounts.rules.ts';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './session.ts';

const LIMITS = {
  signUp: { max: 10, timeWindow: '1 minute' },
  signIn: { max: 60, timeWindow: '1 minute' },
  mail: { max: 5, timeWindow: '1 minute' },
};

const languageOptions = LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l }));

/** Validation problems re-render the form with what was typed; anything else is the error page's. */
function asFormErrors(ctx: PageContext, error: unknown): FormErrors {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
  if (error.code === 'validation_failed') return formErrors(ctx.t, error.violations);
  return { general: ctx.t(`errors.${error.code}`, { ...error.params, defaultValue: error.message }), fields: {} };
}

function Page({ ctx, title, children }: { ctx: PageContext; title: string; children: preact.ComponentChildren }) {
  return (
    <Layout ctx={ctx} title={title}>
      <article class="narrow">
        <h1>{title}</h1>
        {children}
      </article>
    </Layout>
  );
}

function SignUpForm({ ctx, values, errors }: { ctx: PageContext; values: Record<string, string>; errors: FormErrors }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('sign_up.title')}>
      <p>{t('sign_up.intro')}</p>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action="/sign-up" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <TextField
          name="name"
          label={t('fields.name')}
          value={values.name}
          error={errors.fields.name}
          autocomplete="name"
          maxLength={NAME_MAX}
        />
        <TextField
          name="email"
          type="email"
          label={t('fields.email')}
          value={values.email}
          error={errors.fields.email}
          hint={t('hints.email')}
          autocomplete="email"
          maxLength={EMAIL_MAX}
        />
        <TextField
          name="password"
          type="password"
          label={t('fields.password')}
          error={errors.fields.password}
          hint={t('hints.password')}
          autocomplete="new-password"
          maxLength={PASSWORD_MAX}
        />
        <SelectField
          name="language"
          label={t('fields.language')}
          value={values.language ?? ctx.lang}
          error={errors.fields.language}
          options={languageOptions}
        />
        <button type="submit">{t('sign_up.submit')}</button>
      </form>
      <p>
        <a href="/sign-in">{t('sign_up.have_account')}</a>
      </p>
    </Page>
  );
}

function SignInForm({
  ctx,
  values,
  errors,
  returnTo,
}: {
  ctx: PageContext;
  values: Record<string, string>;
  errors: FormErrors;
  returnTo: string;
}) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('sign_in.title')}>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action="/sign-in" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="return_to" value={returnTo} />
        <TextField
          name="email"
          type="email"
          label={t('fields.email')}
          value={values.email}
          error={errors.fields.email}
          autocomplete="username"
          maxLength={EMAIL_MAX}
        />
        <TextField
          name="password"
          type="password"
          label={t('fields.password')}
          error={errors.fields.password}
          autocomplete="current-password"
          maxLength={PASSWORD_MAX}
        />
        <button type="submit">{t('sign_in.submit')}</button>
      </form>
      <ul class="links">
        <li>
          <a href="/forgot-password">{t('sign_in.forgot')}</a>
        </li>
        <li>
          <a href="/verify-email/resend">{t('sign_in.resend')}</a>
        </li>
        <li>
          <a href="/sign-up">{t('sign_in.no_account')}</a>
        </li>
      </ul>
    </Page>
  );
}

function EmailOnlyForm({
  ctx,
  title,
  intro,
  action,
  submit,
  values,
  errors,
  done,
}: {
  ctx: PageContext;
  title: string;
  intro?: string;
  action: string;
  submit: string;
  values: Record<string, string>;
  errors: FormErrors;
  done?: string;
}) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={title}>
      {done ? (
        <p role="status">{done}</p>
      ) : (
        <>
          {intro && <p>{intro}</p>}
          <ErrorSummary t={t} errors={errors} />
          <form method="post" action={action} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <TextField
              name="email"
              type="email"
              label={t('fields.email')}
              value={values.email}
              error={errors.fields.email}
              autocomplete="email"
              maxLength={EMAIL_MAX}
            />
            <button type="submit">{submit}</button>
          </form>
        </>
      )}
    </Page>
  );
}

function ResetForm({ ctx, token, errors }: { ctx: PageContext; token: string; errors: FormErrors }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('reset.title')}>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action="/reset-password" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="token" value={token} />
        <TextField
          name="password"
          type="password"
          label={t('fields.new_password')}
          error={errors.fields.password}
          hint={t('hints.password')}
          autocomplete="new-password"
          maxLength={PASSWORD_MAX}
        />
        <button type="submit">{t('reset.submit')}</button>
      </form>
    </Page>
  );
}

function AccountForm({
  ctx,
  values,
  errors,
}: {
  ctx: PageContext;
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t, actor } = ctx;
  if (!actor) return null;
  return (
    <Page ctx={ctx} title={t('account.title')}>
      <ErrorSummary t={t} errors={errors} />
      <p>
        {t('fields.email')}: <strong>{actor.email}</strong>
      </p>
      <form method="post" action="/account" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <TextField
          name="name"
          label={t('fields.name')}
          value={values.name}
          error={errors.fields.name}
          autocomplete="name"
          maxLength={NAME_MAX}
        />
        <SelectField
          name="language"
          label={t('fields.language')}
          value={values.language}
          error={errors.fields.language}
          options={languageOptions}
        />
        <button type="submit">{t('form.save')}</button>
      </form>
      <h2>{t('account.roles')}</h2>
      {actor.grants.length === 0 ? (
        <p>{t('account.no_roles')}</p>
      ) : (
        <ul>
          {actor.grants.map((g) => (
            <li>{t(`roles.${g.role}`)}</li>
          ))}
        </ul>
      )}
    </Page>
  );
}

function pick(body: unknown, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, formField(body, n)]));
}

function redirectToSignIn(req: FastifyRequest, reply: FastifyReply) {
  return reply.redirect(`/sign-in?return_to=${encodeURIComponent(req.url)}`, 303);
}

export async function accountsPages(app: FastifyInstance): Promise<void> {
  const ctxOf = () => app.appContext;
  const secure = () => app.appContext.config.isProduction;

  app.get('/sign-up', async (req, reply) =>
    sendPage(reply, <SignUpForm ctx={pageContext(req, reply)} values={{}} errors={noErrors} />),
  );
  app.post('/sign-up', { config: { rateLimit: LIMITS.signUp } }, async (req, reply) => {
    const values = pick(req.body, 'name', 'email', 'password', 'language');
    try {
      await accounts.signUp(
        ctxOf(),
        { name: values.name!, email: values.email!, password: values.password!, language: values.language! },
        requestMeta(req),
      );
    } catch (error) {
      const ctx = pageContext(req, reply);
      return sendPage(reply, <SignUpForm ctx={ctx} values={values} errors={asFormErrors(ctx, error)} />, 422);
    }
    if (isLanguage(values.language))
      reply.setCookie(LANGUAGE_COOKIE, values.language, { path: '/', sameSite: 'lax', maxAge: 31_536_000 });
    return reply.redirect('/verify-email/sent', 303);
  });

  app.get('/verify-email/sent', async (req, reply) => {
    const ctx = pageContext(req, reply);
    return sendPage(
      reply,
      <Page ctx={ctx} title={ctx.t('verify.sent_title')}>
        <p role="status">{ctx.t('verify.sent_body')}</p>
        <p>
          <a href="/verify-email/resend">{ctx.t('sign_in.resend')}</a>
        </p>
      </Page>,
    );
  });

  app.get('/verify-email', async (req, reply) => {
    const token = (req.query as { token?: unknown }).token;
    let ok = typeof token === 'string' && token.length > 0 && token.length < 200;
    if (ok) {
      try {
        await accounts.verifyEmail(ctxOf(), token as string, requestMeta(req));
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'token_invalid') throw error;
        ok = false;
      }
    }
    if (ok) return reply.redirect('/sign-in?notice=email_verified', 303);
    const ctx = pageContext(req, reply);
    return sendPage(
      reply,
      <Page ctx={ctx} title={ctx.t('verify.failed_title')}>
        <p>{ctx.t('verify.failed_body')}</p>
        <p>
          <a href="/verify-email/resend">{ctx.t('verify.resend_title')}</a>
        </p>
      </Page>,
      400,
    );
  });

  const resendPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors: FormErrors,
    done?: string,
  ) => {
    const ctx = pageContext(req, reply);
    return sendPage(
      reply,
      <EmailOnlyForm
        ctx={ctx}
        title={ctx.t('verify.resend_title')}
        action="/verify-email/resend"
        submit={ctx.t('verify.resend_submit')}
        values={values}
        errors={errors}
        done={done}
      />,
      Object.keys(errors.fields).length ? 422 : 200,
    );
  };
  app.get('/verify-email/resend', async (req, reply) => resendPage(req, reply, {}, noErrors));
  app.post('/verify-email/resend', { config: { rateLimit: LIMITS.mail } }, async (req, reply) => {
    const values = pick(req.body, 'email');
    if (!values.email) return resendPage(req, reply, values, formErrors(req.t, [{ field: 'email', rule: 'required' }]));
    await accounts.resendVerification(ctxOf(), values.email, requestMeta(req));
    return resendPage(req, reply, values, noErrors, req.t('verify.resend_done'));
  });

  app.get('/sign-in', async (req, reply) => {
    const returnTo = safeReturnPath((req.query as { return_to?: unknown }).return_to);
    return sendPage(
      reply,
      <SignInForm ctx={pageContext(req, reply)} values={{}} errors={noErrors} returnTo={returnTo} />,
    );
  });
  app.post('/sign-in', { config: { rateLimit: LIMITS.signIn } }, async (req, reply) => {
    const values = pick(req.body, 'email', 'password', 'return_to');
    const returnTo = safeReturnPath(values.return_to);
    const missing = [
      ...(values.email ? [] : [{ field: 'email', rule: 'required' }]),
      ...(values.password ? [] : [{ field: 'password', rule: 'required' }]),
    ];
    try {
      if (missing.length > 0) throw new AppError('validation_failed', 'Email and password are required.', 422, missing);
      const result = await accounts.signIn(
        ctxOf(),
        { email: values.email!, password: values.password! },
        requestMeta(req),
      );
      const previous = readSessionToken(req);
      if (previous) await accounts.discardSession(ctxOf(), previous);
      setSessionCookie(reply, result.sessionToken, secure());
      reply.setCookie(LANGUAGE_COOKIE, result.account.language, { path: '/', sameSite: 'lax', maxAge: 31_536_000 });
      return reply.redirect(returnTo, 303);
    } catch (error) {
      const ctx = pageContext(req, reply);
      const status = error instanceof AppError ? error.status : 500;
      return sendPage(
        reply,
        <SignInForm ctx={ctx} values={values} errors={asFormErrors(ctx, error)} returnTo={returnTo} />,
        status === 401 ? 401 : status,
      );
    }
  });

  app.post('/sign-out', async (req, reply) => {
    const token = readSessionToken(req);
    if (token) await accounts.signOut(ctxOf(), token, requestMeta(req));
    clearSessionCookie(reply, secure());
    return reply.redirect('/?notice=signed_out', 303);
  });

  const forgotPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors: FormErrors,
    done?: string,
  ) => {
    const ctx = pageContext(req, reply);
    return sendPage(
      reply,
      <EmailOnlyForm
        ctx={ctx}
        title={ctx.t('reset.request_title')}
        intro={ctx.t('reset.request_intro')}
        action="/forgot-password"
        submit={ctx.t('reset.request_submit')}
        values={values}
        errors={errors}
        done={done}
      />,
      Object.keys(errors.fields).length ? 422 : 200,
    );
  };
  app.get('/forgot-password', async (req, reply) => forgotPage(req, reply, {}, noErrors));
  app.post('/forgot-password', { config: { rateLimit: LIMITS.mail } }, async (req, reply) => {
    const values = pick(req.body, 'email');
    if (!values.email) return forgotPage(req, reply, values, formErrors(req.t, [{ field: 'email', rule: 'required' }]));
    await accounts.requestPasswordReset(ctxOf(), values.email, requestMeta(req));
    return forgotPage(req, reply, values, noErrors, req.t('reset.request_done'));
  });

  const invalidResetLink = (req: FastifyRequest, reply: FastifyReply) => {
    const ctx = pageContext(req, reply);
    return sendPage(
      reply,
      <Page ctx={ctx} title={ctx.t('reset.failed_title')}>
        <p>{ctx.t('reset.failed_body')}</p>
        <p>
          <a href="/forgot-password">{ctx.t('reset.request_title')}</a>
        </p>
      </Page>,
      400,
    );
  };
  app.get('/reset-password', async (req, reply) => {
    const token = String((req.query as { token?: unknown }).token ?? '');
    if (!token || token.length > 200 || !(await accounts.isResetTokenUsable(ctxOf(), token)))
      return invalidResetLink(req, reply);
    return sendPage(reply, <ResetForm ctx={pageContext(req, reply)} token={token} errors={noErrors} />);
  });
  app.post('/reset-password', { config: { rateLimit: LIMITS.signIn } }, async (req, reply) => {
    const { token = '', password = '' } = pick(req.body, 'token', 'password');
    try {
      await accounts.resetPassword(ctxOf(), token, password, requestMeta(req));
    } catch (error) {
      if (error instanceof AppError && error.code === 'token_invalid') return invalidResetLink(req, reply);
      const ctx = pageContext(req, reply);
      return sendPage(reply, <ResetForm ctx={ctx} token={token} errors={asFormErrors(ctx, error)} />, 422);
    }
    clearSessionCookie(reply, secure());
    return reply.redirect('/sign-in?notice=password_reset', 303);
  });

  app.get('/account', async (req, reply) => {
    if (!req.actor) return redirectToSignIn(req, reply);
    return sendPage(
      reply,
      <AccountForm
        ctx={pageContext(req, reply)}
        values={{ name: req.actor.name, language: req.actor.language }}
        errors={noErrors}
      />,
    );
  });
  app.post('/account', async (req, reply) => {
    if (!req.actor) return redirectToSignIn(req, reply);
    const values = pick(req.body, 'name', 'language');
    try {
      const updated = await accounts.updateSettings(
        ctxOf(),
        req.actor,
        { name: values.name!, language: values.language! },
        requestMeta(req),
      );
      reply.setCookie(LANGUAGE_COOKIE, updated.language, { path: '/', sameSite: 'lax', maxAge: 31_536_000 });
    } catch (error) {
      const ctx = pageContext(req, reply);
      return sendPage(reply, <AccountForm ctx={ctx} values={values} errors={asFormErrors(ctx, error)} />, 422);
    }
    return reply.redirect('/account?notice=saved', 303);
  });

  // the switcher in every page's footer. Signed in, it also becomes the saved preference.
  app.post('/language', async (req, reply) => {
    const { language, return_to } = pick(req.body, 'language', 'return_to');
    if (!isLanguage(language))
      throw new AppError('validation_failed', 'language must be one of en, es, fr, ja.', 422, [
        { field: 'language', rule: 'language_unsupported' },
      ]);
    if (req.actor) await accounts.updateLanguage(ctxOf(), req.actor, language, requestMeta(req));
    reply.setCookie(LANGUAGE_COOKIE, language, { path: '/', sameSite: 'lax', maxAge: 31_536_000 });
    return reply.redirect(safeReturnPath(return_to), 303);
  });
}
