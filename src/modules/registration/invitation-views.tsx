import { CsrfField, ErrorSummary, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { FIELD_MAX } from './registration.forms.ts';
import type { ApplicationView, InvitationView } from './registration.service.ts';

// REG-1: a preparer without signature authority invites a colleague who has it. The colleague
// follows the emailed link to a page that names the application and who invited them; only a
// deliberate "Join" (a form post with its CSRF token) adds them, so a link planted elsewhere
// cannot make anyone a member of an application.

/** The invitation form and the people already working on the application (the summary page). */
export function InviteSection({
  ctx,
  application,
  email,
  errors,
}: {
  ctx: PageContext;
  application: ApplicationView;
  email: string;
  errors: FormErrors;
}) {
  const { t } = ctx;
  return (
    <section class="invite" aria-labelledby="invite-title">
      <h2 id="invite-title">{t('registration.invite_title')}</h2>
      <p>{t('registration.invite_intro')}</p>
      {/* The page's main summary is about signing; the invitation's problem stays next to its form. */}
      <ErrorSummary t={t} errors={errors} titleId="invite-error-title" level={3} />
      <form method="post" action={`/apply/${application.id}/invite`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <TextField
          name="email"
          field="invite.email"
          type="email"
          label={t('fields.invite.email')}
          value={email}
          error={errors.fields['invite.email']}
          autocomplete="off"
          maxLength={FIELD_MAX.email}
        />
        <button type="submit" class="secondary">
          {t('registration.invite_submit')}
        </button>
      </form>
      {application.members.length > 0 && (
        <>
          <h3>{t('registration.members_title')}</h3>
          <ul>
            {application.members.map((m) => (
              <li>
                {t('registration.member', {
                  name: m.name,
                  email: m.email,
                  role: t(`registration.member_role.${m.role}`),
                })}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** What the invited colleague confirms before joining (GET shows it; nothing changes yet). */
export function JoinPage({ ctx, invitation, token }: { ctx: PageContext; invitation: InvitationView; token: string }) {
  const { t } = ctx;
  const params = {
    inviter: invitation.inviter,
    reference: invitation.reference,
    company: invitation.company ?? invitation.reference,
  };
  return (
    <Layout ctx={ctx} title={t('apply.join_title')}>
      <h1>{t('apply.join_title')}</h1>
      <p>{t('apply.join_intro', params)}</p>
      <p>{t('apply.join_consequence')}</p>
      <form method="post" action="/apply/join">
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="token" value={token} />
        <button type="submit">{t('apply.join_submit')}</button>
      </form>
      <p>
        <a href="/apply">{t('registration.back_to_list')}</a>
      </p>
    </Layout>
  );
}

/** Why the link cannot be used by this account (wrong, used or expired link; another address; unconfirmed address). */
export function JoinRefusedPage({
  ctx,
  reason,
}: {
  ctx: PageContext;
  reason: 'token_invalid' | 'invitation_not_for_you' | 'email_not_verified';
}) {
  const { t } = ctx;
  const title = reason === 'token_invalid' ? t('registration.join_failed_title') : t('apply.join_refused_title');
  const body = reason === 'token_invalid' ? t('registration.join_failed_body') : t(`apply.join_${reason}`);
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p role="alert">{body}</p>
      <p>
        <a href="/apply">{t('registration.back_to_list')}</a>
      </p>
    </Layout>
  );
}
