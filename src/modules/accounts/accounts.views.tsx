// The account screens (sign-up, sign-in, the email-only forms, password reset, the account page);
// the routes that answer with them are in accounts.pages.tsx.
import { LANGUAGE_NAMES, LANGUAGES } from '../../platform/i18n.ts';
import { CsrfField, ErrorSummary, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import { type PageContext } from '../../platform/views/page-context.ts';
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX } from './accounts.rules.ts';

const languageOptions = LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l }));

export function Page({
  ctx,
  title,
  children,
}: {
  ctx: PageContext;
  title: string;
  children: preact.ComponentChildren;
}) {
  return (
    <Layout ctx={ctx} title={title}>
      <article class="narrow">
        <h1>{title}</h1>
        {children}
      </article>
    </Layout>
  );
}

export function SignUpForm({
  ctx,
  values,
  errors,
}: {
  ctx: PageContext;
  values: Record<string, string>;
  errors: FormErrors;
}) {
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

export function SignInForm({
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

export function EmailOnlyForm({
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

export function ResetForm({ ctx, token, errors }: { ctx: PageContext; token: string; errors: FormErrors }) {
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

export function AccountForm({
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
