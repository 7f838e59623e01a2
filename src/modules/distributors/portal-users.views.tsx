import { CsrfField, ErrorSummary, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { DISTRIBUTOR_ROLES, type DistributorUser } from './distributor-users.service.ts';
import type { Distributor } from './distributors.service.ts';
import { PortalPage } from './portal-layout.tsx';

/** The people who work for the distributor in the portal; its administrators add and remove them. */
export function UsersPage({
  ctx,
  d,
  users,
  errors,
  values,
}: {
  ctx: PageContext;
  d: Distributor;
  users: DistributorUser[];
  errors: FormErrors;
  values: Record<string, string>;
}) {
  const { t } = ctx;
  return (
    <PortalPage ctx={ctx} d={d} current="users" title={t('portal.users.title')}>
      <p>{t('portal.users.intro')}</p>
      <section aria-labelledby="add-user-heading">
        <h2 id="add-user-heading">{t('portal.users.add_title')}</h2>
        <ErrorSummary t={t} errors={errors} />
        <form method="post" action={`/distributor/${d.id}/users`} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField
            name="email"
            type="email"
            label={t('fields.email')}
            value={values.email}
            error={errors.fields.email}
            hint={t('portal.users.email_hint')}
            maxLength={254}
            autocomplete="off"
          />
          <SelectField
            name="role"
            label={t('fields.role')}
            value={values.role ?? 'distributor_user'}
            error={errors.fields.role}
            options={DISTRIBUTOR_ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
          />
          <button type="submit">{t('portal.users.add_submit')}</button>
        </form>
      </section>
      <section aria-labelledby="users-heading">
        <h2 id="users-heading">{t('portal.users.list_title')}</h2>
        {errors.general && <p role="alert">{errors.general}</p>}
        {users.length === 0 ? (
          <p>{t('portal.users.none')}</p>
        ) : (
          <DataTable
            caption={t('portal.users.list_title')}
            hideCaption
            columns={[
              t('fields.name'),
              t('fields.email'),
              t('fields.role'),
              <span class="visually-hidden">{t('portal.users.remove')}</span>,
            ]}
            rows={users}
            row={(u) => (
              <tr>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>{u.roles.map((r) => t(`roles.${r}`)).join(', ')}</td>
                <td>
                  <form method="post" action={`/distributor/${d.id}/users/${u.id}/remove`} class="inline-form">
                    <CsrfField token={ctx.csrfToken} />
                    <button type="submit" class="secondary outline">
                      {t('portal.users.remove')}
                      <span class="visually-hidden">{` ${u.name}`}</span>
                    </button>
                  </form>
                </td>
              </tr>
            )}
          />
        )}
      </section>
    </PortalPage>
  );
}
