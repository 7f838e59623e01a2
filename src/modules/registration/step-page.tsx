import { CsrfField, ErrorSummary, type FormErrors } from '../../platform/views/components.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import type { Distributor } from '../distributors/index.ts';
import { STEPS, type ApplicationAnswers, type CompanyAnswers, type Finding, type Step } from './registration.rules.ts';
import type { ApplicationView } from './registration.service.ts';
import { FlagList, REPEATED, WizardPage } from './wizard-frame.tsx';
import {
  AddedValueFields,
  CompanyFields,
  ContactFields,
  DistributorFields,
  LocationFields,
  PersonnelFields,
} from './wizard-steps.tsx';

// REG-13: one step of the guided application: its fields, its problems and flags, "Save and
// continue" and, for repeated groups, "Add another".

export interface StepState {
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

export function StepPage({ ctx, state }: { ctx: PageContext; state: StepState }) {
  const { t, lang } = ctx;
  const { application, step, answers, errors } = state;
  const index = STEPS.indexOf(step);
  const title = t(`registration.step.${step}`);
  const fields = (() => {
    switch (step) {
      case 'company':
        return <CompanyFields t={t} lang={lang} answers={answers as CompanyAnswers | undefined} errors={errors} />;
      case 'contacts':
        return (
          <ContactFields
            t={t}
            lang={lang}
            application={application}
            answers={answers as ApplicationAnswers['contacts']}
            errors={errors}
          />
        );
      case 'locations':
        return (
          <LocationFields
            t={t}
            lang={lang}
            application={application}
            answers={answers as ApplicationAnswers['locations']}
            extraRows={state.extraRows}
            errors={errors}
          />
        );
      case 'distributors':
        return (
          <DistributorFields
            t={t}
            lang={lang}
            application={application}
            answers={answers as ApplicationAnswers['distributors']}
            extraRows={state.extraRows}
            errors={errors}
            distributors={state.distributors ?? []}
          />
        );
      case 'added_value':
        return (
          <AddedValueFields
            t={t}
            vendor={ctx.vendor}
            answers={answers as ApplicationAnswers['added_value']}
            errors={errors}
          />
        );
      case 'personnel':
        return (
          <PersonnelFields
            t={t}
            vendor={ctx.vendor}
            answers={answers as ApplicationAnswers['personnel']}
            extraRows={state.extraRows}
            errors={errors}
          />
        );
    }
  })();
  return (
    <WizardPage ctx={ctx} title={title} application={application} current={step}>
      <p class="step-count">{t('registration.step_of', { n: index + 1, total: STEPS.length + 1 })}</p>
      <ErrorSummary t={t} errors={errors} />
      <FlagList t={t} flags={state.flags} />
      <form
        method="post"
        action={`/apply/${application.id}/${step}`}
        novalidate
        data-save-before-language
        data-step={step}
        data-country={application.answers.company?.country ?? ''}
        data-website={application.answers.company?.website ?? ''}
      >
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
        <a href={index === 0 ? '/apply' : `/apply/${application.id}/${STEPS[index - 1]}`}>
          {index === 0 ? t('registration.back_to_list') : t('registration.back')}
        </a>
      </p>
    </WizardPage>
  );
}
