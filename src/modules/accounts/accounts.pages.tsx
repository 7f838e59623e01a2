import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { isLanguage, LANGUAGE_COOKIE } from '../../platform/i18n.ts';
import { formField, requestMeta, safeReturnPath } from '../../platform/request-meta.ts';
import { formErrors, noErrors, type FormErrors } from '../../platform/views/components.tsx';
import { pageContext, type PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import * as accounts from './accounts.service.ts';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './session.ts';
import { Page, SignUpForm, SignInForm, EmailOnlyForm, ResetForm, AccountForm } from './accounts.views.tsx';

const LIMITS = {
  signUp: { max: 10, timeWindow: '1 minute' },
  signIn: { max: 60, timeWindow: '1 minute' },
  mail: { max: 5, timeWindow: '1 minute' },
};

/** Validation problems re-render the form with what was typed; anything else is the error page's. */
function asFormErrors(ctx: PageContext, error: unknown): FormErrors {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
  if (error.code === 'validation_failed') return formErrors(ctx.t, error.violations);
  return { general: ctx.t(`errors.${error.code}`, { ...error.params, defaultValue: error.message }), fields: {} };
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
