import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { countryName, isCountryCode, normaliseCountry } from '../../platform/countries.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { requestMeta } from '../../platform/request-meta.ts';
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
import type { PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import { EMAIL_MAX, NAME_MAX } from '../../platform/contact.rules.ts';
import { INQUIRY_MESSAGE_MAX } from './distributors.rules.ts';
import { distributorsServing, getDistributor, sendInquiry, type Distributor } from './distributors.service.ts';
import {
  asFormErrors,
  countryList,
  countrySelectOptions,
  pageCtx,
  pick,
  TextArea,
} from '../../platform/views/page-helpers.tsx';
import { isUuid } from '../../platform/ids.ts';

/** REG-5: at most five messages a minute from one address, on top of the CSRF token and the honeypot. */
const CONTACT_LIMIT = { max: 5, timeWindow: '1 minute' };

const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`;

function DistributorCard({ ctx, d }: { ctx: PageContext; d: Distributor }) {
  const { t, lang } = ctx;
  const headingId = `distributor-${d.id}`;
  return (
    <article aria-labelledby={headingId}>
      <h3 id={headingId}>{d.legalName}</h3>
      <dl class="facts">
        <dt>{t('locator.hq')}</dt>
        <dd>{countryName(d.hqCountry, lang)}</dd>
        <dt>{t('locator.countries_served')}</dt>
        <dd>{countryList(d.countriesServed, lang)}</dd>
        <dt>{t('fields.accepts_new_resellers')}</dt>
        <dd>{d.acceptsNewResellers ? t('common.yes') : t('common.no')}</dd>
        {d.website && (
          <>
            <dt>{t('fields.website')}</dt>
            <dd>
              <a href={d.website} rel="noopener noreferrer external">
                {d.website}
              </a>
            </dd>
          </>
        )}
        {d.phone && (
          <>
            <dt>{t('fields.phone')}</dt>
            <dd>
              <a href={telHref(d.phone)}>{d.phone}</a>
            </dd>
          </>
        )}
        {d.email && (
          <>
            <dt>{t('fields.email')}</dt>
            <dd>
              <a href={`mailto:${d.email}`}>{d.email}</a>
            </dd>
          </>
        )}
      </dl>
      {d.email && (
        <p>
          <a href={`/distributors/${d.id}/contact`} role="button" class="secondary">
            {t('locator.contact')}
            <span class="visually-hidden">{`: ${d.legalName}`}</span>
          </a>
        </p>
      )}
    </article>
  );
}

function LocatorPage({
  ctx,
  country,
  errors,
  results,
}: {
  ctx: PageContext;
  country: string;
  errors: FormErrors;
  results?: readonly Distributor[] | undefined;
}) {
  const { t, lang } = ctx;
  return (
    <Layout
      ctx={ctx}
      title={results ? t('locator.results_title', { country: countryName(country, lang) }) : t('locator.title')}
    >
      <h1>{t('locator.title')}</h1>
      <p>{t('locator.intro', { vendor: ctx.vendor })}</p>
      <ErrorSummary t={t} errors={errors} />
      <form method="get" action="/distributors" class="search-form" role="search" aria-label={t('locator.title')}>
        <SelectField
          name="country"
          label={t('locator.country')}
          value={country}
          error={errors.fields.country}
          options={countrySelectOptions(lang, t('locator.choose_country'))}
        />
        <button type="submit">{t('locator.search')}</button>
      </form>
      {results && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" class="results-heading">
            {t('locator.results', { count: results.length, country: countryName(country, lang) })}
          </h2>
          {results.length === 0 ? (
            <p>{t('locator.none', { help: ctx.help })}</p>
          ) : (
            <div class="distributor-list">
              {results.map((d) => (
                <DistributorCard ctx={ctx} d={d} />
              ))}
            </div>
          )}
        </section>
      )}
    </Layout>
  );
}

function ContactPage({
  ctx,
  d,
  values,
  errors,
}: {
  ctx: PageContext;
  d: Distributor;
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('contact.title', { distributor: d.legalName })}>
      <p>
        <a href={`/distributors?country=${encodeURIComponent(d.hqCountry)}`}>{t('contact.back')}</a>
      </p>
      <article class="narrow">
        <h1>{t('contact.title', { distributor: d.legalName })}</h1>
        {d.email ? (
          <>
            <p>{t('contact.intro', { distributor: d.legalName })}</p>
            <ErrorSummary t={t} errors={errors} />
            <form method="post" action={`/distributors/${d.id}/contact`} novalidate>
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
                hint={t('contact.email_hint')}
                autocomplete="email"
                maxLength={EMAIL_MAX}
              />
              <TextField
                name="company"
                label={`${t('fields.company')} ${t('form.optional')}`}
                value={values.company}
                error={errors.fields.company}
                autocomplete="organization"
                required={false}
                maxLength={200}
              />
              <TextArea
                name="message"
                label={t('fields.message')}
                value={values.message}
                error={errors.fields.message}
                maxLength={INQUIRY_MESSAGE_MAX}
              />
              {/* A field for bots only: hidden from view and from assistive technology, never focused by Tab. */}
              <div class="hp-field" aria-hidden="true">
                <label for="field-website-hp">{t('contact.honeypot')}</label>
                <input id="field-website-hp" type="text" name="website" tabindex={-1} autocomplete="off" value="" />
              </div>
              <button type="submit">{t('contact.submit')}</button>
            </form>
          </>
        ) : (
          <p>{t('errors.distributor_no_contact')}</p>
        )}
      </article>
    </Layout>
  );
}

/** REG-5: the public Distributor Locator and its "contact this distributor" form. */
export async function locatorPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;

  app.get('/distributors', async (req, reply) => {
    const raw = pick(req.query, 'country').country ?? '';
    const country = normaliseCountry(raw);
    const ctx = pageCtx(req, reply);
    if (!country) return sendPage(reply, <LocatorPage ctx={ctx} country="" errors={noErrors} />);
    if (!isCountryCode(country)) {
      const errors = formErrors(ctx.t, [
        { field: 'country', rule: 'country_code', params: { value: raw.slice(0, 20) } },
      ]);
      return sendPage(reply, <LocatorPage ctx={ctx} country="" errors={errors} />, 400);
    }
    const results = await distributorsServing(appCtx(), country);
    return sendPage(reply, <LocatorPage ctx={ctx} country={country} errors={noErrors} results={results} />);
  });

  /** The distributor a visitor may write to: active ones only. */
  const contactable = async (id: string) => {
    const d = isUuid(id)
      ? await getDistributor(appCtx(), id).catch((error: unknown) =>
          error instanceof AppError && error.status === 404 ? undefined : Promise.reject(error),
        )
      : undefined;
    if (!d || d.status !== 'active') throw notFound('Distributor');
    return d;
  };

  app.get<{ Params: { id: string } }>('/distributors/:id/contact', async (req, reply) => {
    const d = await contactable(req.params.id);
    return sendPage(reply, <ContactPage ctx={pageCtx(req, reply)} d={d} values={{}} errors={noErrors} />);
  });

  app.post<{ Params: { id: string } }>(
    '/distributors/:id/contact',
    { config: { rateLimit: CONTACT_LIMIT } },
    async (req, reply: FastifyReply) => {
      const d = await contactable(req.params.id);
      const values = pick(req.body, 'name', 'email', 'company', 'message', 'website');
      try {
        await sendInquiry(
          appCtx(),
          d.id,
          {
            name: values.name!,
            email: values.email!,
            company: values.company!,
            message: values.message!,
            website: values.website!,
          },
          requestMeta(req),
        );
      } catch (error) {
        const ctx = pageCtx(req, reply);
        const errors = asFormErrors(ctx, error);
        return sendPage(
          reply,
          <ContactPage ctx={ctx} d={d} values={{ ...values, website: '' }} errors={errors} />,
          error instanceof AppError ? error.status : 422,
        );
      }
      return reply.redirect(`/distributors/${d.id}/contact/sent`, 303);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/distributors/:id/contact/sent',
    async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const d = await contactable(req.params.id);
      const ctx = pageCtx(req, reply);
      const { t } = ctx;
      return sendPage(
        reply,
        <Layout ctx={ctx} title={t('contact.sent_title')}>
          <article class="narrow">
            <h1>{t('contact.sent_title')}</h1>
            <p role="status">{t('contact.sent_body', { distributor: d.legalName })}</p>
            <p>
              <a href={`/distributors?country=${encodeURIComponent(d.hqCountry)}`}>{t('contact.back')}</a>
            </p>
          </article>
        </Layout>,
      );
    },
  );
}
