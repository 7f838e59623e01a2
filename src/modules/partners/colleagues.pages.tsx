import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestMeta, formField } from '../../platform/request-meta.ts';
import { CsrfField, noErrors, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import { signedIn } from '../../platform/views/page-helpers.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import {
  acceptInvitation,
  inviteColleague,
  listColleagues,
  previewInvitation,
  removeColleague,
  resendInvitation,
  revokeInvitation,
  setColleagueRoles,
  type Colleague,
  type Invitation,
} from './colleagues.service.ts';
import type { Partner } from './partners.service.ts';
import { PARTNER_ROLES } from './self-service.rules.ts';
import { partnerFor } from './self-service.service.ts';
import {
  Day,
  fieldValues,
  isAdmin,
  partnerPageCtx,
  SelfServicePage,
  sendPage,
  submitForm,
} from './self-service.view.tsx';

// Issue #12 item 3: colleagues, their roles and invitations; accepting an invitation.

type Params = { partnerId: string };
type ItemParams = { partnerId: string; id: string };

function ColleaguesView({
  ctx,
  partner,
  colleagues,
  invitations,
  errors = noErrors,
  values = {},
}: {
  ctx: PageContext;
  partner: Partner;
  colleagues: Colleague[];
  invitations: Invitation[];
  errors?: FormErrors;
  values?: Record<string, string>;
}) {
  const { t } = ctx;
  const admin = isAdmin(ctx, partner);
  const base = `/partner/${partner.id}`;
  return (
    <SelfServicePage
      ctx={ctx}
      partner={partner}
      section="colleagues"
      title={t('partner.colleagues.title')}
      errors={errors}
    >
      <DataTable
        caption={t('partner.colleagues.people')}
        columns={[
          t('fields.name'),
          t('fields.email'),
          t('partner.colleagues.roles'),
          ...(admin ? [t('partner.colleagues.actions')] : []),
        ]}
        rows={colleagues}
        row={(c) => (
          <tr>
            <td>{c.name}</td>
            <td>{c.email}</td>
            <td>{c.roles.map((r) => t(`roles.${r}`)).join(', ')}</td>
            {admin && (
              <td>
                <form method="post" action={`${base}/colleagues/${c.userId}/roles`}>
                  <CsrfField token={ctx.csrfToken} />
                  <fieldset>
                    <legend>{t('partner.colleagues.roles_of', { name: c.name })}</legend>
                    {PARTNER_ROLES.map((r) => (
                      <label>
                        <input type="checkbox" name="roles" value={r} checked={c.roles.includes(r)} /> {t(`roles.${r}`)}
                      </label>
                    ))}
                  </fieldset>
                  <button type="submit" class="secondary">
                    {t('partner.colleagues.save_roles')}
                    <span class="visually-hidden">{` ${c.name}`}</span>
                  </button>
                </form>
                <form method="post" action={`${base}/colleagues/${c.userId}/remove`} class="inline-form">
                  <CsrfField token={ctx.csrfToken} />
                  <button type="submit" class="secondary outline">
                    {t('partner.colleagues.remove')}
                    <span class="visually-hidden">{` ${c.name}`}</span>
                  </button>
                </form>
              </td>
            )}
          </tr>
        )}
      />
      <h2>{t('partner.colleagues.invitations')}</h2>
      {invitations.length === 0 ? (
        <p>{t('partner.colleagues.no_invitations')}</p>
      ) : (
        <DataTable
          caption={t('partner.colleagues.invitations')}
          columns={[
            t('fields.email'),
            t('fields.role'),
            t('fields.status'),
            t('partner.colleagues.expires'),
            ...(admin ? [t('partner.colleagues.actions')] : []),
          ]}
          rows={invitations}
          row={(i) => (
            <tr>
              <td>{i.email}</td>
              <td>{t(`roles.${i.role}`)}</td>
              <td>{t(`partner.colleagues.state_${i.state}`)}</td>
              <td>
                <Day ctx={ctx} date={i.expiresAt} />
              </td>
              {admin && (
                <td>
                  {(i.state === 'pending' || i.state === 'expired') &&
                    (['resend', 'revoke'] as const).map((action) => (
                      <form method="post" action={`${base}/invitations/${i.id}/${action}`} class="inline-form">
                        <CsrfField token={ctx.csrfToken} />
                        <button type="submit" class={action === 'revoke' ? 'secondary outline' : 'secondary'}>
                          {t(`partner.colleagues.${action}`)}
                          <span class="visually-hidden">{` ${i.email}`}</span>
                        </button>
                      </form>
                    ))}
                </td>
              )}
            </tr>
          )}
        />
      )}
      {admin && (
        <form method="post" action={`${base}/invitations`} novalidate>
          <h2>{t('partner.colleagues.invite')}</h2>
          <CsrfField token={ctx.csrfToken} />
          <TextField
            name="email"
            type="email"
            label={t('fields.email')}
            value={values.email}
            error={errors.fields.email}
            autocomplete="off"
          />
          <SelectField
            name="role"
            label={t('fields.role')}
            value={values.role ?? 'partner_member'}
            error={errors.fields.role}
            options={PARTNER_ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
          <button type="submit">{t('partner.colleagues.send_invitation')}</button>
        </form>
      )}
    </SelfServicePage>
  );
}

export async function colleaguePages(app: FastifyInstance): Promise<void> {
  const ctx = () => app.appContext;

  async function render(
    req: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    errors?: FormErrors,
    values?: Record<string, string>,
  ) {
    const partner = await partnerFor(ctx(), req.actor, req.params.partnerId);
    const { colleagues, invitations } = await listColleagues(ctx(), req.actor, partner.id);
    const page = partnerPageCtx(req, reply, `/partner/${partner.id}/colleagues`);
    return sendPage(
      reply,
      <ColleaguesView
        ctx={page}
        partner={partner}
        colleagues={colleagues}
        invitations={invitations}
        errors={errors}
        values={values}
      />,
      errors ? 422 : 200,
    );
  }

  /** Runs a form post's change; a refusal shows on the colleagues page, success redirects with a notice. */
  const act = (
    req: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    notice: string,
    change: () => Promise<unknown>,
    values?: Record<string, string>,
  ) =>
    submitForm(req, reply, {
      page: `/partner/${req.params.partnerId}/colleagues`,
      notice,
      change,
      refused: (errors) => render(req, reply, errors, values),
    });

  app.get<{ Params: Params }>('/partner/:partnerId/colleagues', async (req, reply) =>
    signedIn(req, reply) ? render(req, reply) : reply,
  );
  app.post<{ Params: Params }>('/partner/:partnerId/invitations', async (req, reply) => {
    const values = { email: formField(req.body, 'email'), role: formField(req.body, 'role') };
    return act(
      req,
      reply,
      'invited',
      () => inviteColleague(ctx(), req.actor, req.params.partnerId, values, requestMeta(req)),
      values,
    );
  });
  app.post<{ Params: ItemParams }>('/partner/:partnerId/invitations/:id/resend', async (req, reply) =>
    act(req, reply, 'resent', () =>
      resendInvitation(ctx(), req.actor, req.params.partnerId, req.params.id, requestMeta(req)),
    ),
  );
  app.post<{ Params: ItemParams }>('/partner/:partnerId/invitations/:id/revoke', async (req, reply) =>
    act(req, reply, 'revoked', () =>
      revokeInvitation(ctx(), req.actor, req.params.partnerId, req.params.id, requestMeta(req)),
    ),
  );
  app.post<{ Params: ItemParams }>('/partner/:partnerId/colleagues/:id/roles', async (req, reply) =>
    act(req, reply, 'roles_saved', () =>
      setColleagueRoles(
        ctx(),
        req.actor,
        req.params.partnerId,
        req.params.id,
        fieldValues(req.body, 'roles'),
        requestMeta(req),
      ),
    ),
  );
  app.post<{ Params: ItemParams }>('/partner/:partnerId/colleagues/:id/remove', async (req, reply) =>
    act(req, reply, 'removed', () =>
      removeColleague(ctx(), req.actor, req.params.partnerId, req.params.id, requestMeta(req)),
    ),
  );

  // Accepting: the link shows who invited whom to which company; joining is a POST with CSRF. The
  // secret travels as `token`, in the link's query and then in the form, never in the path, so
  // that delivered emails and request logs lose it (platform/redact.ts, decision 061).
  app.get('/partner/join', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const token = formField(req.query, 'token');
    const invitation = await previewInvitation(ctx(), req.actor, token);
    const page = partnerPageCtx(req, reply);
    const { t } = page;
    return sendPage(
      reply,
      <Layout ctx={page} title={t('partner.join.title', { company: invitation.company })}>
        <h1>{t('partner.join.title', { company: invitation.company })}</h1>
        <p>
          {t('partner.join.body', {
            inviter: invitation.inviter,
            company: invitation.company,
            role: t(`roles.${invitation.role}`),
          })}
        </p>
        <form method="post" action="/partner/join">
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="token" value={token} />
          <button type="submit">{t('partner.join.accept')}</button>
        </form>
      </Layout>,
    );
  });
  app.post('/partner/join', async (req, reply) => {
    const token = formField(req.body, 'token');
    if (!signedIn(req, reply, `/partner/join?token=${encodeURIComponent(token)}`)) return reply;
    const partnerId = await acceptInvitation(ctx(), req.actor, token, requestMeta(req));
    return reply.redirect(`/partner/${partnerId}?notice=joined`, 303);
  });
}
