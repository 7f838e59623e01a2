import type { ComponentChildren } from 'preact';
import { describedBy, FieldMessages, fieldId, formErrors, type FormErrors } from '../../platform/views/components.tsx';
import type { FieldViolation } from '../../platform/errors.ts';
import type { Translate } from '../../platform/i18n.ts';
import { violationMessage } from '../../platform/violations.ts';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { STEPS, type Finding, type Step } from './registration.rules.ts';
import { isEditable } from './application-status.rules.ts';
import type { ApplicationView } from './registration.service.ts';

// REG-13: what every page of the guided application shares: the frame (reference, progress,
// heading), the reviewer flags, and the small controls the steps and the summary use.

export const REPEATED: readonly Step[] = ['locations', 'distributors', 'personnel'];
export const isStep = (value: string): value is Step => (STEPS as readonly string[]).includes(value);

/** The step a finding's field belongs to (`locations.0.city` → locations). */
export function stepOf(field: string): Step | undefined {
  const head = field.split('.')[0] ?? '';
  return isStep(head) ? head : undefined;
}

export const asViolation = (f: Finding): FieldViolation => ({
  field: f.field,
  rule: f.code,
  ...(f.params ? { params: f.params } : {}),
});

// A rule's message starts with the requirement it applies ("REG-8: …"), which staff views and
// the API show; applicants read the sentence in plain words, without the internal ID.
const REQUIREMENT_ID = /^REG-\d+\s?:\s*/;
export const applicantMessage = (t: Translate, v: FieldViolation) => violationMessage(t, v).replace(REQUIREMENT_ID, '');
export const findingText = (t: Translate, f: Finding) => applicantMessage(t, asViolation(f));

/** Like formErrors, in the applicant's words. */
export function applicantErrors(t: Translate, violations: FieldViolation[]): FormErrors {
  const { general, fields } = formErrors(t, violations);
  return {
    general,
    fields: Object.fromEntries(
      Object.entries(fields).map(([field, message]) => [field, message.replace(REQUIREMENT_ID, '')]),
    ),
  };
}
export const flagsOf = (findings: readonly Finding[], step?: Step) =>
  findings.filter((f) => f.outcome === 'review' && (!step || stepOf(f.field) === step));

/** Where to continue a draft: the first step not completed yet, else the summary. */
export function continuePath(application: ApplicationView): string {
  if (!isEditable(application.status)) return `/apply/${application.id}/status`;
  const next = STEPS.find((s) => !application.completedSteps.includes(s));
  return `/apply/${application.id}/${next ?? 'review'}`;
}

export function Checkbox({
  name,
  label,
  checked,
  error,
  details,
  lang,
}: {
  name: string;
  label: string;
  checked: boolean;
  error?: string | undefined;
  details?: string;
  lang?: string;
}) {
  const id = fieldId(name);
  return (
    <div class="field">
      <label for={id} lang={lang}>
        <input
          type="checkbox"
          id={id}
          name={name}
          value="yes"
          checked={checked}
          required
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(id, error, undefined, details)}
        />
        {label}
      </label>
      <FieldMessages id={id} error={error} />
    </div>
  );
}

export const optional = (t: Translate, label: string) => `${label} ${t('form.optional')}`;

// ---- Frame: progress indicator, flags ----

export function Progress({
  t,
  application,
  current,
}: {
  t: Translate;
  application: ApplicationView;
  current: Step | 'review';
}) {
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
export function FlagList({
  t,
  flags,
  id = 'flags-title',
  link,
}: {
  t: Translate;
  flags: readonly Finding[];
  id?: string;
  link?: (f: Finding) => string;
}) {
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

export function WizardPage({
  ctx,
  title,
  application,
  current,
  children,
}: {
  ctx: PageContext;
  title: string;
  application: ApplicationView;
  current: Step | 'review';
  children: ComponentChildren;
}) {
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

/**
 * Where public/registration.js shows the pre-check API's findings as soon as a field is left
 * (progressive enhancement). The API answers in English, hence the region's language.
 */
export function LiveFindings({ name }: { name: string }) {
  return <div class="live-findings" aria-live="polite" data-live-for={name}></div>;
}

/** A repeated group's own problem (none listed, too many) is reported on the group. */
export function GroupError({ name, error }: { name: string; error?: string | undefined }) {
  return error ? (
    <p id={`${fieldId(name)}-error`} class="field-error">
      {error}
    </p>
  ) : null;
}
