import type { ComponentChildren } from 'preact';
import { countryName, isCountryCode } from '../../platform/countries.ts';
import type { Language, Translate } from '../../platform/i18n.ts';
import { CsrfField, ErrorSummary, fieldId, TextField, type FormErrors } from '../../platform/views/components.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { TextArea } from '../../platform/views/page-helpers.tsx';
import { FIELD_MAX } from './registration.forms.ts';
import { AgreementSection } from './agreement-views.tsx';
import {
  blocking,
  STEPS,
  type ApplicationAnswers,
  type Finding,
  type Signature,
  type Step,
} from './registration.rules.ts';
import { textFor } from './agreement-texts.rules.ts';
import type { ApplicationView } from './registration.service.ts';
import type { AgreementView } from './agreements.service.ts';
import { InviteSection } from './invitation-views.tsx';
import { applicantMessage, asViolation, Checkbox, FlagList, flagsOf, stepOf, WizardPage } from './wizard-frame.tsx';

// REG-1, REG-6, REG-11, REG-13: the summary of every answer before submission, the problems
// still open (each linking to where it is fixed), the agreement and the signing form.

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

function StepSummary({
  t,
  lang,
  step,
  answers,
  distributorNames,
}: {
  t: Translate;
  lang: Language;
  step: Step;
  answers: ApplicationAnswers;
  distributorNames: ReadonlyMap<string, string>;
}) {
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
            [
              t('fields.company.legal_form'),
              c.legalForm ? t(`registration.legal_form.${c.legalForm}`, { defaultValue: c.legalForm }) : '',
            ],
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
              <span class="address">
                {[
                  ...l.lines.filter((x) => x.trim()),
                  [l.postcode, l.city].filter(Boolean).join(' '),
                  country(l.country),
                ].join(', ')}
              </span>
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
              {t('registration.claim_summary', {
                distributor: distributorNames.get(c.distributorId) ?? '—',
                account: c.accountNumber,
              })}
              {c.distributorId && c.distributorId === d.initialDistributorId && (
                <strong>{` · ${t('registration.initial_distributor_marker')}`}</strong>
              )}
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

export interface ReviewState {
  application: ApplicationView;
  findings: Finding[];
  agreement: AgreementView | null;
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
export function ReviewPage({ ctx, state }: { ctx: PageContext; state: ReviewState }) {
  const { t, lang, vendor } = ctx;
  const { application, findings, agreement, signature, errors } = state;
  // X-1: the applicant's language's texts, or the governing ones with a statement that they bind.
  const shown = agreement ? textFor(agreement.texts, lang, agreement.governingLanguage) : undefined;
  const e = errors.fields;
  const stepProblems = blocking(findings).map(asViolation);
  const submitProblems = Object.keys(e).length > 0 ? [] : stepProblems;
  const flags = flagsOf(findings);
  return (
    <WizardPage ctx={ctx} title={t('registration.review_title')} application={application} current="review">
      <p class="step-count">{t('registration.step_of', { n: STEPS.length + 1, total: STEPS.length + 1 })}</p>
      <ErrorSummary t={t} errors={errors} href={(field) => problemHref(application.id, field)} />
      {submitProblems.length > 0 && (
        <section class="problems" aria-labelledby="problems-title">
          <h2 id="problems-title">{t('registration.problems_title')}</h2>
          <p>{t('registration.problems_intro')}</p>
          <ul>
            {submitProblems.map((p) => (
              <li>
                <a href={problemHref(application.id, p.field)}>{applicantMessage(t, p)}</a>
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
          <StepSummary
            t={t}
            lang={lang}
            step={step}
            answers={application.answers}
            distributorNames={state.distributorNames}
          />
        </section>
      ))}

      <h2 id="sign-title">{t('registration.sign_title')}</h2>
      {shown ? (
        <AgreementSection
          ctx={ctx}
          agreement={agreement!}
          shown={shown.text}
          fallback={shown.fallback}
          error={e['sign.text_hash']}
        />
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
            <TextArea
              name="applicant_answer"
              label={t('fields.applicant_answer')}
              value={state.applicantAnswer}
              error={e.applicant_answer}
              maxLength={FIELD_MAX.applicantAnswer}
              rows={5}
            />
          </section>
        )}
        <p>{t('registration.sign_intro')}</p>
        <Checkbox
          name="sign.confirms_authority"
          label={shown?.text.signatureAuthority ?? t('consent.signature_authority', { vendor })}
          lang={shown?.text.language ?? lang}
          checked={signature.confirmsAuthority}
          error={e['sign.confirms_authority']}
        />
        <div class="grid">
          <TextField
            name="sign.signatory_name"
            label={t('fields.sign.signatory_name')}
            value={signature.name}
            error={e['sign.signatory_name']}
            autocomplete="name"
            maxLength={FIELD_MAX.name}
          />
          <TextField
            name="sign.signatory_title"
            label={t('fields.sign.signatory_title')}
            value={signature.title}
            error={e['sign.signatory_title']}
            autocomplete="organization-title"
            maxLength={FIELD_MAX.title}
          />
        </div>
        {agreement && <input type="hidden" name="sign.agreement_version" value={agreement.version} />}
        {shown && <input type="hidden" name="sign.text_language" value={shown.text.language} />}
        {shown && <input type="hidden" name="sign.text_hash" value={shown.text.textHash} />}
        <Checkbox
          name="sign.agreement"
          label={t('registration.accept_agreement', { version: agreement?.version ?? '—' })}
          checked={!!signature.acceptedAgreementVersion}
          error={e['sign.agreement']}
        />
        <section class="release" aria-labelledby="release-title">
          <h3 id="release-title">{t('registration.release_title')}</h3>
          <div id="release-text" class="release-text preserve-lines" lang={shown?.text.language ?? lang}>
            {shown?.text.releaseOfInformation ?? t('consent.release_of_information', { vendor })}
          </div>
          <Checkbox
            name="sign.release_consent"
            label={t('registration.accept_release')}
            checked={signature.consentsToRelease}
            error={e['sign.release_consent']}
            details="release-text"
          />
        </section>
        <button type="submit">
          {application.status === 'info_requested' ? t('registration.resubmit') : t('registration.submit')}
        </button>
      </form>

      <InviteSection ctx={ctx} application={application} email={state.inviteEmail} errors={state.inviteErrors} />
    </WizardPage>
  );
}
