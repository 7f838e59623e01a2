import { countryName, isCountryCode } from '../../platform/countries.ts';
import type { Language, Translate } from '../../platform/i18n.ts';
import { countrySelectOptions, TextArea } from '../../platform/views/page-helpers.tsx';
import { fieldId, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import type { Distributor } from '../distributors/index.ts';
import { FIELD_MAX } from './registration.forms.ts';
import {
  LEGAL_FORMS,
  LOCATION_TYPES,
  type ApplicationAnswers,
  type CompanyAnswers,
  type LocationAnswers,
} from './registration.rules.ts';
import type { ApplicationView } from './registration.service.ts';
import { Checkbox, GroupError, LiveFindings, optional } from './wizard-frame.tsx';

// REG-13: the fields of each step. The rules' field path is each input's name and, via
// fieldId, its id, so a finding links straight to its field.

export function CompanyFields({
  t,
  lang,
  answers,
  errors,
}: {
  t: Translate;
  lang: Language;
  answers: CompanyAnswers | undefined;
  errors: FormErrors;
}) {
  const e = errors.fields;
  return (
    <>
      <TextField
        name="company.legal_name"
        label={t('fields.company.legal_name')}
        value={answers?.legalName}
        error={e['company.legal_name']}
        hint={t('registration.hint_legal_name')}
        autocomplete="organization"
        maxLength={FIELD_MAX.legalName}
      />
      <SelectField
        name="company.legal_form"
        label={t('fields.company.legal_form')}
        value={answers?.legalForm ?? ''}
        error={e['company.legal_form']}
        options={[
          { value: '', label: t('registration.choose') },
          ...LEGAL_FORMS.map((f) => ({ value: f, label: t(`registration.legal_form.${f}`) })),
        ]}
      />
      <SelectField
        name="company.country"
        label={t('fields.company.country')}
        value={answers?.country ?? ''}
        error={e['company.country']}
        options={countrySelectOptions(lang, t('registration.choose_country'))}
      />
      <TextField
        name="company.website"
        type="url"
        label={optional(t, t('fields.company.website'))}
        value={answers?.website}
        error={e['company.website']}
        hint={t('registration.hint_website')}
        autocomplete="url"
        required={false}
        maxLength={FIELD_MAX.website}
      />
      <TextField
        name="company.registration_number"
        label={t('fields.company.registration_number')}
        value={answers?.registrationNumber}
        error={e['company.registration_number']}
        hint={t('registration.hint_registration_number')}
        maxLength={FIELD_MAX.registrationNumber}
      />
    </>
  );
}

export function ContactFields({
  t,
  lang,
  application,
  answers,
  errors,
}: {
  t: Translate;
  lang: Language;
  application: ApplicationView;
  answers: ApplicationAnswers['contacts'] | undefined;
  errors: FormErrors;
}) {
  const e = errors.fields;
  const p = answers?.primary;
  const country = application.answers.company?.country;
  return (
    <>
      <p>{t('registration.contacts_intro')}</p>
      <TextField
        name="contacts.name"
        label={t('fields.contacts.name')}
        value={p?.name}
        error={e['contacts.name']}
        autocomplete="name"
        maxLength={FIELD_MAX.name}
      />
      <TextField
        name="contacts.title"
        label={optional(t, t('fields.contacts.title'))}
        value={p?.title}
        error={e['contacts.title']}
        autocomplete="organization-title"
        required={false}
        maxLength={FIELD_MAX.title}
      />
      <TextField
        name="contacts.email"
        type="email"
        label={t('fields.contacts.email')}
        value={p?.email}
        error={e['contacts.email']}
        hint={t('registration.hint_business_email')}
        autocomplete="email"
        maxLength={FIELD_MAX.email}
      />
      <LiveFindings name="contacts.email" />
      <TextField
        name="contacts.phone"
        type="tel"
        label={t('fields.contacts.phone')}
        value={p?.phone}
        error={e['contacts.phone']}
        hint={
          country && isCountryCode(country)
            ? t('registration.hint_phone_country', { country: countryName(country, lang) })
            : t('registration.hint_phone')
        }
        autocomplete="tel"
        maxLength={FIELD_MAX.phone}
      />
    </>
  );
}

function LocationRow({
  t,
  lang,
  index,
  location,
  registrationCountry,
  errors,
}: {
  t: Translate;
  lang: Language;
  index: number;
  location: LocationAnswers | undefined;
  registrationCountry: string;
  errors: FormErrors;
}) {
  const e = errors.fields;
  const p = `locations.${index}`;
  const countries = countrySelectOptions(lang, t('registration.choose_country'));
  return (
    <fieldset class="row-group" id={`row-${p}`} data-row={String(index)}>
      <legend>{t('registration.location_n', { n: index + 1 })}</legend>
      <TextField
        name={`${p}.line1`}
        field={`${p}.lines`}
        label={t('registration.address_line1')}
        value={location?.lines[0]}
        error={e[`${p}.lines`]}
        autocomplete={`section-loc${index} address-line1`}
        maxLength={FIELD_MAX.line}
      />
      <TextField
        name={`${p}.line2`}
        label={optional(t, t('registration.address_line2'))}
        value={location?.lines[1]}
        required={false}
        autocomplete={`section-loc${index} address-line2`}
        maxLength={FIELD_MAX.line}
      />
      <div class="grid">
        <TextField
          name={`${p}.city`}
          label={t('fields.locations.city')}
          value={location?.city}
          error={e[`${p}.city`]}
          autocomplete={`section-loc${index} address-level2`}
          maxLength={FIELD_MAX.city}
        />
        <TextField
          name={`${p}.postcode`}
          label={t('fields.locations.postcode')}
          value={location?.postcode}
          error={e[`${p}.postcode`]}
          autocomplete={`section-loc${index} postal-code`}
          maxLength={FIELD_MAX.postcode}
        />
      </div>
      <div class="grid">
        <SelectField
          name={`${p}.country`}
          label={t('fields.locations.country')}
          value={location?.country ?? registrationCountry}
          error={e[`${p}.country`]}
          options={countries}
        />
        <SelectField
          name={`${p}.type`}
          label={t('fields.locations.type')}
          value={location?.type ?? ''}
          error={e[`${p}.type`]}
          options={[
            { value: '', label: t('registration.choose') },
            ...LOCATION_TYPES.map((type) => ({ value: type, label: t(`registration.location_type.${type}`) })),
          ]}
        />
      </div>
      <LiveFindings name={p} />
    </fieldset>
  );
}

export function LocationFields({
  t,
  lang,
  application,
  answers,
  extraRows,
  errors,
}: {
  t: Translate;
  lang: Language;
  application: ApplicationView;
  answers: ApplicationAnswers['locations'] | undefined;
  extraRows: number;
  errors: FormErrors;
}) {
  const items = answers?.items ?? [];
  const country = application.answers.company?.country ?? '';
  const rows = items.length + extraRows;
  return (
    <>
      <p id={fieldId('locations')} tabindex={-1}>
        {t('registration.locations_intro', {
          country: country && isCountryCode(country) ? countryName(country, lang) : t('registration.your_country'),
        })}
      </p>
      <GroupError name="locations" error={errors.fields.locations} />
      {Array.from({ length: rows }, (_, i) => (
        <LocationRow t={t} lang={lang} index={i} location={items[i]} registrationCountry={country} errors={errors} />
      ))}
    </>
  );
}

export function DistributorFields({
  t,
  lang,
  application,
  answers,
  extraRows,
  errors,
  distributors,
}: {
  t: Translate;
  lang: Language;
  application: ApplicationView;
  answers: ApplicationAnswers['distributors'] | undefined;
  extraRows: number;
  errors: FormErrors;
  distributors: Distributor[];
}) {
  const e = errors.fields;
  const country = application.answers.company?.country ?? '';
  const items = answers?.items ?? [];
  const rows = items.length + extraRows;
  const initialRow = items.findIndex((i) => i.distributorId && i.distributorId === answers?.initialDistributorId);
  const options = [
    { value: '', label: t('registration.choose_distributor') },
    ...distributors.map((d) => ({ value: d.id, label: d.legalName })),
  ];
  // Opened in a new tab, announced as such: the locator has no way back into the application.
  const locator = `/distributors${isCountryCode(country) ? `?country=${country}` : ''}`;
  return (
    <>
      <p>
        {t('registration.distributors_intro', {
          country: isCountryCode(country) ? countryName(country, lang) : t('registration.your_country'),
        })}
      </p>
      <p>
        {t('registration.no_distributor')}{' '}
        <a href={locator} target="_blank" rel="noopener noreferrer">
          {t('registration.locator_link')} <span class="new-tab">{t('apply.opens_new_tab')}</span>
        </a>
      </p>
      {distributors.length === 0 && (
        <p class="notice-warning" role="note">
          {isCountryCode(country)
            ? t('registration.no_distributors_serve', { country: countryName(country, lang) })
            : t('registration.company_first')}
        </p>
      )}
      <span id={fieldId('distributors')} tabindex={-1}></span>
      <GroupError name="distributors" error={e.distributors} />
      {Array.from({ length: rows }, (_, i) => {
        const p = `distributors.${i}`;
        const claim = items[i];
        const radioId = i === 0 ? fieldId('distributors.initial_distributor') : fieldId(`${p}.initial`);
        return (
          <fieldset class="row-group" id={`row-${p}`}>
            <legend>{t('registration.distributor_n', { n: i + 1 })}</legend>
            <div class="grid">
              <SelectField
                name={`${p}.distributor`}
                label={t('fields.distributors.distributor')}
                value={claim?.distributorId ?? ''}
                error={e[`${p}.distributor`]}
                options={options}
              />
              <TextField
                name={`${p}.account_number`}
                label={t('fields.distributors.account_number')}
                value={claim?.accountNumber}
                error={e[`${p}.account_number`]}
                hint={t('registration.hint_account_number')}
                maxLength={FIELD_MAX.accountNumber}
              />
            </div>
            <label for={radioId}>
              <input
                type="radio"
                id={radioId}
                name="distributors.initial_distributor"
                value={String(i)}
                checked={i === (initialRow === -1 && items.length === 0 ? 0 : initialRow)}
                aria-invalid={i === 0 && e['distributors.initial_distributor'] ? 'true' : undefined}
                aria-describedby={
                  i === 0 && e['distributors.initial_distributor']
                    ? `${fieldId('distributors.initial_distributor')}-error`
                    : undefined
                }
              />
              {t('registration.initial_distributor_choice')}
            </label>
            {i === 0 && (
              <GroupError name="distributors.initial_distributor" error={e['distributors.initial_distributor']} />
            )}
          </fieldset>
        );
      })}
    </>
  );
}

export function AddedValueFields({
  t,
  vendor,
  answers,
  errors,
}: {
  t: Translate;
  vendor: string;
  answers: ApplicationAnswers['added_value'] | undefined;
  errors: FormErrors;
}) {
  const e = errors.fields;
  return (
    <>
      <p id={fieldId('added_value')} tabindex={-1}>
        {t('registration.added_value_intro', { vendor })}
      </p>
      <Checkbox
        name="added_value.can_demonstrate"
        label={t('registration.attest_demonstrate', { vendor })}
        checked={!!answers?.canDemonstrate}
        error={e['added_value.can_demonstrate']}
      />
      <Checkbox
        name="added_value.provides_services"
        label={t('registration.attest_services', { vendor })}
        checked={!!answers?.providesServices}
        error={e['added_value.provides_services']}
      />
      <TextArea
        name="added_value.services_description"
        label={t('fields.added_value.services_description')}
        value={answers?.servicesDescription}
        error={e['added_value.services_description']}
        hint={t('registration.hint_services_description')}
        maxLength={FIELD_MAX.servicesDescription}
        rows={5}
      />
    </>
  );
}

export function PersonnelFields({
  t,
  vendor,
  answers,
  extraRows,
  errors,
}: {
  t: Translate;
  vendor: string;
  answers: ApplicationAnswers['personnel'] | undefined;
  extraRows: number;
  errors: FormErrors;
}) {
  const e = errors.fields;
  const items = answers?.items ?? [];
  return (
    <>
      <p id={fieldId('personnel')} tabindex={-1}>
        {t('registration.personnel_intro', { vendor })}
      </p>
      <GroupError name="personnel" error={e.personnel} />
      {Array.from({ length: items.length + extraRows }, (_, i) => {
        const p = `personnel.${i}`;
        const person = items[i];
        return (
          <fieldset class="row-group" id={`row-${p}`}>
            <legend>{t('registration.person_n', { n: i + 1 })}</legend>
            <div class="grid">
              <TextField
                name={`${p}.name`}
                label={t('fields.personnel.name')}
                value={person?.name}
                error={e[`${p}.name`]}
                autocomplete="off"
                maxLength={FIELD_MAX.name}
              />
              <TextField
                name={`${p}.email`}
                type="email"
                label={t('fields.personnel.email')}
                value={person?.email}
                error={e[`${p}.email`]}
                autocomplete="off"
                maxLength={FIELD_MAX.email}
              />
              <TextField
                name={`${p}.role`}
                label={optional(t, t('fields.personnel.role'))}
                value={person?.role}
                error={e[`${p}.role`]}
                required={false}
                autocomplete="off"
                maxLength={FIELD_MAX.role}
              />
            </div>
          </fieldset>
        );
      })}
    </>
  );
}
