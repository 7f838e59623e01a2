import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Actor } from '../../platform/auth.ts';
import { countryName, countryOptions, isCountryCode } from '../../platform/countries.ts';
import { AppError, notFound, type FieldViolation } from '../../platform/errors.ts';
import type { Language, Translate } from '../../platform/i18n.ts';
import { formField, requestMeta } from '../../platform/request-meta.ts';
import { violationMessage } from '../../platform/violations.ts';
import { CsrfField, describedBy, ErrorSummary, FieldMessages, fieldId, formErrors, noErrors, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import { pageContext, type PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import { distributorsServing, getDistributor, type Distributor } from '../distributors/index.ts';
import { FIELD_MAX, parseSignature, parseStep } from './registration.forms.ts';
import {
  applicantStatusMessageKey,
  blocking,
  LEGAL_FORMS,
  LOCATION_TYPES,
  releaseOfInformationText,
  signatureAuthorityText,
  STEPS,
  type ApplicationAnswers,
  type CompanyAnswers,
  type Finding,
  type LocationAnswers,
  type Signature,
  type Step,
} from './registration.rules.ts';
import * as registration from './registration.service.ts';
import type { ApplicationView } from './registration.service.ts';

// REG-13: the Partner Registration Tool. A guided application in steps, saved at every step
// (even when a rule fails, so nothing typed is lost), resumable, with a summary, the signing
// form (REG-1, REG-6, REG-11) and the applicant's view of the status (REG-12).

type Agreement = Awaited<ReturnType<typeof registration.currentAgreementView>>;

const REPEATED: readonly Step[] = ['locations', 'distributors', 'personnel'];
const isStep = (value: string): value is Step => (STEPS as readonly string[]).includes(value);
const editable = (application: ApplicationView) => application.status === 'draft' || application.status === 'info_requested';

/** The step a finding's field belongs to (`locations.0.city` → locations). */
function stepOf(field: string): Step | undefined {
  const head = field.split('.')[0] ?? '';
  return isStep(head) ? head : undefined;
}

const asViolation = (f: Finding): FieldViolation => ({ field: f.field, rule: f.code, ...(f.params ? { params: f.params } : {}) });
const findingText = (t: Translate, f: Finding) => violationMessage(t, asViolation(f));
const flagsOf = (findings: readonly Finding[], step?: Step) => findings.filter((f) => f.outcome === 'review' && (!step || stepOf(f.field) === step));

/** Where to continue a draft: the first step not completed yet, else the summary. */
function continuePath(application: ApplicationView): string {
  if (!editable(application)) return `/apply/${application.id}/status`;
  const next = STEPS.find((s) => !application.completedSteps.includes(s));
  return `/apply/${application.id}/${next ?? 'review'}`;
}

const NOTICES: Record<string, string> = {
  step_saved: 'registration.notice_saved',
  step_saved_flagged: 'registration.notice_saved_flagged',
  invited: 'registration.notice_invited',
  joined: 'registration.notice_joined',
};

/** The page context, with this module's one-line confirmations (`?notice=<key>`). */
function ctxOf(req: FastifyRequest, reply: FastifyReply): PageContext {
  const ctx = pageContext(req, reply);
  const key = (req.query as Record<string, unknown> | undefined)?.notice;
  return typeof key === 'string' && Object.hasOwn(NOTICES, key) ? { ...ctx, notice: req.t(NOTICES[key]!) } : ctx;
}

/** The signed-in actor, or undefined after answering with a redirect to the sign-in page. */
function signedIn(req: FastifyRequest, reply: FastifyReply, returnTo: string = req.url): Actor | undefined {
  if (req.actor) return req.actor;
  void reply.redirect(`/sign-in?return_to=${encodeURIComponent(returnTo)}`, 303);
  return undefined;
}

const errorMessage = (t: Translate, error: AppError) => t(`errors.${error.code}`, { ...error.params, defaultValue: error.message });

function formatDate(date: Date | null | undefined, lang: Language): string {
  return date ? new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(date) : '—';
}

// ---- Small form controls (the rules' field path is the input's name and, via fieldId, its id) ----

function TextArea({ name, label, value, error, hint, maxLength, rows = 5 }: { name: string; label: string; value?: string | undefined; error?: string | undefined; hint?: string | undefined; maxLength: number; rows?: number }) {
  const id = fieldId(name);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} name={name} rows={rows} required maxLength={maxLength} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, error, hint)}>
        {value ?? ''}
      </textarea>
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

function Checkbox({ name, label, checked, error, details, lang }: { name: string; label: string; checked: boolean; error?: string | undefined; details?: string; lang?: string }) {
  const id = fieldId(name);
  return (
    <div class="field">
      <label for={id} lang={lang}>
        <input type="checkbox" id={id} name={name} value="yes" checked={checked} required aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, error, undefined, details)} />
        {label}
      </label>
      <FieldMessages id={id} error={error} />
    </div>
  );
}

const optional = (t: Translate, label: string) => `${label} ${t('form.optional')}`;

// ---- Frame: progress indicator, flags ----

function Progress({ t, application, current }: { t: Translate; application: ApplicationView; current: Step | 'review' }) {
  const items: (Step | 'review')[] = [...STEPS, 'review'];
  return (
    <nav aria-label={t('registration.progress_label')} class="wizard-progress">
      <ol>
        {items.map((s) => {
          const done = s !== 'review' && application.completedSteps.includes(s);
          return (
            <li class={[done && 'completed', s === current && 'current'].filter(Boolean).join(' ') || undefined}>
              <a href={`/apply/${application.id}/${s}`} aria-current={s === current ? 'step' : undefined}>
                {t(`registration.step.${s}`)}
              </a>
              {done && <span class="step-status">{` ${t('registration.completed')}`}</span>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** REG-7, REG-8: what a reviewer will check. Shown, never blocking. */
function FlagList({ t, flags, id = 'flags-title', link }: { t: Translate; flags: readonly Finding[]; id?: string; link?: (f: Finding) => string }) {
  if (flags.length === 0) return null;
  return (
    <section class="flags" aria-labelledby={id}>
      <h2 id={id}>{t('registration.flags_title')}</h2>
      <p>{t('registration.flags_intro')}</p>
      <ul>
        {flags.map((f) => (
          <li>{link ? <a href={link(f)}>{findingText(t, f)}</a> : findingText(t, f)}</li>
        ))}
      </ul>
    </section>
  );
}

function WizardPage({ ctx, title, application, current, children }: { ctx: PageContext; title: string; application: ApplicationView; current: Step | 'review'; children: ComponentChildren }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={title}>
      <p class="application-ref">
        {t('registration.reference', { reference: application.reference })}
        {application.legalName && ` · ${application.legalName}`}
      </p>
      <Progress t={t} application={application} current={current} />
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}

// ---- The steps ----

interface StepState {
  application: ApplicationView;
  step: Step;
  answers: ApplicationAnswers[Step] | undefined;
  /** Empty rows to offer after the filled ones (repeated groups). */
  extraRows: number;
  errors: FormErrors;
  flags: readonly Finding[];
  /** Distributors that serve the registration country (the distributors step). */
  distributors?: Distributor[];
}

function CompanyFields({ t, lang, answers, errors }: { t: Translate; lang: Language; answers: CompanyAnswers | undefined; errors: FormErrors }) {
  const e = errors.fields;
  return (
    <>
      <TextField name="company.legal_name" label={t('fields.company.legal_name')} value={answers?.legalName} error={e['company.legal_name']} hint={t('registration.hint_legal_name')} autocomplete="organization" maxLength={FIELD_MAX.legalName} />
      <SelectField
        name="company.legal_form"
        label={t('fields.company.legal_form')}
        value={answers?.legalForm ?? ''}
        error={e['company.legal_form']}
        options={[{ value: '', label: t('registration.choose') }, ...LEGAL_FORMS.map((f) => ({ value: f, label: t(`registration.legal_form.${f}`) }))]}
      />
      <SelectField
        name="company.country"
        label={t('fields.company.country')}
        value={answers?.country ?? ''}
        error={e['company.country']}
        options={[{ value: '', label: t('registration.choose_country') }, ...countryOptions(lang).map((c) => ({ value: c.code, label: c.name }))]}
      />
      <TextField name="company.website" type="url" label={optional(t, t('fields.company.website'))} value={answers?.website} error={e['company.website']} hint={t('registration.hint_website')} autocomplete="url" required={false} maxLength={FIELD_MAX.website} />
      <TextField name="company.registration_number" label={t('fields.company.registration_number')} value={answers?.registrationNumber} error={e['company.registration_number']} hint={t('registration.hint_registration_number')} maxLength={FIELD_MAX.registrationNumber} />
    </>
  );
}

function ContactFields({ t, lang, application, answers, errors }: { t: Translate; lang: Language; application: ApplicationView; answers: ApplicationAnswers['contacts'] | undefined; errors: FormErrors }) {
  const e = errors.fields;
  const p = answers?.primary;
  const country = application.answers.company?.country;
  return (
    <>
      <p>{t('registration.contacts_intro')}</p>
      <TextField name="contacts.name" label={t('fields.contacts.name')} value={p?.name} error={e['contacts.name']} autocomplete="name" maxLength={FIELD_MAX.name} />
      <TextField name="contacts.title" label={optional(t, t('fields.contacts.title'))} value={p?.title} error={e['contacts.title']} autocomplete="organization-title" required={false} maxLength={FIELD_MAX.title} />
      <TextField name="contacts.email" type="email" label={t('fields.contacts.email')} value={p?.email} error={e['contacts.email']} hint={t('registration.hint_business_email')} autocomplete="email" maxLength={FIELD_MAX.email} />
      <LiveFindings name="contacts.email" />
      <TextField
        name="contacts.phone"
        type="tel"
        label={t('fields.contacts.phone')}
        value={p?.phone}
        error={e['contacts.phone']}
        hint={country && isCountryCode(country) ? t('registration.hint_phone_country', { country: countryName(country, lang) }) : t('registration.hint_phone')}
        autocomplete="tel"
        maxLength={FIELD_MAX.phone}
      />
    </>
  );
}

/**
 * Where public/registration.js shows the pre-check API's findings as soon as a field is left
 * (progressive enhancement). The API answers in English, hence the region's language.
 */
function LiveFindings({ name }: { name: string }) {
  return <div class="live-findings" aria-live="polite" data-live-for={name}></div>;
}

/** A repeated group's own problem (none listed, too many) is reported on the group. */
function GroupError({ name, error }: { name: string; error?: string | undefined }) {
  return error ? (
    <p id={`${fieldId(name)}-error`} class="field-error">
      {error}
    </p>
  ) : null;
}

function LocationRow({ t, lang, index, location, registrationCountry, errors }: { t: Translate; lang: Language; index: number; location: LocationAnswers | undefined; registrationCountry: string; errors: FormErrors }) {
  const e = errors.fields;
  const p = `locations.${index}`;
  const countries = [{ value: '', label: t('registration.choose_country') }, ...countryOptions(lang).map((c) => ({ value: c.code, label: c.name }))];
  return (
    <fieldset class="row-group" id={`row-${p}`} data-row={String(index)}>
      <legend>{t('registration.location_n', { n: index + 1 })}</legend>
      <TextField name={`${p}.line1`} field={`${p}.lines`} label={t('registration.address_line1')} value={location?.lines[0]} error={e[`${p}.lines`]} autocomplete={`section-loc${index} address-line1`} maxLength={FIELD_MAX.line} />
      <TextField name={`${p}.line2`} label={optional(t, t('registration.address_line2'))} value={location?.lines[1]} required={false} autocomplete={`section-loc${index} address-line2`} maxLength={FIELD_MAX.line} />
      <div class="grid">
        <TextField name={`${p}.city`} label={t('fields.locations.city')} value={location?.city} error={e[`${p}.city`]} autocomplete={`section-loc${index} address-level2`} maxLength={FIELD_MAX.city} />
        <TextField name={`${p}.postcode`} label={t('fields.locations.postcode')} value={location?.postcode} error={e[`${p}.postcode`]} autocomplete={`section-loc${index} postal-code`} maxLength={FIELD_MAX.postcode} />
      </div>
      <div class="grid">
        <SelectField name={`${p}.country`} label={t('fields.locations.country')} value={location?.country ?? registrationCountry} error={e[`${p}.country`]} options={countries} />
        <SelectField
          name={`${p}.type`}
          label={t('fields.locations.type')}
          value={location?.type ?? ''}
          error={e[`${p}.type`]}
          options={[{ value: '', label: t('registration.choose') }, ...LOCATION_TYPES.map((type) => ({ value: type, label: t(`registration.location_type.${type}`) }))]}
        />
      </div>
      <LiveFindings name={p} />
    </fieldset>
  );
}

function LocationFields({ t, lang, application, answers, extraRows, errors }: { t: Translate; lang: Language; application: ApplicationView; answers: ApplicationAnswers['locations'] | undefined; extraRows: number; errors: FormErrors }) {
  const items = answers?.items ?? [];
  const country = application.answers.company?.country ?? '';
  const rows = items.length + extraRows;
  return (
    <>
      <p id={fieldId('locations')} tabindex={-1}>
        {t('registration.locations_intro', { country: country && isCountryCode(country) ? countryName(country, lang) : t('registration.your_country') })}
      </p>
      <GroupError name="locations" error={errors.fields.locations} />
      {Array.from({ length: rows }, (_, i) => (
        <LocationRow t={t} lang={lang} index={i} location={items[i]} registrationCountry={country} errors={errors} />
      ))}
    </>
  );
}

function DistributorFields({ t, lang, application, answers, extraRows, errors, distributors }: { t: Translate; lang: Language; application: ApplicationView; answers: ApplicationAnswers['distributors'] | undefined; extraRows: number; errors: FormErrors; distributors: Distributor[] }) {
  const e = errors.fields;
  const country = application.answers.company?.country ?? '';
  const items = answers?.items ?? [];
  const rows = items.length + extraRows;
  const initialRow = items.findIndex((i) => i.distributorId && i.distributorId === answers?.initialDistributorId);
  const options = [{ value: '', label: t('registration.choose_distributor') }, ...distributors.map((d) => ({ value: d.id, label: d.legalName }))];
  const locator = `/distributors${isCountryCode(country) ? `?country=${country}` : ''}`;
  return (
    <>
      <p>{t('registration.distributors_intro', { country: isCountryCode(country) ? countryName(country, lang) : t('registration.your_country') })}</p>
      <p>
        {t('registration.no_distributor')} <a href={locator}>{t('registration.locator_link')}</a>
      </p>
      {distributors.length === 0 && (
        <p class="notice-warning" role="note">
          {isCountryCode(country) ? t('registration.no_distributors_serve', { country: countryName(country, lang) }) : t('registration.company_first')}
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
              <SelectField name={`${p}.distributor`} label={t('fields.distributors.distributor')} value={claim?.distributorId ?? ''} error={e[`${p}.distributor`]} options={options} />
              <TextField name={`${p}.account_number`} label={t('fields.distributors.account_number')} value={claim?.accountNumber} error={e[`${p}.account_number`]} hint={t('registration.hint_account_number')} maxLength={FIELD_MAX.accountNumber} />
            </div>
            <label for={radioId}>
              <input
                type="radio"
                id={radioId}
                name="distributors.initial_distributor"
                value={String(i)}
                checked={i === (initialRow === -1 && items.length === 0 ? 0 : initialRow)}
                aria-invalid={i === 0 && e['distributors.initial_distributor'] ? 'true' : undefined}
                aria-describedby={i === 0 && e['distributors.initial_distributor'] ? `${fieldId('distributors.initial_distributor')}-error` : undefined}
              />
              {t('registration.initial_distributor_choice')}
            </label>
            {i === 0 && <GroupError name="distributors.initial_distributor" error={e['distributors.initial_distributor']} />}
          </fieldset>
        );
      })}
    </>
  );
}

function AddedValueFields({ t, vendor, answers, errors }: { t: Translate; vendor: string; answers: ApplicationAnswers['added_value'] | undefined; errors: FormErrors }) {
  const e = errors.fields;
  return (
    <>
      <p id={fieldId('added_value')} tabindex={-1}>
        {t('registration.added_value_intro', { vendor })}
      </p>
      <Checkbox name="added_value.can_demonstrate" label={t('registration.attest_demonstrate', { vendor })} checked={!!answers?.canDemonstrate} error={e['added_value.can_demonstrate']} />
      <Checkbox name="added_value.provides_services" label={t('registration.attest_services', { vendor })} checked={!!answers?.providesServices} error={e['added_value.provides_services']} />
      <TextArea name="added_value.services_description" label={t('fields.added_value.services_description')} value={answers?.servicesDescription} error={e['added_value.services_description']} hint={t('registration.hint_services_description')} maxLength={FIELD_MAX.servicesDescription} />
    </>
  );
}

function PersonnelFields({ t, vendor, answers, extraRows, errors }: { t: Translate; vendor: string; answers: ApplicationAnswers['personnel'] | undefined; extraRows: number; errors: FormErrors }) {
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
              <TextField name={`${p}.name`} label={t('fields.personnel.name')} value={person?.name} error={e[`${p}.name`]} autocomplete="off" maxLength={FIELD_MAX.name} />
              <TextField name={`${p}.email`} type="email" label={t('fields.personnel.email')} value={person?.email} error={e[`${p}.email`]} autocomplete="off" maxLength={FIELD_MAX.email} />
              <TextField name={`${p}.role`} label={optional(t, t('fields.personnel.role'))} value={person?.role} error={e[`${p}.role`]} required={false} autocomplete="off" maxLength={FIELD_MAX.role} />
            </div>
          </fieldset>
        );
      })}
    </>
  );
}

function StepPage({ ctx, state }: { ctx: PageContext; state: StepState }) {
  const { t, lang } = ctx;
  const { application, step, answers, errors } = state;
  const index = STEPS.indexOf(step);
  const title = t(`registration.step.${step}`);
  const fields = (() => {
    switch (step) {
      case 'company':
        return <CompanyFields t={t} lang={lang} answers={answers as CompanyAnswers | undefined} errors={errors} />;
      case 'contacts':
        return <ContactFields t={t} lang={lang} application={application} answers={answers as ApplicationAnswers['contacts']} errors={errors} />;
      case 'locations':
        return <LocationFields t={t} lang={lang} application={application} answers={answers as ApplicationAnswers['locations']} extraRows={state.extraRows} errors={errors} />;
      case 'distributors':
        return <DistributorFields t={t} lang={lang} application={application} answers={answers as ApplicationAnswers['distributors']} extraRows={state.extraRows} errors={errors} distributors={state.distributors ?? []} />;
      case 'added_value':
        return <AddedValueFields t={t} vendor={ctx.vendor} answers={answers as ApplicationAnswers['added_value']} errors={errors} />;
      case 'personnel':
        return <PersonnelFields t={t} vendor={ctx.vendor} answers={answers as ApplicationAnswers['personnel']} extraRows={state.extraRows} errors={errors} />;
    }
  })();
  return (
    <WizardPage ctx={ctx} title={title} application={application} current={step}>
      <p class="step-count">{t('registration.step_of', { n: index + 1, total: STEPS.length + 1 })}</p>
      <ErrorSummary t={t} errors={errors} />
      <FlagList t={t} flags={state.flags} />
      <form method="post" action={`/apply/${application.id}/${step}`} novalidate data-step={step} data-country={application.answers.company?.country ?? ''} data-website={application.answers.company?.website ?? ''}>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="version" value={String(application.version)} />
        <p>
          <small>{t('form.required_hint')}</small>
        </p>
        {fields}
        <div class="wizard-actions">
          <button type="submit" name="action" value="continue">
            {t('registration.save_continue')}
          </button>
          {REPEATED.includes(step) && (
            <button type="submit" name="action" value="add" class="secondary">
              {t(`registration.add_another.${step}`)}
            </button>
          )}
        </div>
      </form>
      {(step === 'contacts' || step === 'locations') && <script type="module" src="/assets/registration.js"></script>}
      <p>
        <a href={index === 0 ? '/apply' : `/apply/${application.id}/${STEPS[index - 1]}`}>{index === 0 ? t('registration.back_to_list') : t('registration.back')}</a>
      </p>
    </WizardPage>
  );
}

// ---- Summary, signing and inviting (REG-1, REG-6, REG-11, REG-13) ----

function SummaryList({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="summary">
      {rows.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{value === '' || value === undefined || value === null ? '—' : value}</dd>
        </>
      ))}
    </dl>
  );
}

function StepSummary({ t, lang, step, answers, distributorNames }: { t: Translate; lang: Language; step: Step; answers: ApplicationAnswers; distributorNames: ReadonlyMap<string, string> }) {
  const country = (code: string | undefined) => (code && isCountryCode(code) ? countryName(code, lang) : (code ?? ''));
  const notAnswered = <p>{t('registration.not_answered')}</p>;
  switch (step) {
    case 'company': {
      const c = answers.company;
      if (!c) return notAnswered;
      return (
        <SummaryList
          rows={[
            [t('fields.company.legal_name'), c.legalName],
            [t('fields.company.legal_form'), c.legalForm ? t(`registration.legal_form.${c.legalForm}`, { defaultValue: c.legalForm }) : ''],
            [t('fields.company.country'), country(c.country)],
            [t('fields.company.website'), c.website],
            [t('fields.company.registration_number'), c.registrationNumber],
          ]}
        />
      );
    }
    case 'contacts': {
      const p = answers.contacts?.primary;
      if (!p) return notAnswered;
      return (
        <SummaryList
          rows={[
            [t('fields.contacts.name'), p.name],
            [t('fields.contacts.title'), p.title],
            [t('fields.contacts.email'), p.email],
            [t('fields.contacts.phone'), p.phone],
          ]}
        />
      );
    }
    case 'locations': {
      const items = answers.locations?.items ?? [];
      if (items.length === 0) return notAnswered;
      return (
        <ol class="summary-items">
          {items.map((l) => (
            <li>
              <span class="address">{[...l.lines.filter((x) => x.trim()), [l.postcode, l.city].filter(Boolean).join(' '), country(l.country)].join(', ')}</span>
              {' · '}
              {l.type ? t(`registration.location_type.${l.type}`, { defaultValue: l.type }) : '—'}
            </li>
          ))}
        </ol>
      );
    }
    case 'distributors': {
      const d = answers.distributors;
      if (!d || d.items.length === 0) return notAnswered;
      return (
        <ol class="summary-items">
          {d.items.map((c) => (
            <li>
              {t('registration.claim_summary', { distributor: distributorNames.get(c.distributorId) ?? '—', account: c.accountNumber })}
              {c.distributorId && c.distributorId === d.initialDistributorId && <strong>{` · ${t('registration.initial_distributor_marker')}`}</strong>}
            </li>
          ))}
        </ol>
      );
    }
    case 'added_value': {
      const a = answers.added_value;
      if (!a) return notAnswered;
      const yesNo = (v: boolean) => (v ? t('registration.yes') : t('registration.no'));
      return (
        <SummaryList
          rows={[
            [t('fields.added_value.can_demonstrate'), yesNo(a.canDemonstrate)],
            [t('fields.added_value.provides_services'), yesNo(a.providesServices)],
            [t('fields.added_value.services_description'), <span class="preserve-lines">{a.servicesDescription}</span>],
          ]}
        />
      );
    }
    case 'personnel': {
      const items = answers.personnel?.items ?? [];
      if (items.length === 0) return notAnswered;
      return (
        <ol class="summary-items">
          {items.map((p) => (
            <li>{[p.name, p.email, p.role].filter((x) => x.trim()).join(' · ')}</li>
          ))}
        </ol>
      );
    }
  }
}

interface ReviewState {
  application: ApplicationView;
  findings: Finding[];
  agreement: Agreement;
  distributorNames: ReadonlyMap<string, string>;
  signature: Signature;
  applicantAnswer: string;
  errors: FormErrors;
  inviteEmail: string;
  inviteErrors: FormErrors;
}

/** Where a problem can be fixed: its step's page, or the signing form on this page. */
function problemHref(applicationId: string, field: string): string {
  const step = stepOf(field);
  return step ? `/apply/${applicationId}/${step}#${fieldId(field)}` : `#${fieldId(field)}`;
}

/** Like ErrorSummary, for problems that may live on other pages of the wizard. */
function ProblemSummary({ t, applicationId, errors }: { t: Translate; applicationId: string; errors: FormErrors }) {
  const entries = Object.entries(errors.fields);
  if (entries.length === 0 && !errors.general) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} data-error-summary>
      <h2 id="error-summary-title">{t('form.error_summary')}</h2>
      {errors.general && <p>{errors.general}</p>}
      {entries.length > 0 && (
        <ul>
          {entries.map(([field, message]) => (
            <li>
              <a href={problemHref(applicationId, field)}>{message}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ReviewPage({ ctx, state }: { ctx: PageContext; state: ReviewState }) {
  const { t, lang, vendor } = ctx;
  const { application, findings, agreement, signature, errors } = state;
  const e = errors.fields;
  const stepProblems = blocking(findings).map(asViolation);
  const submitProblems = Object.keys(e).length > 0 ? [] : stepProblems;
  const flags = flagsOf(findings);
  return (
    <WizardPage ctx={ctx} title={t('registration.review_title')} application={application} current="review">
      <p class="step-count">{t('registration.step_of', { n: STEPS.length + 1, total: STEPS.length + 1 })}</p>
      <ProblemSummary t={t} applicationId={application.id} errors={errors} />
      {submitProblems.length > 0 && (
        <section class="problems" aria-labelledby="problems-title">
          <h2 id="problems-title">{t('registration.problems_title')}</h2>
          <p>{t('registration.problems_intro')}</p>
          <ul>
            {submitProblems.map((p) => (
              <li>
                <a href={problemHref(application.id, p.field)}>{violationMessage(t, p)}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <FlagList t={t} flags={flags} link={(f) => problemHref(application.id, f.field)} />

      <h2>{t('registration.summary_title')}</h2>
      {STEPS.map((step) => (
        <section class="step-summary" aria-labelledby={`summary-${step}`}>
          <h3 id={`summary-${step}`}>
            {t(`registration.step.${step}`)}{' '}
            <small>
              <a href={`/apply/${application.id}/${step}`}>
                {t('registration.change')}
                <span class="visually-hidden">{` ${t(`registration.step.${step}`)}`}</span>
              </a>
            </small>
          </h3>
          <StepSummary t={t} lang={lang} step={step} answers={application.answers} distributorNames={state.distributorNames} />
        </section>
      ))}

      <h2 id="sign-title">{t('registration.sign_title')}</h2>
      {agreement ? (
        <section class="agreement">
          <h3 id="agreement-title">{t('registration.agreement_heading', { title: agreement.title, version: agreement.version })}</h3>
          <p>
            <small>{t('registration.agreement_effective', { date: formatDate(agreement.effectiveAt, lang) })}</small>
          </p>
          <div class="agreement-text" tabindex={0} role="region" aria-labelledby="agreement-title">
            {agreement.body}
          </div>
        </section>
      ) : (
        <p class="notice-warning" role="note">
          {t('registration.agreement_missing')}
        </p>
      )}
      <form method="post" action={`/apply/${application.id}/submit`} novalidate aria-labelledby="sign-title">
        <CsrfField token={ctx.csrfToken} />
        {application.status === 'info_requested' && (
          <section class="staff-question" aria-labelledby="question-title">
            <h3 id="question-title">{t('registration.staff_question_title')}</h3>
            <blockquote class="preserve-lines">{application.staffQuestion}</blockquote>
            <TextArea name="applicant_answer" label={t('fields.applicant_answer')} value={state.applicantAnswer} error={e.applicant_answer} maxLength={FIELD_MAX.applicantAnswer} />
          </section>
        )}
        <p>{t('registration.sign_intro')}</p>
        <Checkbox name="sign.confirms_authority" label={signatureAuthorityText(vendor)} lang="en" checked={signature.confirmsAuthority} error={e['sign.confirms_authority']} />
        <div class="grid">
          <TextField name="sign.signatory_name" label={t('fields.sign.signatory_name')} value={signature.name} error={e['sign.signatory_name']} autocomplete="name" maxLength={FIELD_MAX.name} />
          <TextField name="sign.signatory_title" label={t('fields.sign.signatory_title')} value={signature.title} error={e['sign.signatory_title']} autocomplete="organization-title" maxLength={FIELD_MAX.title} />
        </div>
        {agreement && <input type="hidden" name="sign.agreement_version" value={agreement.version} />}
        <Checkbox name="sign.agreement" label={t('registration.accept_agreement', { version: agreement?.version ?? '—' })} checked={!!signature.acceptedAgreementVersion} error={e['sign.agreement']} />
        <section class="release" aria-labelledby="release-title">
          <h3 id="release-title">{t('registration.release_title')}</h3>
          <div id="release-text" class="release-text preserve-lines" lang="en">
            {releaseOfInformationText(vendor)}
          </div>
          <Checkbox name="sign.release_consent" label={t('registration.accept_release')} checked={signature.consentsToRelease} error={e['sign.release_consent']} details="release-text" />
        </section>
        <button type="submit">{application.status === 'info_requested' ? t('registration.resubmit') : t('registration.submit')}</button>
      </form>

      <section class="invite" aria-labelledby="invite-title">
        <h2 id="invite-title">{t('registration.invite_title')}</h2>
        <p>{t('registration.invite_intro')}</p>
        <ErrorSummaryInline t={t} errors={state.inviteErrors} />
        <form method="post" action={`/apply/${application.id}/invite`} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField name="email" field="invite.email" type="email" label={t('fields.invite.email')} value={state.inviteEmail} error={state.inviteErrors.fields['invite.email']} autocomplete="off" maxLength={FIELD_MAX.email} />
          <button type="submit" class="secondary">
            {t('registration.invite_submit')}
          </button>
        </form>
        {application.members.length > 0 && (
          <>
            <h3>{t('registration.members_title')}</h3>
            <ul>
              {application.members.map((m) => (
                <li>{t('registration.member', { name: m.name, email: m.email, role: t(`registration.member_role.${m.role}`) })}</li>
              ))}
            </ul>
          </>
        )}
      </section>
    </WizardPage>
  );
}

/** The invitation form's problem, next to it (the page's summary is about signing). */
function ErrorSummaryInline({ t, errors }: { t: Translate; errors: FormErrors }) {
  const messages = [errors.general, ...Object.values(errors.fields)].filter(Boolean);
  if (messages.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="invite-error-title" tabindex={-1} data-error-summary>
      <h3 id="invite-error-title">{t('form.error_summary')}</h3>
      <ul>
        {messages.map((m) => (
          <li>{m}</li>
        ))}
      </ul>
    </div>
  );
}

// ---- Status (REG-12) and the list ----

function StatusPage({ ctx, application }: { ctx: PageContext; application: ApplicationView }) {
  const { t, lang } = ctx;
  const status = application.status;
  return (
    <Layout ctx={ctx} title={t('registration.status_title')}>
      <h1>{t('registration.status_title')}</h1>
      <dl class="summary">
        <dt>{t('registration.reference_label')}</dt>
        <dd>{application.reference}</dd>
        <dt>{t('fields.company.legal_name')}</dt>
        <dd>{application.legalName ?? '—'}</dd>
        <dt>{t('fields.status')}</dt>
        <dd>
          <strong>{t(`registration.state.${status}`)}</strong>
        </dd>
        {application.submittedAt && (
          <>
            <dt>{t('registration.submitted_on')}</dt>
            <dd>{formatDate(application.submittedAt, lang)}</dd>
          </>
        )}
      </dl>
      {/* REG-12: a decline shows the generic message only; the service never hands a reason to this page. */}
      <p role="status" class="status-message">
        {t(applicantStatusMessageKey(status))}
      </p>
      {status === 'draft' && (
        <p>
          <a href={continuePath(application)} role="button">
            {t('registration.continue')}
          </a>
        </p>
      )}
      {status === 'info_requested' && (
        <section aria-labelledby="question-title">
          <h2 id="question-title">{t('registration.staff_question_title')}</h2>
          <blockquote class="preserve-lines">{application.staffQuestion}</blockquote>
          <p>
            <a href={`/apply/${application.id}/review`} role="button">
              {t('registration.answer_question')}
            </a>
          </p>
        </section>
      )}
      <p>
        <a href="/apply">{t('registration.back_to_list')}</a>
      </p>
    </Layout>
  );
}

function ListPage({ ctx, applications, errors }: { ctx: PageContext; applications: Awaited<ReturnType<typeof registration.listMyApplications>>; errors: FormErrors }) {
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t('registration.list_title')}>
      <h1>{t('registration.list_title')}</h1>
      <p>{t('registration.list_intro', { vendor: ctx.vendor })}</p>
      <ErrorSummary t={t} errors={errors} />
      {applications.length === 0 ? (
        <p>{t('registration.list_empty')}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{t('registration.list_caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('registration.reference_label')}</th>
              <th scope="col">{t('fields.company.legal_name')}</th>
              <th scope="col">{t('fields.status')}</th>
              <th scope="col">{t('registration.updated')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('registration.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {applications.map((a) => (
              <tr>
                <td>{a.reference}</td>
                <td>{a.legalName ?? '—'}</td>
                <td>{t(`registration.state.${a.status}`)}</td>
                <td>{formatDate(a.updatedAt, lang)}</td>
                <td>
                  <a href={a.status === 'draft' || a.status === 'info_requested' ? `/apply/${a.id}` : `/apply/${a.id}/status`}>
                    {a.status === 'draft' ? t('registration.continue') : a.status === 'info_requested' ? t('registration.answer_question') : t('registration.view_status')}
                    <span class="visually-hidden">{` ${a.reference}`}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form method="post" action="/apply">
        <CsrfField token={ctx.csrfToken} />
        <button type="submit">{t('registration.start')}</button>
      </form>
    </Layout>
  );
}

// ---- Routes ----

type IdParams = { Params: { id: string } };
type StepParams = { Params: { id: string; step: string } };

export async function registrationPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;

  /** The distributors that serve the country, and any already claimed that no longer do. */
  async function distributorChoices(country: string | undefined, claimed: readonly string[]): Promise<Distributor[]> {
    const serving = country && isCountryCode(country) ? await distributorsServing(appCtx(), country) : [];
    const known = new Set(serving.map((d) => d.id));
    const others = await Promise.all(claimed.filter((id) => id && !known.has(id)).map((id) => getDistributor(appCtx(), id).catch(() => undefined)));
    return [...serving, ...others.filter((d): d is Distributor => !!d && !known.has(d.id))];
  }

  async function renderStep(req: FastifyRequest, reply: FastifyReply, state: Omit<StepState, 'distributors'>, status = 200) {
    const ctx = ctxOf(req, reply);
    const distributors = state.step === 'distributors' ? await distributorChoices(state.application.answers.company?.country, ((state.answers as ApplicationAnswers['distributors']) ?? { items: [] }).items.map((i) => i.distributorId)) : undefined;
    return sendPage(reply, <StepPage ctx={ctx} state={{ ...state, ...(distributors ? { distributors } : {}) }} />, status);
  }

  async function renderReview(req: FastifyRequest, reply: FastifyReply, actor: Actor, id: string, input: Partial<Pick<ReviewState, 'signature' | 'applicantAnswer' | 'errors' | 'inviteEmail' | 'inviteErrors'>>, status = 200) {
    const { application, findings } = await registration.reviewApplication(appCtx(), actor, id);
    if (!editable(application)) return reply.redirect(`/apply/${id}/status`, 303);
    const agreement = await registration.currentAgreementView(appCtx());
    const claimed = application.answers.distributors?.items.map((i) => i.distributorId) ?? [];
    const names = new Map((await distributorChoices(undefined, claimed)).map((d) => [d.id, d.legalName]));
    const ctx = ctxOf(req, reply);
    const state: ReviewState = {
      application,
      findings,
      agreement,
      distributorNames: names,
      signature: input.signature ?? { confirmsAuthority: false, name: application.signatory?.name ?? actor.name, title: application.signatory?.title ?? '', acceptedAgreementVersion: '', consentsToRelease: false },
      applicantAnswer: input.applicantAnswer ?? '',
      errors: input.errors ?? noErrors,
      inviteEmail: input.inviteEmail ?? '',
      inviteErrors: input.inviteErrors ?? noErrors,
    };
    return sendPage(reply, <ReviewPage ctx={ctx} state={state} />, status);
  }

  // REG-13: your applications, and the button that starts one.
  app.get('/apply', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    return sendPage(reply, <ListPage ctx={ctxOf(req, reply)} applications={await registration.listMyApplications(appCtx(), actor)} errors={noErrors} />);
  });

  app.post('/apply', async (req, reply) => {
    const actor = signedIn(req, reply, '/apply');
    if (!actor) return reply;
    try {
      const application = await registration.startApplication(appCtx(), actor, requestMeta(req));
      return reply.redirect(`/apply/${application.id}/${STEPS[0]}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'email_not_verified') throw error;
      const ctx = ctxOf(req, reply);
      return sendPage(reply, <ListPage ctx={ctx} applications={await registration.listMyApplications(appCtx(), actor)} errors={{ general: errorMessage(ctx.t, error), fields: {} }} />, 403);
    }
  });

  // REG-1: the invited colleague follows the emailed link, signed in with their own account.
  app.get('/apply/join', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const token = formField(req.query, 'token');
    try {
      if (!token || token.length > 200) throw new AppError('token_invalid', 'invalid invitation', 400);
      const id = await registration.acceptSignatoryInvitation(appCtx(), actor, token, requestMeta(req));
      return reply.redirect(`/apply/${id}/review?notice=joined`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'token_invalid') throw error;
      const ctx = ctxOf(req, reply);
      return sendPage(
        reply,
        <Layout ctx={ctx} title={ctx.t('registration.join_failed_title')}>
          <h1>{ctx.t('registration.join_failed_title')}</h1>
          <p>{ctx.t('registration.join_failed_body')}</p>
          <p>
            <a href="/apply">{ctx.t('registration.back_to_list')}</a>
          </p>
        </Layout>,
        400,
      );
    }
  });

  app.get<IdParams>('/apply/:id', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    return reply.redirect(continuePath(await registration.getApplication(appCtx(), actor, req.params.id)), 303);
  });

  app.get<IdParams>('/apply/:id/status', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const application = await registration.getApplication(appCtx(), actor, req.params.id);
    return sendPage(reply, <StatusPage ctx={ctxOf(req, reply)} application={application} />);
  });

  app.get<IdParams>('/apply/:id/review', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    return renderReview(req, reply, actor, req.params.id, {});
  });

  app.post<IdParams>('/apply/:id/submit', async (req, reply) => {
    const { id } = req.params;
    const actor = signedIn(req, reply, `/apply/${id}/review`);
    if (!actor) return reply;
    const { signature, applicantAnswer } = parseSignature(req.body);
    try {
      await registration.submitApplication(appCtx(), actor, id, signature, applicantAnswer, requestMeta(req));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      return renderReview(req, reply, actor, id, { signature, applicantAnswer, errors: formErrors(req.t, error.violations) }, 422);
    }
    return reply.redirect(`/apply/${id}/status`, 303);
  });

  app.post<IdParams>('/apply/:id/invite', { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => {
    const { id } = req.params;
    const actor = signedIn(req, reply, `/apply/${id}/review`);
    if (!actor) return reply;
    const email = formField(req.body, 'email');
    try {
      await registration.inviteSignatory(appCtx(), actor, id, email, requestMeta(req));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      const inviteErrors = formErrors(req.t, error.violations.map((v) => ({ ...v, field: 'invite.email' })));
      return renderReview(req, reply, actor, id, { inviteEmail: email, inviteErrors }, 422);
    }
    return reply.redirect(`/apply/${id}/review?notice=invited`, 303);
  });

  app.get<StepParams>('/apply/:id/:step', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const { id, step } = req.params;
    if (!isStep(step)) throw notFound('Page');
    const { application, findings } = await registration.reviewApplication(appCtx(), actor, id);
    if (!editable(application)) return reply.redirect(`/apply/${id}/status`, 303);
    const answers = application.answers[step];
    return renderStep(req, reply, { application, step, answers, extraRows: 1, errors: noErrors, flags: answers ? flagsOf(findings, step) : [] });
  });

  // REG-13: "Save and continue" always saves what was typed; failing rules re-render the step.
  app.post<StepParams>('/apply/:id/:step', async (req, reply) => {
    const { id, step } = req.params;
    const actor = signedIn(req, reply, `/apply/${id}/${step}`);
    if (!actor) return reply;
    if (!isStep(step)) throw notFound('Page');
    const { answers, emptyRows } = parseStep(step, req.body);
    const version = Number(formField(req.body, 'version'));
    const adding = formField(req.body, 'action') === 'add' && REPEATED.includes(step);
    let saved: Awaited<ReturnType<typeof registration.saveStep>>;
    try {
      saved = await registration.saveStep(appCtx(), actor, id, step, answers, Number.isInteger(version) ? version : -1, requestMeta(req));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'application_not_editable') return reply.redirect(`/apply/${id}/status`, 303);
      if (error.code !== 'stale_version') throw error;
      // Keep what was typed, with the current version: saving again is a deliberate choice.
      const application = await registration.getApplication(appCtx(), actor, id);
      return renderStep(req, reply, { application, step, answers, extraRows: Math.max(1, emptyRows), errors: { general: req.t('registration.stale_version'), fields: {} }, flags: [] }, 409);
    }
    const { application, findings } = saved;
    const flags = flagsOf(findings, step);
    if (adding) return renderStep(req, reply, { application, step, answers, extraRows: emptyRows + 1, errors: noErrors, flags });
    const failures = blocking(findings);
    if (failures.length > 0) return renderStep(req, reply, { application, step, answers, extraRows: 1, errors: formErrors(req.t, failures.map(asViolation)), flags }, 422);
    const next = STEPS[STEPS.indexOf(step) + 1] ?? 'review';
    return reply.redirect(`/apply/${id}/${next}?notice=${flags.length > 0 ? 'step_saved_flagged' : 'step_saved'}`, 303);
  });
}
