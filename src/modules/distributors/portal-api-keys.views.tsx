import { CsrfField, ErrorSummary, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { DateTime } from '../../platform/views/page-helpers.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import type { listApiKeys } from '../accounts/index.ts';
import type { Distributor } from './distributors.service.ts';
import { PortalPage } from './portal-layout.tsx';

export type ApiKeyEntry = Awaited<ReturnType<typeof listApiKeys>>[number];

function RevokeButton({ ctx, d, apiKey }: { ctx: PageContext; d: Distributor; apiKey: ApiKeyEntry }) {
  const { t, lang } = ctx;
  if (apiKey.revokedAt) {
    return (
      <>
        {t('portal.keys.revoked_at')} <DateTime date={apiKey.revokedAt} lang={lang} />
      </>
    );
  }
  return (
    <form method="post" action={`/distributor/${d.id}/api-keys/${apiKey.id}/revoke`} class="inline-form">
      <CsrfField token={ctx.csrfToken} />
      <button type="submit" class="secondary outline">
        {t('portal.keys.revoke')}
        <span class="visually-hidden">{` ${apiKey.name}`}</span>
      </button>
    </form>
  );
}

/** the distributor's API keys; a new key's secret is shown once, on the page that created it. */
export function ApiKeysPage({
  ctx,
  d,
  keys,
  created,
  errors,
  values,
}: {
  ctx: PageContext;
  d: Distributor;
  keys: ApiKeyEntry[];
  created?: { name: string; secret: string } | undefined;
  errors: FormErrors;
  values: Record<string, string>;
}) {
  const { t, lang } = ctx;
  return (
    <PortalPage ctx={ctx} d={d} current="api-keys" title={t('portal.keys.title')}>
      <p>{t('portal.keys.intro')}</p>
      {created && (
        <section class="new-secret" aria-labelledby="new-key-heading">
          <h2 id="new-key-heading">{t('portal.keys.created_title', { name: created.name })}</h2>
          <p role="alert">
            <strong>{t('portal.keys.copy_now')}</strong>
          </p>
          <label for="new-api-key">{t('portal.keys.secret_label')}</label>
          <input
            id="new-api-key"
            type="text"
            readonly
            value={created.secret}
            autocomplete="off"
            spellcheck={false}
            data-select-on-focus
          />
        </section>
      )}
      <section aria-labelledby="create-key-heading">
        <h2 id="create-key-heading">{t('portal.keys.create_title')}</h2>
        <ErrorSummary t={t} errors={errors} />
        <form method="post" action={`/distributor/${d.id}/api-keys`} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField
            name="key_name"
            label={t('fields.key_name')}
            value={values.key_name}
            error={errors.fields.key_name}
            hint={t('portal.keys.name_hint')}
            maxLength={80}
            autocomplete="off"
          />
          <button type="submit">{t('portal.keys.create_submit')}</button>
        </form>
      </section>
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">{t('portal.keys.list_title')}</h2>
        {keys.length === 0 ? (
          <p>{t('portal.keys.none')}</p>
        ) : (
          <DataTable
            caption={t('portal.keys.list_title')}
            hideCaption
            columns={[
              t('fields.key_name'),
              t('portal.keys.prefix'),
              t('portal.keys.created_at'),
              t('portal.keys.created_by'),
              t('fields.status'),
            ]}
            rows={keys}
            row={(k) => (
              <tr>
                <td>{k.name}</td>
                <td>
                  <code>{`pp_${k.prefix}_…`}</code>
                </td>
                <td>
                  <DateTime date={k.createdAt} lang={lang} />
                </td>
                <td>{k.createdBy}</td>
                <td>
                  <RevokeButton ctx={ctx} d={d} apiKey={k} />
                </td>
              </tr>
            )}
          />
        )}
      </section>
    </PortalPage>
  );
}
