import { CsrfField, fieldId, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { DateTime, TextArea } from '../../platform/views/page-helpers.tsx';
import { isOpen, type Decision } from './review.rules.ts';
import type { ReviewDetail } from './review.service.ts';

// The reviewer's work on an application: who holds it, the decisions so far, the checklist and
// the decision form (REG-12).

export const DECISIONS: readonly Decision[] = ['approve', 'decline', 'request_info'];
export const isDecision = (value: string): value is Decision => (DECISIONS as readonly string[]).includes(value);

/** REG-12: the decisions so far, with the internal reasons, which only staff ever see. */
export function History({ ctx, detail }: { ctx: PageContext; detail: ReviewDetail }) {
  const { t, lang } = ctx;
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t('staff.review.history_title')}</h2>
      {detail.applicantAnswer && (
        <div class="applicant-answer">
          <h3>{t('staff.review.applicant_answer')}</h3>
          <blockquote class="preserve-lines">{detail.applicantAnswer}</blockquote>
        </div>
      )}
      {detail.decisions.length === 0 ? (
        <p>{t('staff.review.no_decisions')}</p>
      ) : (
        <DataTable
          caption={t('staff.review.history_caption')}
          columns={[
            t('staff.review.decided_at'),
            t('fields.decision'),
            t('staff.review.decided_by'),
            t('staff.review.details'),
          ]}
          rows={detail.decisions}
          row={(d) => (
            <tr>
              <td>
                <DateTime date={d.decidedAt} lang={lang} />
              </td>
              <td>{t(`staff.status.${d.decision}`, { defaultValue: d.decision })}</td>
              <td>{d.decidedBy}</td>
              <td>
                {d.internalReason && (
                  <p class="internal-reason">
                    <strong>{t('staff.review.internal_reason_label')}</strong>{' '}
                    <span class="preserve-lines">{d.internalReason}</span>
                  </p>
                )}
                {d.question && (
                  <p>
                    <strong>{t('staff.review.question_label')}</strong> <span class="preserve-lines">{d.question}</span>
                  </p>
                )}
              </td>
            </tr>
          )}
        />
      )}
    </section>
  );
}

export function ClaimSection({ ctx, detail, conflict }: { ctx: PageContext; detail: ReviewDetail; conflict: boolean }) {
  const { t, actor } = ctx;
  const mine = detail.reviewer?.id === actor?.userId;
  return (
    <section aria-labelledby="claim-heading" class="claim">
      <h2 id="claim-heading">{t('staff.review.claim_title')}</h2>
      {conflict && (
        <p class="notice-warning" role="alert">
          {t('staff.review.claim_conflict', { name: detail.reviewer?.name ?? '' })}
        </p>
      )}
      {mine ? (
        <p>{t('staff.review.claimed_by_you')}</p>
      ) : detail.reviewer ? (
        <p>{t('staff.review.claimed_by', { name: detail.reviewer.name })}</p>
      ) : (
        <p>{t('staff.review.unclaimed')}</p>
      )}
      {!mine && isOpen(detail.status) && (
        <form method="post" action={`/staff/applications/${detail.id}/claim`}>
          <CsrfField token={ctx.csrfToken} />
          {detail.reviewer && <input type="hidden" name="take_over" value="yes" />}
          <button type="submit" class={detail.reviewer ? 'secondary' : undefined}>
            {detail.reviewer ? t('staff.review.take_over') : t('staff.review.claim')}
          </button>
        </form>
      )}
    </section>
  );
}

export function Checklist({
  ctx,
  detail,
  error,
}: {
  ctx: PageContext;
  detail: ReviewDetail;
  error?: string | undefined;
}) {
  const { t } = ctx;
  const editable = isOpen(detail.status);
  const describedBy = [error && `${fieldId('checklist')}-error`, 'checklist-intro'].filter(Boolean).join(' ');
  const boxes = (
    <fieldset id={fieldId('checklist')} tabindex={-1} aria-describedby={describedBy}>
      <legend>{t('fields.checklist')}</legend>
      {error && (
        <small id={`${fieldId('checklist')}-error`} class="field-error">
          {error}
        </small>
      )}
      {detail.checklist.map(({ item, checked }) => (
        <label for={`checklist-${item}`}>
          <input
            id={`checklist-${item}`}
            type="checkbox"
            name="item"
            value={item}
            checked={checked}
            disabled={!editable}
          />
          {t(`staff.checklist.${item}`)}
        </label>
      ))}
    </fieldset>
  );
  return (
    <section aria-labelledby="checklist-heading">
      <h2 id="checklist-heading">{t('staff.review.checklist_title')}</h2>
      <p id="checklist-intro">{t('staff.review.checklist_intro')}</p>
      {editable ? (
        <form method="post" action={`/staff/applications/${detail.id}/checklist`}>
          <CsrfField token={ctx.csrfToken} />
          {boxes}
          <button type="submit" class="secondary">
            {t('staff.review.checklist_save')}
          </button>
        </form>
      ) : (
        boxes
      )}
    </section>
  );
}

export type DecisionValues = Record<string, string>;

export function DecisionForm({
  ctx,
  detail,
  values,
  errors,
}: {
  ctx: PageContext;
  detail: ReviewDetail;
  values: DecisionValues;
  errors: FormErrors;
}) {
  const { t } = ctx;
  if (detail.status === 'info_requested') {
    return (
      <section aria-labelledby="decision-heading">
        <h2 id="decision-heading">{t('staff.review.decision_title')}</h2>
        <p>{t('staff.review.waiting_for_applicant')}</p>
      </section>
    );
  }
  if (detail.status !== 'submitted') return null;
  const decisionError = errors.fields.decision;
  return (
    <section aria-labelledby="decision-heading">
      <h2 id="decision-heading">{t('staff.review.decision_title')}</h2>
      <form method="post" action={`/staff/applications/${detail.id}/decision`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <fieldset
          id={fieldId('decision')}
          tabindex={-1}
          aria-describedby={decisionError ? `${fieldId('decision')}-error` : undefined}
        >
          <legend>{t('fields.decision')}</legend>
          {decisionError && (
            <small id={`${fieldId('decision')}-error`} class="field-error">
              {decisionError}
            </small>
          )}
          {DECISIONS.map((d) => (
            <label for={`decision-${d}`}>
              <input
                id={`decision-${d}`}
                type="radio"
                name="decision"
                value={d}
                checked={values.decision === d}
                required
              />
              {t(`staff.review.decide_${d}`)}
            </label>
          ))}
        </fieldset>
        {errors.fields.checklist && <p class="field-error">{errors.fields.checklist}</p>}
        <TextArea
          name="internal_reason"
          label={t('staff.review.internal_reason_field')}
          value={values.internal_reason}
          error={errors.fields.internal_reason}
          hint={t('staff.review.internal_reason_hint')}
          required={false}
          maxLength={2000}
          rows={3}
        />
        <TextArea
          name="question"
          label={t('fields.question')}
          value={values.question}
          error={errors.fields.question}
          hint={t('staff.review.question_hint')}
          required={false}
          maxLength={2000}
          rows={3}
        />
        <button type="submit">{t('staff.review.decide_submit')}</button>
      </form>
    </section>
  );
}
