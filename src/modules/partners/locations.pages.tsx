import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestMeta, formField } from '../../platform/request-meta.ts';
import { CsrfField, noErrors, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { asFormErrors, signedIn } from '../../platform/views/page-helpers.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { LOCATION_TYPES } from '../registration/index.ts';
import {
  locationForPartner,
  locationsForPartner,
  removeLocation,
  saveLocation,
  setLocationListed,
  type LocationForm,
  type ManagedLocation,
} from './locations.service.ts';
import type { Partner } from './partners.service.ts';
import { LOCATION_SERVICES } from './self-service.rules.ts';
import { partnerFor } from './self-service.service.ts';
import {
  fieldValues,
  isAdmin,
  isFormProblem,
  partnerPageCtx,
  SelfServicePage,
  sendPage,
  submitForm,
} from './self-service.view.tsx';

// REG-7, REG-14: locations, their flags, and their listing in the Partner Locator.

type Params = { partnerId: string };
type ItemParams = { partnerId: string; id: string };

const flagText = (ctx: PageContext, l: ManagedLocation) =>
  l.flags
    .map((f) =>
      ctx.t(`rules.${f.code}`, {
        label: ctx.t(`fields.${f.field}`, { defaultValue: f.field }),
        ...f.params,
        defaultValue: f.code,
      }),
    )
    .join(' ');

function LocationsPage({
  ctx,
  partner,
  locations,
  errors = noErrors,
}: {
  ctx: PageContext;
  partner: Partner;
  locations: ManagedLocation[];
  errors?: FormErrors;
}) {
  const { t } = ctx;
  const admin = isAdmin(ctx, partner);
  const base = `/partner/${partner.id}/locations`;
  return (
    <SelfServicePage
      ctx={ctx}
      partner={partner}
      section="locations"
      title={t('partner.locations.title')}
      errors={errors}
    >
      <p>{t('partner.locations.intro')}</p>
      <DataTable
        caption={t('partner.locations.caption')}
        columns={[
          t('partner.locations.address'),
          t('fields.locations.type'),
          t('partner.locations.listed'),
          t('partner.locations.flags'),
          ...(admin ? [t('partner.colleagues.actions')] : []),
        ]}
        rows={locations}
        row={(l) => (
          <tr>
            <td>{[...l.lines, [l.postcode, l.city].filter(Boolean).join(' ')].join(', ')}</td>
            <td>{t(`registration.location_type.${l.type}`, { defaultValue: l.type })}</td>
            <td>{l.listed ? t('partner.home.yes') : t('partner.home.no')}</td>
            <td>{l.flags.length ? flagText(ctx, l) : t('partner.locations.no_flags')}</td>
            {admin && (
              <td>
                <a href={`${base}/${l.id}/edit`}>
                  {t('partner.locations.edit')}
                  <span class="visually-hidden">{` ${l.lines[0] ?? ''} ${l.city}`}</span>
                </a>
                <form method="post" action={`${base}/${l.id}/listing`} class="inline-form">
                  <CsrfField token={ctx.csrfToken} />
                  <input type="hidden" name="listed" value={l.listed ? 'false' : 'true'} />
                  <button type="submit" class="secondary">
                    {t(l.listed ? 'partner.locations.unlist' : 'partner.locations.list')}
                    <span class="visually-hidden">{` ${l.lines[0] ?? ''} ${l.city}`}</span>
                  </button>
                </form>
                <form method="post" action={`${base}/${l.id}/remove`} class="inline-form">
                  <CsrfField token={ctx.csrfToken} />
                  <button type="submit" class="secondary outline">
                    {t('partner.locations.remove')}
                    <span class="visually-hidden">{` ${l.lines[0] ?? ''} ${l.city}`}</span>
                  </button>
                </form>
              </td>
            )}
          </tr>
        )}
      />
      {admin && (
        <p>
          <a href={`${base}/new`} role="button">
            {t('partner.locations.add')}
          </a>
        </p>
      )}
    </SelfServicePage>
  );
}

function LocationFormPage({
  ctx,
  partner,
  location,
  values,
  errors = noErrors,
}: {
  ctx: PageContext;
  partner: Partner;
  location?: ManagedLocation | undefined;
  values: LocationForm;
  errors?: FormErrors;
}) {
  const { t } = ctx;
  const action = location ? `/partner/${partner.id}/locations/${location.id}` : `/partner/${partner.id}/locations`;
  return (
    <SelfServicePage
      ctx={ctx}
      partner={partner}
      section="locations"
      title={t(location ? 'partner.locations.edit_title' : 'partner.locations.add')}
      errors={errors}
    >
      <form method="post" action={action} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <TextField
          name="locations.lines"
          label={t('partner.locations.line1')}
          value={values.lines[0]}
          error={errors.fields['locations.lines']}
          maxLength={200}
        />
        <TextField
          name="locations.lines"
          field="locations.lines.2"
          label={t('partner.locations.line2')}
          value={values.lines[1]}
          required={false}
          maxLength={200}
        />
        <TextField
          name="locations.postcode"
          label={t('fields.locations.postcode')}
          value={values.postcode}
          error={errors.fields['locations.postcode']}
          maxLength={20}
          required={false}
        />
        <TextField
          name="locations.city"
          label={t('fields.locations.city')}
          value={values.city}
          error={errors.fields['locations.city']}
          maxLength={100}
        />
        <SelectField
          name="locations.type"
          label={t('fields.locations.type')}
          value={values.type}
          error={errors.fields['locations.type']}
          options={[
            { value: '', label: t('partner.accounts.choose') },
            ...LOCATION_TYPES.map((type) => ({
              value: type,
              label: t(`registration.location_type.${type}`, { defaultValue: type }),
            })),
          ]}
        />
        <fieldset>
          <legend>{t('partner.locations.listing_details')}</legend>
          <TextField
            name="phone"
            type="tel"
            label={t('fields.phone')}
            value={values.phone}
            error={errors.fields.phone}
            required={false}
            maxLength={30}
          />
          <TextField
            name="email"
            type="email"
            label={t('fields.email')}
            value={values.email}
            error={errors.fields.email}
            required={false}
            maxLength={254}
          />
          <TextField
            name="website"
            type="url"
            label={t('fields.website')}
            value={values.website}
            error={errors.fields.website}
            required={false}
            maxLength={200}
          />
        </fieldset>
        <fieldset>
          <legend>{t('partner.locations.services')}</legend>
          {LOCATION_SERVICES.map((s) => (
            <label>
              <input type="checkbox" name="services" value={s} checked={values.services.includes(s)} />{' '}
              {t(`partner.services.${s}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t('partner.locations.save')}</button>
      </form>
    </SelfServicePage>
  );
}

const formOf = (body: unknown): LocationForm => ({
  lines: fieldValues(body, 'locations.lines'),
  city: formField(body, 'locations.city'),
  postcode: formField(body, 'locations.postcode'),
  type: formField(body, 'locations.type'),
  phone: formField(body, 'phone'),
  email: formField(body, 'email'),
  website: formField(body, 'website'),
  services: fieldValues(body, 'services'),
});

const formFromLocation = (l: ManagedLocation): LocationForm => ({
  lines: l.lines,
  city: l.city,
  postcode: l.postcode ?? '',
  type: l.type,
  phone: l.phone ?? '',
  email: l.email ?? '',
  website: l.website ?? '',
  services: l.services,
});
const emptyForm: LocationForm = {
  lines: [],
  city: '',
  postcode: '',
  type: '',
  phone: '',
  email: '',
  website: '',
  services: [],
};

export async function locationPages(app: FastifyInstance): Promise<void> {
  const ctx = () => app.appContext;
  const listUrl = (id: string) => `/partner/${id}/locations`;

  async function renderList(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, errors?: FormErrors) {
    const partner = await partnerFor(ctx(), req.actor, req.params.partnerId);
    const locations = await locationsForPartner(ctx(), req.actor, partner.id);
    return sendPage(
      reply,
      <LocationsPage
        ctx={partnerPageCtx(req, reply, listUrl(partner.id))}
        partner={partner}
        locations={locations}
        errors={errors}
      />,
      errors ? 409 : 200,
    );
  }

  async function save(req: FastifyRequest<{ Params: Params & { id?: string } }>, reply: FastifyReply) {
    if (!signedIn(req, reply, listUrl(req.params.partnerId))) return reply;
    const values = formOf(req.body);
    try {
      await saveLocation(ctx(), req.actor, req.params.partnerId, req.params.id, values, requestMeta(req));
    } catch (error) {
      if (!isFormProblem(error)) throw error;
      const partner = await partnerFor(ctx(), req.actor, req.params.partnerId);
      const location = req.params.id
        ? await locationForPartner(ctx(), req.actor, partner.id, req.params.id)
        : undefined;
      const page = partnerPageCtx(
        req,
        reply,
        location ? `${listUrl(partner.id)}/${location.id}/edit` : `${listUrl(partner.id)}/new`,
      );
      return sendPage(
        reply,
        <LocationFormPage
          ctx={page}
          partner={partner}
          location={location}
          values={values}
          errors={asFormErrors(page, error)}
        />,
        422,
      );
    }
    return reply.redirect(`${listUrl(req.params.partnerId)}?notice=location_saved`, 303);
  }

  const act = (
    req: FastifyRequest<{ Params: ItemParams }>,
    reply: FastifyReply,
    notice: string,
    change: () => Promise<unknown>,
  ) =>
    submitForm(req, reply, {
      page: listUrl(req.params.partnerId),
      notice,
      change,
      refused: (errors) => renderList(req, reply, errors),
    });

  app.get<{ Params: Params }>('/partner/:partnerId/locations', async (req, reply) =>
    signedIn(req, reply) ? renderList(req, reply) : reply,
  );
  app.get<{ Params: Params }>('/partner/:partnerId/locations/new', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const partner = await partnerFor(ctx(), req.actor, req.params.partnerId, 'partner:manage');
    return sendPage(reply, <LocationFormPage ctx={partnerPageCtx(req, reply)} partner={partner} values={emptyForm} />);
  });
  app.get<{ Params: ItemParams }>('/partner/:partnerId/locations/:id/edit', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const partner = await partnerFor(ctx(), req.actor, req.params.partnerId, 'partner:manage');
    const location = await locationForPartner(ctx(), req.actor, partner.id, req.params.id);
    return sendPage(
      reply,
      <LocationFormPage
        ctx={partnerPageCtx(req, reply)}
        partner={partner}
        location={location}
        values={formFromLocation(location)}
      />,
    );
  });
  app.post<{ Params: Params }>('/partner/:partnerId/locations', save);
  app.post<{ Params: ItemParams }>('/partner/:partnerId/locations/:id', save);
  app.post<{ Params: ItemParams }>('/partner/:partnerId/locations/:id/listing', async (req, reply) =>
    act(req, reply, 'listing_saved', () =>
      setLocationListed(
        ctx(),
        req.actor,
        req.params.partnerId,
        req.params.id,
        formField(req.body, 'listed') === 'true',
        requestMeta(req),
      ),
    ),
  );
  app.post<{ Params: ItemParams }>('/partner/:partnerId/locations/:id/remove', async (req, reply) =>
    act(req, reply, 'location_removed', () =>
      removeLocation(ctx(), req.actor, req.params.partnerId, req.params.id, requestMeta(req)),
    ),
  );
}
