import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth.ts';
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
import { sendPage } from '../../platform/views/render.ts';
import { asFormErrors, DateTime, pageCtx, pick, TextArea } from '../../platform/views/page-helpers.tsx';
import { LANGUAGES, type Language } from '../../platform/i18n.ts';
import {
  currentAgreementView,
  listAgreementVersions,
  publishAgreement,
  type AgreementInput,
} from '../registration/index.ts';
import { formatDate, parseDay } from '../../platform/dates.ts';
import { DataTable } from '../../platform/views/data-table.tsx';
import { DateField } from '../../platform/views/date-field.tsx';
import { ConsolePage, staffMember } from './console.tsx';

// REG-11, X-1: the Indirect Channel Partner Agreement is versioned, with its texts per language; the version in effect is the one
// applicants accept. Programme administrators publish new versions here (the API's
// POST /api/v1/staff/agreements calls the same service function).

type Current = Awaited<ReturnType<typeof currentAgreementView>>;
type Version = Awaited<ReturnType<typeof listAgreementVersions>>[number];

const NOTICES = { published: 'staff.agreements.notice_published' };
const TEXT_FIELDS = ['title', 'body', 'release_of_information', 'signature_authority'] as const;
const FIELDS = [
  'version',
  'effective_at',
  'governing_language',
  ...LANGUAGES.flatMap((l) => TEXT_FIELDS.map((f) => `texts.${l}.${f}`)),
];

/** the form's fields per language, as the service's texts (an empty language is left out by the rules). */
function textsOf(values: Record<string, string>): AgreementInput['texts'] {
  return Object.fromEntries(
    LANGUAGES.map((l) => [
      l,
      {
        title: values[`texts.${l}.title`] ?? '',
        body: values[`texts.${l}.body`] ?? '',
        releaseOfInformation: values[`texts.${l}.release_of_information`],
        signatureAuthority: values[`texts.${l}.signature_authority`],
      },
    ]),
  );
}

/** one language's texts; required only for the governing language (the rules say which). */
function LanguageFieldset({
  ctx,
  language,
  values,
  errors,
}: {
  ctx: PageContext;
  language: Language;
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t } = ctx;
  const name = (f: string) => `texts.${language}.${f}`;
  return (
    <fieldset class="agreement-language">
      <legend>{t('staff.agreements.texts_legend', { language: t(`common.language_names.${language}`) })}</legend>
      <TextField
        name={name('title')}
        label={t(`fields.${name('title')}`)}
        value={values[name('title')]}
        error={errors.fields[name('title')]}
        required={false}
        maxLength={300}
        autocomplete="off"
      />
      <TextArea
        name={name('body')}
        label={t(`fields.${name('body')}`)}
        value={values[name('body')]}
        error={errors.fields[name('body')]}
        required={false}
        rows={8}
        maxLength={500_000}
      />
      <TextArea
        name={name('release_of_information')}
        label={t(`fields.${name('release_of_information')}`)}
        value={values[name('release_of_information')]}
        error={errors.fields[name('release_of_information')]}
        hint={t('staff.agreements.statements_hint')}
        required={false}
        rows={5}
        maxLength={20_000}
      />
      <TextArea
        name={name('signature_authority')}
        label={t(`fields.${name('signature_authority')}`)}
        value={values[name('signature_authority')]}
        error={errors.fields[name('signature_authority')]}
        hint={t('staff.agreements.statements_hint')}
        required={false}
        rows={3}
        maxLength={5_000}
      />
    </fieldset>
  );
}

function AgreementsPage({
  ctx,
  current,
  versions,
  values,
  errors,
}: {
  ctx: PageContext;
  current: Current;
  versions: Version[];
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t, lang } = ctx;
  const now = Date.now();
  const state = (v: Version) =>
    current?.id === v.id ? 'current' : v.effectiveAt.getTime() > now ? 'scheduled' : 'superseded';
  return (
    <ConsolePage ctx={ctx} title={t('staff.agreements.title')} section="agreements">
      <h1>{t('staff.agreements.title')}</h1>
      <ErrorSummary t={t} errors={errors} />
      <section aria-labelledby="current-heading">
        <h2 id="current-heading">{t('staff.agreements.current_title')}</h2>
        {current ? (
          <>
            <p>
              <strong>{t('registration.agreement_heading', { title: current.title, version: current.version })}</strong>
              <br />
              {t('registration.agreement_effective', { date: formatDate(current.effectiveAt, lang) })}
            </p>
            <p>
              {t('staff.agreements.languages')}:{' '}
              {current.texts.map((x, i) => (
                <>
                  {i > 0 && ', '}
                  <a
                    href={`/agreements/${encodeURIComponent(current.version)}?lang=${x.language}`}
                    hreflang={x.language}
                  >
                    {t(`common.language_names.${x.language}`)}
                  </a>
                  {x.language === current.governingLanguage && ` (${t('staff.agreements.governing_marker')})`}
                </>
              ))}
            </p>
            <div
              class="agreement-text"
              tabindex={0}
              role="region"
              aria-label={t('staff.agreements.text_label', { version: current.version })}
              lang={current.governingLanguage}
            >
              {current.body}
            </div>
          </>
        ) : (
          <p>{t('staff.agreements.none')}</p>
        )}
      </section>
      <section aria-labelledby="versions-heading">
        <h2 id="versions-heading">{t('staff.agreements.versions_title')}</h2>
        {versions.length === 0 ? (
          <p>{t('staff.agreements.none')}</p>
        ) : (
          <DataTable
            caption={t('staff.agreements.versions_caption')}
            columns={[
              t('fields.version'),
              t('fields.title'),
              t('fields.effective_at'),
              t('staff.agreements.published'),
              t('fields.status'),
              t('staff.review.text_hash'),
            ]}
            rows={versions}
            row={(v) => (
              <tr>
                <th scope="row">{v.version}</th>
                <td>{v.title}</td>
                <td>{formatDate(v.effectiveAt, lang)}</td>
                <td>
                  <DateTime date={v.publishedAt} lang={lang} />
                  {v.publishedBy && <small>{` · ${v.publishedBy}`}</small>}
                </td>
                <td>
                  <span class={`badge badge-agreement-${state(v)}`}>{t(`staff.agreements.state_${state(v)}`)}</span>
                </td>
                <td>
                  <code class="hash">{v.bodyHash.slice(0, 12)}</code>
                </td>
              </tr>
            )}
          />
        )}
      </section>
      {can(ctx.actor, 'agreements:publish') && (
        <section aria-labelledby="publish-heading">
          <h2 id="publish-heading">{t('staff.agreements.publish_title')}</h2>
          <p>{t('staff.agreements.publish_intro')}</p>
          <form method="post" action="/staff/agreements" novalidate>
            <CsrfField token={ctx.csrfToken} />
            <TextField
              name="version"
              label={t('fields.version')}
              value={values.version}
              error={errors.fields.version}
              hint={t('staff.agreements.version_hint')}
              maxLength={50}
              autocomplete="off"
            />
            <SelectField
              name="governing_language"
              label={t('fields.governing_language')}
              value={values.governing_language ?? 'en'}
              error={errors.fields.governing_language}
              options={LANGUAGES.map((l) => ({ value: l, label: t(`common.language_names.${l}`) }))}
            />
            <p class="hint">{t('staff.agreements.governing_hint')}</p>
            <p>{t('staff.agreements.texts_hint')}</p>
            {LANGUAGES.map((language) => (
              <LanguageFieldset ctx={ctx} language={language} values={values} errors={errors} />
            ))}
            <DateField
              name="effective_at"
              label={t('fields.effective_at')}
              value={values.effective_at}
              error={errors.fields.effective_at}
              hint={t('staff.agreements.effective_hint')}
            />
            <button type="submit">{t('staff.agreements.publish_submit')}</button>
          </form>
        </section>
      )}
    </ConsolePage>
  );
}

export async function agreementPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors: FormErrors,
    status = 200,
  ) => {
    const actor = req.actor;
    const [current, versions] = await Promise.all([
      currentAgreementView(appCtx()),
      listAgreementVersions(appCtx(), actor),
    ]);
    const ctx = pageCtx(req, reply, { notices: NOTICES, path: '/staff/agreements' });
    return sendPage(
      reply,
      <AgreementsPage ctx={ctx} current={current} versions={versions} values={values} errors={errors} />,
      status,
    );
  };

  app.get('/staff/agreements', async (req, reply) => {
    if (!staffMember(req, reply)) return reply;
    return page(
      req,
      reply,
      { effective_at: new Date().toISOString().slice(0, 10), governing_language: 'en' },
      noErrors,
    );
  });

  app.post('/staff/agreements', async (req, reply) => {
    const actor = staffMember(req, reply, 'agreements:publish', '/staff/agreements');
    if (!actor) return reply;
    const values = pick(req.body, ...FIELDS);
    try {
      // An unreadable date is left invalid: the service names the field.
      const effectiveAt = parseDay(values.effective_at ?? '') ?? new Date(Number.NaN);
      await publishAgreement(
        appCtx(),
        actor,
        {
          version: values.version ?? '',
          governingLanguage: values.governing_language ?? '',
          texts: textsOf(values),
          effectiveAt,
        },
        requestMeta(req),
      );
      return reply.redirect('/staff/agreements?notice=published', 303);
    } catch (error) {
      return page(req, reply, values, asFormErrors(pageCtx(req, reply), error), 422);
    }
  });
}
