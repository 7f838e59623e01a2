import type { FastifyInstance } from 'fastify';
import { countryName } from '../../platform/countries.ts';
import { AppError, type FieldViolation } from '../../platform/errors.ts';
import { numberFormat } from '../../platform/formats.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import {
  CsrfField,
  ErrorSummary,
  noErrors,
  SelectField,
  TextField,
  type FormErrors,
} from '../../platform/views/components.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { countrySelectOptions, pageCtx, pick, signedIn } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { DEFAULT_RADIUS_KM, NAME_QUERY_MAX, PLACE_QUERY_MAX } from './locator.rules.ts';
import {
  locationForStaff,
  searchPartnerLocations,
  setLocationCoordinates,
  type LocatedLocation,
  type LocatorResult,
  type LocatorResults,
} from './locator.service.ts';
import { LocatorMap } from './map.tsx';

const RADII = [10, 25, 50, 100, 250, 500];

/** The locator's own wording for a violation (its fields and rules are its own section). */
function locatorErrors(ctx: PageContext, violations: FieldViolation[], general?: string): FormErrors {
  const fields: Record<string, string> = {};
  for (const v of violations) {
    const label = ctx.t(`partner_locator.fields.${v.field}`, { defaultValue: v.field });
    fields[v.field] ??= ctx.t(`partner_locator.rules.${v.rule}`, {
      ...v.params,
      label,
      defaultValue: `${label}: ${String(v.params?.detail ?? v.rule)}`,
    });
  }
  return { general, fields };
}

const KM: Intl.NumberFormatOptions = { style: 'unit', unit: 'kilometer', maximumFractionDigits: 1 };

// One formatter per language (platform/formats.ts): the page formats about 27 distances, and
// making an Intl.NumberFormat for each was 45 % of the page's own CPU time in a profile (#15).
const formatKm = (ctx: PageContext, km: number) => numberFormat(ctx.lang, KM).format(km);

function ResultItem({ ctx, r, n }: { ctx: PageContext; r: LocatorResult; n: number }) {
  const { t, lang } = ctx;
  const headingId = `location-${r.locationId}`;
  return (
    <li value={n}>
      <article aria-labelledby={headingId}>
        <h3 id={headingId}>{r.partnerName}</h3>
        <address>
          {r.lines.map((line) => (
            <>
              {line}
              <br />
            </>
          ))}
          {[r.postcode, r.city].filter(Boolean).join(' ')}
          <br />
          {countryName(r.country, lang)}
        </address>
        {r.distanceKm !== null && (
          <p class="distance">{t('partner_locator.distance', { distance: formatKm(ctx, r.distanceKm) })}</p>
        )}
      </article>
    </li>
  );
}

function Pagination({
  ctx,
  search,
  query,
}: {
  ctx: PageContext;
  search: LocatorResults;
  query: Record<string, string>;
}) {
  if (search.page === 1 && !search.hasMore) return null;
  const href = (page: number) => `/partners?${new URLSearchParams({ ...query, page: String(page) }).toString()}`;
  return (
    <nav aria-label={ctx.t('partner_locator.pages')} class="pagination">
      <ul>
        {search.page > 1 && (
          <li>
            <a href={href(search.page - 1)} rel="prev">
              {ctx.t('partner_locator.previous')}
            </a>
          </li>
        )}
        <li aria-current="page">{ctx.t('partner_locator.page', { page: search.page })}</li>
        {search.hasMore && (
          <li>
            <a href={href(search.page + 1)} rel="next">
              {ctx.t('partner_locator.next')}
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}

function resultsHeading(ctx: PageContext, s: LocatorResults): string {
  const { t, lang } = ctx;
  // Without a total (more pages follow), the heading says "more than" the matches seen so far.
  const count = s.total ?? s.page * s.pageSize;
  const suffix = s.total === null ? '_more' : '';
  const where = s.centre
    ? {
        key: 'results_near',
        place: s.centre.place ?? `${s.centre.latitude.toFixed(3)}, ${s.centre.longitude.toFixed(3)}`,
        radius: formatKm(ctx, s.radiusKm),
      }
    : s.country
      ? { key: 'results_in', country: countryName(s.country, lang) }
      : { key: 'results' };
  const { key, ...vars } = where;
  return t(`partner_locator.${key}${suffix}`, { count, ...vars });
}

function LocatorPage({
  ctx,
  values,
  errors,
  search,
}: {
  ctx: PageContext;
  values: Record<string, string>;
  errors: FormErrors;
  search?: LocatorResults | undefined;
}) {
  const { t, lang } = ctx;
  const heading = search && resultsHeading(ctx, search);
  const first = search ? (search.page - 1) * search.pageSize + 1 : 1;
  return (
    <Layout ctx={ctx} title={heading ?? t('partner_locator.title')}>
      <h1>{t('partner_locator.title')}</h1>
      <p>{t('partner_locator.intro', { vendor: ctx.vendor })}</p>
      <ErrorSummary t={t} errors={errors} />
      {/* Not role="search": Pico draws that as one inline group, too narrow for four fields. A named form is a landmark too. */}
      <form method="get" action="/partners" aria-label={t('partner_locator.search')} novalidate>
        <div class="grid">
          <TextField
            name="place"
            label={t('partner_locator.fields.place')}
            value={values.place}
            error={errors.fields.place}
            hint={t('partner_locator.place_hint')}
            required={false}
            maxLength={PLACE_QUERY_MAX}
          />
          <SelectField
            name="country"
            label={t('partner_locator.fields.country')}
            value={values.country}
            error={errors.fields.country}
            options={countrySelectOptions(lang, t('partner_locator.any_country'))}
          />
        </div>
        <div class="grid">
          <SelectField
            name="radius"
            label={t('partner_locator.fields.radius')}
            value={values.radius || String(DEFAULT_RADIUS_KM)}
            error={errors.fields.radius}
            options={RADII.map((km) => ({ value: String(km), label: formatKm(ctx, km) }))}
          />
          <TextField
            name="name"
            label={t('partner_locator.fields.name')}
            value={values.name}
            error={errors.fields.name}
            required={false}
            maxLength={NAME_QUERY_MAX}
          />
        </div>
        <button type="submit">{t('partner_locator.search')}</button>
      </form>
      {search && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" class="results-heading">
            {heading}
          </h2>
          {search.results.length === 0 ? (
            <p>{t('partner_locator.none', { help: ctx.help })}</p>
          ) : (
            <>
              <LocatorMap
                pins={search.results.flatMap((r, i) =>
                  r.position ? [{ ...r.position, label: String(first + i) }] : [],
                )}
                centre={search.centre}
                radiusKm={search.centre ? search.radiusKm : null}
                description={t('partner_locator.map_alt', { count: search.results.length })}
              />
              <ol class="partner-results" start={first}>
                {search.results.map((r, i) => (
                  <ResultItem ctx={ctx} r={r} n={first + i} />
                ))}
              </ol>
              <Pagination
                ctx={ctx}
                search={search}
                query={Object.fromEntries(Object.entries(values).filter(([k, v]) => v && k !== 'page'))}
              />
            </>
          )}
        </section>
      )}
    </Layout>
  );
}

function CoordinatesPage({
  ctx,
  location,
  values,
  errors,
}: {
  ctx: PageContext;
  location: LocatedLocation;
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t, lang } = ctx;
  const action = `/staff/partner-locations/${location.id}/coordinates`;
  return (
    <Layout ctx={ctx} title={t('partner_locator.staff_title', { partner: location.partnerName })}>
      <article class="narrow">
        <h1>{t('partner_locator.staff_title', { partner: location.partnerName })}</h1>
        <address>
          {[
            ...location.lines,
            [location.postcode, location.city].filter(Boolean).join(' '),
            countryName(location.country, lang),
          ].map((line) => (
            <>
              {line}
              <br />
            </>
          ))}
        </address>
        <p>{location.listed ? t('partner_locator.staff_listed') : t('partner_locator.staff_unlisted')}</p>
        {location.suggested && (
          <p>
            {t('partner_locator.staff_suggested', {
              place: location.suggested.place,
              latitude: location.suggested.latitude,
              longitude: location.suggested.longitude,
            })}
          </p>
        )}
        <ErrorSummary t={t} errors={errors} />
        <form method="post" action={action} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField
            name="latitude"
            label={t('partner_locator.fields.latitude')}
            value={values.latitude}
            error={errors.fields.latitude}
            hint={t('partner_locator.latitude_hint')}
          />
          <TextField
            name="longitude"
            label={t('partner_locator.fields.longitude')}
            value={values.longitude}
            error={errors.fields.longitude}
            hint={t('partner_locator.longitude_hint')}
          />
          <button type="submit">{t('partner_locator.staff_save')}</button>
        </form>
      </article>
    </Layout>
  );
}

/** REG-14: the public Partner Locator page, and the staff form that corrects a location's coordinates. */
export async function locatorPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;

  app.get('/partners', async (req, reply) => {
    const ctx = pageCtx(req, reply);
    const values = pick(req.query, 'place', 'country', 'radius', 'name', 'page');
    if (!values.place && !values.country && !values.name)
      return sendPage(reply, <LocatorPage ctx={ctx} values={values} errors={noErrors} />);
    try {
      const search = await searchPartnerLocations(appCtx(), {
        place: values.place,
        country: values.country,
        radiusKm: values.radius,
        name: values.name,
        page: values.page,
      });
      return await sendPage(reply, <LocatorPage ctx={ctx} values={values} errors={noErrors} search={search} />);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.violations.length === 0) throw error;
      return sendPage(
        reply,
        <LocatorPage ctx={ctx} values={values} errors={locatorErrors(ctx, error.violations)} />,
        error.status,
      );
    }
  });

  app.get<{ Params: { id: string } }>('/staff/partner-locations/:id/coordinates', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const location = await locationForStaff(appCtx(), actor, req.params.id);
    const values = {
      latitude: location.position?.latitude.toString() ?? '',
      longitude: location.position?.longitude.toString() ?? '',
    };
    return sendPage(
      reply,
      <CoordinatesPage
        ctx={pageCtx(req, reply, { notices: { saved: 'partner_locator.staff_saved' } })}
        location={location}
        values={values}
        errors={noErrors}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/staff/partner-locations/:id/coordinates', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const values = pick(req.body, 'latitude', 'longitude');
    try {
      await setLocationCoordinates(appCtx(), actor, req.params.id, values, requestMeta(req));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      const location = await locationForStaff(appCtx(), actor, req.params.id);
      const ctx = pageCtx(req, reply, { path: `/staff/partner-locations/${location.id}/coordinates` });
      return sendPage(
        reply,
        <CoordinatesPage ctx={ctx} location={location} values={values} errors={locatorErrors(ctx, error.violations)} />,
        422,
      );
    }
    return reply.redirect(`/staff/partner-locations/${req.params.id}/coordinates?notice=saved`, 303);
  });
}
