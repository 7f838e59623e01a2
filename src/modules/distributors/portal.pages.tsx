import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Actor } from '../../platform/auth.ts';
import type { RequestMeta } from '../../platform/context.ts';
import { countryName } from '../../platform/countries.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { CsrfField, ErrorSummary, formErrors, noErrors, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../accounts/index.ts';
import { distributorsOfActor, requireDistributorAccess } from './access.ts';
import { ACCOUNT_LIST_COLUMNS, accountListSize, checkAccountListFile, claimsConfirmedByUpload, getUpload, listUploads, processAccountList, startAccountListUpload } from './account-lists.service.ts';
import { decideClaim, listClaims, onboardingQueue, releasedResellerInfo, type Claim } from './claims.service.ts';
import { toDistributor, type Distributor } from './distributors.service.ts';
import { addDistributorUser, DISTRIBUTOR_ROLES, listDistributorUsers, removeDistributorUser, type DistributorUser } from './distributor-users.service.ts';
import { asFormErrors, DateTime, errorText, FileField, pageCtx, pick, signedIn } from '../../platform/views/page-helpers.tsx';
import { isUuid } from '../../platform/ids.ts';
import { ProblemsTable } from '../../platform/views/problems-table.tsx';
import { acceptFileUploads, keepUpload, uploadedFile, type SavedUpload } from '../../platform/upload-form.ts';

const NOTICES = { confirmed: 'portal.claims.confirmed', rejected: 'portal.claims.rejected', key_revoked: 'portal.keys.revoked', user_added: 'portal.users.added', user_removed: 'portal.users.removed' };
/** A list of a million rows with long reseller names stays well below this. */
const MAX_LIST_BYTES = 256 * 1024 * 1024;
/** The repository returns at most this many claims per status; the page says so when it is reached. */
const CLAIMS_SHOWN = 200;

type Section = 'overview' | 'claims' | 'onboarding' | 'account-lists' | 'api-keys' | 'users';

function PortalNav({ ctx, d, current }: { ctx: PageContext; d: Distributor; current: Section }) {
  const { t } = ctx;
  const items: [Section, string, string][] = [
    ['overview', `/distributor/${d.id}`, t('portal.nav.overview')],
    ['claims', `/distributor/${d.id}/claims`, t('portal.nav.claims')],
    ['onboarding', `/distributor/${d.id}/onboarding`, t('portal.nav.onboarding')],
    ['account-lists', `/distributor/${d.id}/account-lists`, t('portal.nav.account_lists')],
  ];
  if (can(ctx.actor, 'distributor:manage', d.organisationId)) items.push(['api-keys', `/distributor/${d.id}/api-keys`, t('portal.nav.api_keys')]);
  if (can(ctx.actor, 'distributor:manage', d.organisationId) || can(ctx.actor, 'distributors:manage')) items.push(['users', `/distributor/${d.id}/users`, t('portal.nav.users')]);
  return (
    <nav aria-label={t('portal.nav.label')} class="subnav">
      <ul>
        {items.map(([section, href, label]) => (
          <li>
            <a href={href} aria-current={section === current ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function PortalPage({ ctx, d, current, title, children }: { ctx: PageContext; d: Distributor; current: Section; title: string; children: preact.ComponentChildren }) {
  return (
    <Layout ctx={ctx} title={`${title} · ${d.legalName}`}>
      <p class="eyebrow">{d.legalName}</p>
      <h1>{title}</h1>
      <PortalNav ctx={ctx} d={d} current={current} />
      {children}
    </Layout>
  );
}

function ClaimStatus({ ctx, status }: { ctx: PageContext; status: Claim['status'] }) {
  return <span class={`badge badge-${status}`}>{ctx.t(`portal.claims.status_${status}`)}</span>;
}

function ClaimsTable({ ctx, d, claims, caption, decide }: { ctx: PageContext; d: Distributor; claims: Claim[]; caption: string; decide: boolean }) {
  const { t, lang } = ctx;
  return (
    <div class="overflow-auto">
      <table class="striped">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('portal.claims.reseller')}</th>
            <th scope="col">{t('fields.country')}</th>
            <th scope="col">{t('fields.account_number')}</th>
            <th scope="col">{t('portal.claims.listed_as')}</th>
            <th scope="col">{decide ? t('portal.claims.claimed_at') : t('portal.claims.decided_at')}</th>
            <th scope="col">{decide ? t('portal.claims.decision') : t('fields.status')}</th>
          </tr>
        </thead>
        <tbody>
          {claims.map((c) => (
            <tr>
              <td>
                <a href={`/distributor/${d.id}/resellers/${c.reseller.id}`}>{c.reseller.legalName}</a>
              </td>
              <td>{countryName(c.reseller.country, lang)}</td>
              <td>
                <code>{c.accountNumber}</code>
              </td>
              <td>{c.listedName ?? t('portal.claims.not_listed')}</td>
              <td>
                <DateTime date={decide ? c.createdAt : c.decidedAt} lang={lang} />
              </td>
              <td>
                {decide ? (
                  <div class="decision">
                    {(['confirm', 'reject'] as const).map((decision) => (
                      <form method="post" action={`/distributor/${d.id}/claims/${c.id}/decision`} class="inline-form">
                        <CsrfField token={ctx.csrfToken} />
                        <input type="hidden" name="decision" value={decision} />
                        <button type="submit" class={decision === 'reject' ? 'secondary outline' : undefined}>
                          {t(`portal.claims.${decision}`)}
                          <span class="visually-hidden">{` ${t('portal.claims.account_of', { account: c.accountNumber, reseller: c.reseller.legalName })}`}</span>
                        </button>
                      </form>
                    ))}
                  </div>
                ) : (
                  <ClaimStatus ctx={ctx} status={c.status} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ClaimsPage({ ctx, d, pending, decided, error }: { ctx: PageContext; d: Distributor; pending: Claim[]; decided: Claim[]; error?: string | undefined }) {
  const { t } = ctx;
  return (
    <PortalPage ctx={ctx} d={d} current="claims" title={t('portal.claims.title')}>
      <p>{t('portal.claims.intro')}</p>
      <ErrorSummary t={t} errors={{ general: error, fields: {} }} />
      <section aria-labelledby="pending-heading">
        <h2 id="pending-heading">{t('portal.claims.pending_title', { count: pending.length })}</h2>
        {pending.length === 0 ? <p>{t('portal.claims.none_pending')}</p> : <ClaimsTable ctx={ctx} d={d} claims={pending} caption={t('portal.claims.pending_caption')} decide />}
        {pending.length >= CLAIMS_SHOWN && <p>{t('portal.claims.more', { count: CLAIMS_SHOWN })}</p>}
      </section>
      <section aria-labelledby="decided-heading">
        <h2 id="decided-heading">{t('portal.claims.decided_title')}</h2>
        {decided.length === 0 ? <p>{t('portal.claims.none_decided')}</p> : <ClaimsTable ctx={ctx} d={d} claims={decided} caption={t('portal.claims.decided_caption')} decide={false} />}
      </section>
    </PortalPage>
  );
}

type UploadRow = Awaited<ReturnType<typeof getUpload>>;

function UploadForm({ ctx, d, errors }: { ctx: PageContext; d: Distributor; errors: FormErrors }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="upload-heading">
      <h2 id="upload-heading">{t('portal.lists.upload_title')}</h2>
      <p>{t('portal.lists.upload_intro')}</p>
      <p id="list-columns">
        {t('upload.columns')} <code>{ACCOUNT_LIST_COLUMNS.join(',')}</code> {t('portal.lists.columns_hint')}
      </p>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action={`/distributor/${d.id}/account-lists`} enctype="multipart/form-data" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <FileField ctx={ctx} error={errors.fields.file} describedBy="list-columns" />
        <button type="submit">{t('portal.lists.upload_submit')}</button>
      </form>
    </section>
  );
}

function UploadsTable({ ctx, d, uploads }: { ctx: PageContext; d: Distributor; uploads: UploadRow[] }) {
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(lang);
  if (uploads.length === 0) return <p>{t('portal.lists.none')}</p>;
  return (
    <div class="overflow-auto">
      <table class="striped">
        <caption>{t('portal.lists.recent_caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('portal.lists.file')}</th>
            <th scope="col">{t('portal.lists.started')}</th>
            <th scope="col">{t('fields.status')}</th>
            <th scope="col">{t('upload.rows_read')}</th>
            <th scope="col">{t('upload.rows_written')}</th>
            <th scope="col">{t('upload.rows_rejected')}</th>
          </tr>
        </thead>
        <tbody>
          {uploads.map((u) => (
            <tr>
              <td>
                <a href={`/distributor/${d.id}/account-lists/${u.id}`}>{u.filename}</a>
              </td>
              <td>
                <DateTime date={u.created_at} lang={lang} />
              </td>
              <td>{t(`upload.status_${u.status}`)}</td>
              <td>{number.format(u.rows_read)}</td>
              <td>{number.format(u.rows_written)}</td>
              <td>{number.format(u.rows_rejected)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** REG-2: an upload's progress; public/upload-progress.js keeps it current while the rows are read. */
function UploadPage({ ctx, d, upload, claimsConfirmed }: { ctx: PageContext; d: Distributor; upload: UploadRow; claimsConfirmed: number | null }) {
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(lang);
  const processing = upload.status === 'processing';
  const counts: [string, string, number][] = [
    ['rowsRead', t('upload.rows_read'), upload.rows_read],
    ['rowsWritten', t('upload.rows_written'), upload.rows_written],
    ['rowsRejected', t('upload.rows_rejected'), upload.rows_rejected],
    ['duplicates', t('upload.duplicates'), upload.duplicates],
  ];
  const statusText =
    upload.status === 'processing'
      ? t('upload.processing', { rows: number.format(upload.rows_read) })
      : upload.status === 'done'
        ? t('upload.done', { rows: number.format(upload.rows_written) })
        : t('upload.failed');
  return (
    <PortalPage ctx={ctx} d={d} current="account-lists" title={t('portal.lists.upload_page_title')}>
      <p>
        {t('portal.lists.file')}: <strong>{upload.filename}</strong> · {t('portal.lists.started')}: <DateTime date={upload.created_at} lang={lang} />
      </p>
      <div
        class="upload-progress"
        data-upload-progress
        data-poll-url={processing ? `/api/v1/distributor/${d.id}/account-lists/${upload.id}` : undefined}
        data-processing-text={t('upload.processing', { rows: '%ROWS%' })}
      >
        <p id="upload-status" role="status" aria-live="polite" data-upload-status>
          {statusText}
        </p>
        <div data-upload-details>
          <label for="upload-progress-bar">{t('upload.progress_label')}</label>
          {processing ? <progress id="upload-progress-bar" aria-describedby="upload-status"></progress> : <progress id="upload-progress-bar" value={1} max={1} aria-describedby="upload-status"></progress>}
          <dl class="counts">
            {counts.map(([key, label, value]) => (
              <div>
                <dt>{label}</dt>
                <dd data-count={key}>{number.format(value)}</dd>
              </div>
            ))}
            {claimsConfirmed !== null && (
              <div>
                <dt>{t('upload.claims_confirmed')}</dt>
                <dd>{number.format(claimsConfirmed)}</dd>
              </div>
            )}
          </dl>
          {processing ? (
            <p>
              <a href={`/distributor/${d.id}/account-lists/${upload.id}`} data-refresh-link>
                {t('upload.refresh')}
              </a>
            </p>
          ) : (
            <>
              {upload.failure && (
                <p class="field-error" lang={lang === 'en' ? undefined : 'en'}>
                  {upload.failure}
                </p>
              )}
              <h2>{t('upload.problems_title')}</h2>
              <ProblemsTable ctx={ctx} problems={upload.problems} caption={t('upload.problems_caption')} />
              <p>
                <a href={`/distributor/${d.id}/account-lists`}>{t('portal.lists.back')}</a>
              </p>
            </>
          )}
        </div>
      </div>
      {processing && <script type="module" src="/assets/upload-progress.js"></script>}
    </PortalPage>
  );
}

function ApiKeysPage({ ctx, d, keys, created, errors, values }: { ctx: PageContext; d: Distributor; keys: Awaited<ReturnType<typeof listApiKeys>>; created?: { name: string; secret: string } | undefined; errors: FormErrors; values: Record<string, string> }) {
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
          <input id="new-api-key" type="text" readonly value={created.secret} autocomplete="off" spellcheck={false} data-select-on-focus />
        </section>
      )}
      <section aria-labelledby="create-key-heading">
        <h2 id="create-key-heading">{t('portal.keys.create_title')}</h2>
        <ErrorSummary t={t} errors={errors} />
        <form method="post" action={`/distributor/${d.id}/api-keys`} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField name="key_name" label={t('fields.key_name')} value={values.key_name} error={errors.fields.key_name} hint={t('portal.keys.name_hint')} maxLength={80} autocomplete="off" />
          <button type="submit">{t('portal.keys.create_submit')}</button>
        </form>
      </section>
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">{t('portal.keys.list_title')}</h2>
        {keys.length === 0 ? (
          <p>{t('portal.keys.none')}</p>
        ) : (
          <div class="overflow-auto">
            <table class="striped">
              <caption class="visually-hidden">{t('portal.keys.list_title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('fields.key_name')}</th>
                  <th scope="col">{t('portal.keys.prefix')}</th>
                  <th scope="col">{t('portal.keys.created_at')}</th>
                  <th scope="col">{t('portal.keys.created_by')}</th>
                  <th scope="col">{t('fields.status')}</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
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
                      {k.revokedAt ? (
                        <>
                          {t('portal.keys.revoked_at')} <DateTime date={k.revokedAt} lang={lang} />
                        </>
                      ) : (
                        <form method="post" action={`/distributor/${d.id}/api-keys/${k.id}/revoke`} class="inline-form">
                          <CsrfField token={ctx.csrfToken} />
                          <button type="submit" class="secondary outline">
                            {t('portal.keys.revoke')}
                            <span class="visually-hidden">{` ${k.name}`}</span>
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </PortalPage>
  );
}

function UsersPage({ ctx, d, users, errors, values }: { ctx: PageContext; d: Distributor; users: DistributorUser[]; errors: FormErrors; values: Record<string, string> }) {
  const { t } = ctx;
  return (
    <PortalPage ctx={ctx} d={d} current="users" title={t('portal.users.title')}>
      <p>{t('portal.users.intro')}</p>
      <section aria-labelledby="add-user-heading">
        <h2 id="add-user-heading">{t('portal.users.add_title')}</h2>
        <ErrorSummary t={t} errors={errors} />
        <form method="post" action={`/distributor/${d.id}/users`} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField name="email" type="email" label={t('fields.email')} value={values.email} error={errors.fields.email} hint={t('portal.users.email_hint')} maxLength={254} autocomplete="off" />
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
          <div class="overflow-auto">
            <table class="striped">
              <caption class="visually-hidden">{t('portal.users.list_title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('fields.name')}</th>
                  <th scope="col">{t('fields.email')}</th>
                  <th scope="col">{t('fields.role')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('portal.users.remove')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
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
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </PortalPage>
  );
}

/** REG-2, REG-3, REG-6, X-3: the pages of a distributor's own users. */
export async function distributorPortalPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  await acceptFileUploads(app, { maxBytes: MAX_LIST_BYTES });

  // Uploads keep running after their request; the server waits for them before it closes.
  const running = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...running]);
  });
  const processInBackground = (actor: Actor, distributorId: string, uploadId: string, file: SavedUpload, meta: RequestMeta) => {
    const job = processAccountList(appCtx(), actor, distributorId, uploadId, createReadStream(file.path), meta)
      .then(() => undefined)
      .catch((error: unknown) => app.log.error({ err: error, uploadId }, 'account list upload failed'))
      .finally(() => rm(file.path, { force: true }));
    running.add(job);
    void job.finally(() => running.delete(job));
  };

  /** The distributor of the page, when the signed-in actor works for it (anyone else: 404). */
  const access = async (req: FastifyRequest, reply: FastifyReply, id: string, permission: 'distributor:read' | 'claims:decide' | 'distributor:manage', returnTo?: string) => {
    const actor = signedIn(req, reply, returnTo);
    if (!actor) return undefined;
    if (!isUuid(id)) throw notFound('Distributor');
    return { actor, d: toDistributor(await requireDistributorAccess(appCtx(), actor, id, permission)) };
  };

  app.get('/distributor', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const mine = (await distributorsOfActor(appCtx(), actor)).map(toDistributor);
    if (mine.length === 0) throw forbidden('You do not work for an authorised distributor.');
    if (mine.length === 1) return reply.redirect(`/distributor/${mine[0]!.id}`, 303);
    const ctx = pageCtx(req, reply);
    const { t } = ctx;
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t('portal.choose_title')}>
        <h1>{t('portal.choose_title')}</h1>
        <ul>
          {mine.map((d) => (
            <li>
              <a href={`/distributor/${d.id}`}>{d.legalName}</a>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  app.get<{ Params: { id: string } }>('/distributor/:id', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:read');
    if (!found) return reply;
    const { actor, d } = found;
    const [pending, queue, listSize, uploads] = await Promise.all([
      listClaims(appCtx(), actor, d.id, 'pending'),
      onboardingQueue(appCtx(), actor, d.id),
      accountListSize(appCtx(), d.id),
      listUploads(appCtx(), actor, d.id),
    ]);
    const ctx = pageCtx(req, reply);
    const { t, lang } = ctx;
    const number = new Intl.NumberFormat(lang);
    const latest = uploads[0];
    return sendPage(
      reply,
      <PortalPage ctx={ctx} d={d} current="overview" title={t('portal.overview.title')}>
        <div class="grid overview">
          <article>
            <h2>{t('portal.nav.claims')}</h2>
            <p>{t('portal.overview.pending', { count: pending.length })}</p>
            <a href={`/distributor/${d.id}/claims`}>{t('portal.overview.open_claims')}</a>
          </article>
          <article>
            <h2>{t('portal.nav.onboarding')}</h2>
            <p>{t('portal.overview.onboarding', { count: queue.length })}</p>
            <a href={`/distributor/${d.id}/onboarding`}>{t('portal.overview.open_onboarding')}</a>
          </article>
          <article>
            <h2>{t('portal.nav.account_lists')}</h2>
            <p>{t('portal.overview.accounts', { count: listSize, formatted: number.format(listSize) })}</p>
            {latest && (
              <p>
                {t('portal.overview.latest_upload')} <DateTime date={latest.created_at} lang={lang} /> ({t(`upload.status_${latest.status}`)})
              </p>
            )}
            <a href={`/distributor/${d.id}/account-lists`}>{t('portal.overview.open_lists')}</a>
          </article>
        </div>
      </PortalPage>,
    );
  });

  const claimsPage = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, d: Distributor, error?: AppError) => {
    const [pending, confirmed, rejected] = await Promise.all([listClaims(appCtx(), actor, d.id, 'pending'), listClaims(appCtx(), actor, d.id, 'confirmed'), listClaims(appCtx(), actor, d.id, 'rejected')]);
    const decided = [...confirmed, ...rejected].sort((a, b) => (b.decidedAt?.getTime() ?? 0) - (a.decidedAt?.getTime() ?? 0)).slice(0, CLAIMS_SHOWN);
    const ctx = pageCtx(req, reply, { notices: NOTICES, path: `/distributor/${d.id}/claims` });
    return sendPage(reply, <ClaimsPage ctx={ctx} d={d} pending={pending} decided={decided} error={error && errorText(ctx, error)} />, error?.status ?? 200);
  };

  app.get<{ Params: { id: string } }>('/distributor/:id/claims', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:read');
    if (!found) return reply;
    return claimsPage(req, reply, found.actor, found.d);
  });

  app.post<{ Params: { id: string; claimId: string } }>('/distributor/:id/claims/:claimId/decision', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'claims:decide', `/distributor/${req.params.id}/claims`);
    if (!found) return reply;
    const { decision } = pick(req.body, 'decision');
    if (decision !== 'confirm' && decision !== 'reject') throw new AppError('bad_request', 'decision must be confirm or reject.', 400);
    try {
      await decideClaim(appCtx(), found.actor, found.d.id, req.params.claimId, decision, undefined, requestMeta(req));
    } catch (error) {
      if (error instanceof AppError && error.status === 409) return claimsPage(req, reply, found.actor, found.d, error);
      throw error;
    }
    return reply.redirect(`/distributor/${found.d.id}/claims?notice=${decision === 'confirm' ? 'confirmed' : 'rejected'}`, 303);
  });

  app.get<{ Params: { id: string; partnerId: string } }>('/distributor/:id/resellers/:partnerId', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:read');
    if (!found) return reply;
    const { d } = found;
    const info = await releasedResellerInfo(appCtx(), found.actor, d.id, req.params.partnerId);
    const ctx = pageCtx(req, reply);
    const { t, lang } = ctx;
    return sendPage(
      reply,
      <PortalPage ctx={ctx} d={d} current="claims" title={info.legalName}>
        <p>{t('portal.reseller.intro')}</p>
        <dl class="facts">
          <dt>{t('fields.country')}</dt>
          <dd>{countryName(info.country, lang)}</dd>
          <dt>{t('fields.status')}</dt>
          <dd>{t(`portal.reseller.status_${info.status}`)}</dd>
          <dt>{t('portal.reseller.contact')}</dt>
          <dd>{info.contactName ?? '—'}</dd>
          <dt>{t('fields.email')}</dt>
          <dd>{info.contactEmail ? <a href={`mailto:${info.contactEmail}`}>{info.contactEmail}</a> : '—'}</dd>
          <dt>{t('fields.phone')}</dt>
          <dd>{info.contactPhone ?? '—'}</dd>
        </dl>
        <h2>{t('portal.reseller.accounts_title')}</h2>
        {info.accounts.length === 0 ? (
          <p>{t('portal.reseller.no_accounts')}</p>
        ) : (
          <div class="overflow-auto">
            <table class="striped">
              <caption class="visually-hidden">{t('portal.reseller.accounts_title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('fields.account_number')}</th>
                  <th scope="col">{t('fields.status')}</th>
                </tr>
              </thead>
              <tbody>
                {info.accounts.map((a) => (
                  <tr>
                    <td>
                      <code>{a.accountNumber}</code>
                    </td>
                    <td>
                      <ClaimStatus ctx={ctx} status={a.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PortalPage>,
    );
  });

  app.get<{ Params: { id: string } }>('/distributor/:id/onboarding', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:read');
    if (!found) return reply;
    const { d } = found;
    const queue = await onboardingQueue(appCtx(), found.actor, d.id);
    const ctx = pageCtx(req, reply);
    const { t, lang } = ctx;
    return sendPage(
      reply,
      <PortalPage ctx={ctx} d={d} current="onboarding" title={t('portal.onboarding.title')}>
        <p>{t('portal.onboarding.intro', { vendor: ctx.vendor })}</p>
        {queue.length === 0 ? (
          <p>{t('portal.onboarding.empty')}</p>
        ) : (
          <div class="overflow-auto">
            <table class="striped">
              <caption class="visually-hidden">{t('portal.onboarding.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('portal.claims.reseller')}</th>
                  <th scope="col">{t('fields.country')}</th>
                  <th scope="col">{t('portal.onboarding.registered_at')}</th>
                  <th scope="col">{t('portal.reseller.contact')}</th>
                  <th scope="col">{t('fields.email')}</th>
                  <th scope="col">{t('fields.phone')}</th>
                </tr>
              </thead>
              <tbody>
                {queue.map((p) => (
                  <tr>
                    <td>
                      <a href={`/distributor/${d.id}/resellers/${p.partnerId}`}>{p.legalName}</a>
                    </td>
                    <td>{countryName(p.country, lang)}</td>
                    <td>
                      <DateTime date={p.registeredAt} lang={lang} />
                    </td>
                    <td>{p.contactName ?? '—'}</td>
                    <td>{p.contactEmail ? <a href={`mailto:${p.contactEmail}`}>{p.contactEmail}</a> : '—'}</td>
                    <td>{p.contactPhone ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PortalPage>,
    );
  });

  const listsPage = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, d: Distributor, errors: FormErrors, status = 200) => {
    const uploads = await listUploads(appCtx(), actor, d.id);
    const ctx = pageCtx(req, reply, { path: `/distributor/${d.id}/account-lists` });
    return sendPage(
      reply,
      <PortalPage ctx={ctx} d={d} current="account-lists" title={ctx.t('portal.lists.title')}>
        <p>{ctx.t('portal.lists.intro')}</p>
        <UploadForm ctx={ctx} d={d} errors={errors} />
        <section aria-labelledby="uploads-heading">
          <h2 id="uploads-heading">{ctx.t('portal.lists.recent_title')}</h2>
          <UploadsTable ctx={ctx} d={d} uploads={uploads} />
        </section>
      </PortalPage>,
      status,
    );
  };

  app.get<{ Params: { id: string } }>('/distributor/:id/account-lists', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:read');
    if (!found) return reply;
    return listsPage(req, reply, found.actor, found.d, noErrors);
  });

  app.post<{ Params: { id: string } }>('/distributor/:id/account-lists', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'claims:decide', `/distributor/${req.params.id}/account-lists`);
    if (!found) return reply;
    const { actor, d } = found;
    const file = uploadedFile(req, 'file');
    if (!file || file.size === 0) return listsPage(req, reply, actor, d, formErrors(req.t, [{ field: 'file', rule: file ? 'file_empty' : 'file_required' }]), 422);
    if (file.tooLarge) return listsPage(req, reply, actor, d, formErrors(req.t, [{ field: 'file', rule: 'file_too_large', params: { max: MAX_LIST_BYTES / 1024 / 1024 } }]), 413);
    try {
      await checkAccountListFile(createReadStream(file.path));
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const ctx = pageCtx(req, reply);
      return listsPage(req, reply, actor, d, { general: errorText(ctx, error, { columns: ACCOUNT_LIST_COLUMNS.join(', ') }), fields: {} }, error.status);
    }
    const meta = requestMeta(req);
    const uploadId = await startAccountListUpload(appCtx(), actor, d.id, file.filename, meta);
    keepUpload(req, file);
    processInBackground(actor, d.id, uploadId, file, meta);
    return reply.redirect(`/distributor/${d.id}/account-lists/${uploadId}`, 303);
  });

  app.get<{ Params: { id: string; uploadId: string } }>('/distributor/:id/account-lists/:uploadId', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:read');
    if (!found) return reply;
    const { actor, d } = found;
    const upload = await getUpload(appCtx(), actor, d.id, req.params.uploadId);
    const claimsConfirmed = await claimsConfirmedByUpload(appCtx(), actor, d.id, upload.id);
    return sendPage(reply, <UploadPage ctx={pageCtx(req, reply)} d={d} upload={upload} claimsConfirmed={claimsConfirmed} />);
  });

  const keysPage = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, d: Distributor, extra: { created?: { name: string; secret: string }; errors?: FormErrors; values?: Record<string, string> } = {}, status = 200) => {
    const keys = await listApiKeys(appCtx(), actor, d.organisationId);
    return sendPage(reply, <ApiKeysPage ctx={pageCtx(req, reply, { notices: NOTICES, path: `/distributor/${d.id}/api-keys` })} d={d} keys={keys} created={extra.created} errors={extra.errors ?? noErrors} values={extra.values ?? {}} />, status);
  };

  app.get<{ Params: { id: string } }>('/distributor/:id/api-keys', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:manage');
    if (!found) return reply;
    return keysPage(req, reply, found.actor, found.d);
  });

  app.post<{ Params: { id: string } }>('/distributor/:id/api-keys', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:manage', `/distributor/${req.params.id}/api-keys`);
    if (!found) return reply;
    const { actor, d } = found;
    const values = pick(req.body, 'key_name');
    try {
      const key = await createApiKey(appCtx(), actor, d.organisationId, values.key_name ?? '', requestMeta(req));
      // The secret is in this response only: it is not stored, so the page is not a redirect.
      return await keysPage(req, reply, actor, d, { created: { name: key.name, secret: key.secret } });
    } catch (error) {
      const ctx = pageCtx(req, reply);
      return keysPage(req, reply, actor, d, { errors: asFormErrors(ctx, error, { name: 'key_name' }), values }, 422);
    }
  });

  app.post<{ Params: { id: string; keyId: string } }>('/distributor/:id/api-keys/:keyId/revoke', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:manage', `/distributor/${req.params.id}/api-keys`);
    if (!found) return reply;
    if (!isUuid(req.params.keyId)) throw notFound('Active API key');
    await revokeApiKey(appCtx(), found.actor, found.d.organisationId, req.params.keyId, requestMeta(req));
    return reply.redirect(`/distributor/${found.d.id}/api-keys?notice=key_revoked`, 303);
  });

  // Who works for the distributor in the portal: its administrators (and programme staff) manage it.
  const usersPage = async (req: FastifyRequest, reply: FastifyReply, d: Distributor, extra: { errors?: FormErrors; values?: Record<string, string> } = {}, status = 200) => {
    const users = await listDistributorUsers(appCtx(), req.actor, d.id);
    return sendPage(reply, <UsersPage ctx={pageCtx(req, reply, { notices: NOTICES, path: `/distributor/${d.id}/users` })} d={d} users={users} errors={extra.errors ?? noErrors} values={extra.values ?? {}} />, status);
  };
  const userManager = async (req: FastifyRequest, reply: FastifyReply, id: string) => {
    const actor = signedIn(req, reply, `/distributor/${id}/users`);
    if (!actor) return undefined;
    if (!isUuid(id)) throw notFound('Distributor');
    await listDistributorUsers(appCtx(), actor, id);
    return { actor, d: toDistributor(await requireDistributorAccess(appCtx(), actor, id, 'distributor:read')) };
  };
  app.get<{ Params: { id: string } }>('/distributor/:id/users', async (req, reply) => {
    const found = await userManager(req, reply, req.params.id);
    if (!found) return reply;
    return usersPage(req, reply, found.d);
  });
  app.post<{ Params: { id: string } }>('/distributor/:id/users', async (req, reply) => {
    const found = await userManager(req, reply, req.params.id);
    if (!found) return reply;
    const values = pick(req.body, 'email', 'role');
    try {
      await addDistributorUser(appCtx(), found.actor, found.d.id, values.email ?? '', values.role ?? '', requestMeta(req));
    } catch (error) {
      return usersPage(req, reply, found.d, { errors: asFormErrors(pageCtx(req, reply), error), values }, 422);
    }
    return reply.redirect(`/distributor/${found.d.id}/users?notice=user_added`, 303);
  });
  app.post<{ Params: { id: string; userId: string } }>('/distributor/:id/users/:userId/remove', async (req, reply) => {
    const found = await userManager(req, reply, req.params.id);
    if (!found) return reply;
    if (!isUuid(req.params.userId)) throw notFound('User of this distributor');
    try {
      await removeDistributorUser(appCtx(), found.actor, found.d.id, req.params.userId, requestMeta(req));
    } catch (error) {
      return usersPage(req, reply, found.d, { errors: asFormErrors(pageCtx(req, reply), error) }, 409);
    }
    return reply.redirect(`/distributor/${found.d.id}/users?notice=user_removed`, 303);
  });
}
