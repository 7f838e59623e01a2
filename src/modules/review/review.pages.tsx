import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Actor } from '../../platform/auth.ts';
import { countryName, isCountryCode, normaliseCountry } from '../../platform/countries.ts';
import { AppError, notFound, type FieldViolation } from '../../platform/errors.ts';
import type { Translate } from '../../platform/i18n.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { violationMessage } from '../../platform/violations.ts';
import { CsrfField, ErrorSummary, fieldId, formErrors, noErrors, SelectField, type FormErrors } from '../../platform/views/components.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import { findDistributor } from '../distributors/index.ts';
import { countrySelectOptions, DateTime, errorText, pageCtx, pick, TextArea } from '../../platform/views/page-helpers.tsx';
import { isUuid } from '../../platform/ids.ts';
import type { Finding } from '../registration/index.ts';
import { agreementPages } from './agreements.pages.tsx';
import { auditPages } from './audit.pages.tsx';
import { DataTable, TableRegion } from '../../platform/views/data-table.tsx';
import { ConsolePage, staffMember } from './console.tsx';
import { dashboardPages } from './dashboard.pages.tsx';
import { REVIEW_TARGET_BUSINESS_DAYS, type Decision } from './review.rules.ts';
import { claimApplication, decideApplication, reviewDetail, reviewQueue, setChecklistItem, type QueueEntry, type QueueFilter, type ReviewDetail } from './review.service.ts';
import { screeningPages } from './screening.pages.tsx';

// REG-12: the programme staff's review queue and application view. Every rule and query is the
// review service's (the JSON API calls the same functions); these pages only read forms and
// render what the service returns.

const NOTICES = {
  claimed: 'staff.review.notice_claimed',
  checklist_saved: 'staff.review.notice_checklist_saved',
  approved: 'staff.review.notice_approved',
  declined: 'staff.review.notice_declined',
  info_requested: 'staff.review.notice_info_requested',
};

const DECISIONS: readonly Decision[] = ['approve', 'decline', 'request_info'];
const isDecision = (value: string): value is Decision => (DECISIONS as readonly string[]).includes(value);

// ---- Queue ----

const STATUS_FILTERS = ['submitted', 'info_requested'] as const;
const ASSIGNED_FILTERS = ['me', 'unassigned'] as const;
const SORTS = ['oldest', 'newest', 'flags'] as const;
const oneOf = <T extends string>(values: readonly T[], value: string): T | undefined => (values as readonly string[]).includes(value) ? (value as T) : undefined;

/** The queue's filter from the query string; values it does not know are ignored. */
function queueFilter(query: unknown): QueueFilter & { country?: string } {
  const q = pick(query, 'status', 'country', 'assigned', 'sort');
  const country = normaliseCountry(q.country ?? '');
  return {
    status: oneOf(STATUS_FILTERS, q.status ?? ''),
    country: isCountryCode(country) ? country : undefined,
    assigned: oneOf(ASSIGNED_FILTERS, q.assigned ?? ''),
    sort: oneOf(SORTS, q.sort ?? ''),
  };
}

function QueuePage({ ctx, entries, filter }: { ctx: PageContext; entries: QueueEntry[]; filter: QueueFilter }) {
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(lang);
  return (
    <ConsolePage ctx={ctx} title={t('staff.queue.title')} section="applications">
      <h1>{t('staff.queue.title')}</h1>
      <p>{t('staff.queue.intro', { days: REVIEW_TARGET_BUSINESS_DAYS })}</p>
      <form method="get" action="/staff/applications" class="filters" aria-label={t('staff.queue.filters')}>
        <div class="grid">
          <SelectField
            name="status"
            label={t('fields.status')}
            value={filter.status ?? ''}
            options={[{ value: '', label: t('staff.queue.status_any') }, ...STATUS_FILTERS.map((s) => ({ value: s, label: t(`staff.status.${s}`) }))]}
          />
          <SelectField name="country" label={t('fields.country')} value={filter.country ?? ''} options={countrySelectOptions(lang, t('staff.queue.country_any'))} />
          <SelectField
            name="assigned"
            label={t('staff.queue.assigned')}
            value={filter.assigned ?? ''}
            options={[{ value: '', label: t('staff.queue.assigned_any') }, ...ASSIGNED_FILTERS.map((a) => ({ value: a, label: t(`staff.queue.assigned_${a}`) }))]}
          />
          <SelectField name="sort" label={t('staff.queue.sort')} value={filter.sort ?? 'oldest'} options={SORTS.map((s) => ({ value: s, label: t(`staff.queue.sort_${s}`) }))} />
        </div>
        <button type="submit">{t('staff.queue.apply_filters')}</button>
      </form>
      {entries.length === 0 ? (
        <p role="status">{t('staff.queue.empty')}</p>
      ) : (
        <TableRegion label={t('staff.queue.title')}>
          <table class="striped">
            <caption>{t('staff.queue.caption', { count: entries.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.reference')}</th>
                <th scope="col">{t('fields.company')}</th>
                <th scope="col">{t('fields.country')}</th>
                <th scope="col">{t('fields.status')}</th>
                <th scope="col">{t('staff.queue.age')}</th>
                <th scope="col">{t('staff.queue.flags')}</th>
                <th scope="col">{t('staff.queue.reviewer')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr>
                  <th scope="row">
                    <a href={`/staff/applications/${e.id}`}>{e.reference}</a>
                  </th>
                  <td>{e.legalName ?? '—'}</td>
                  <td>{e.country ? countryName(e.country, lang) : '—'}</td>
                  <td>{t(`staff.status.${e.status}`, { defaultValue: e.status })}</td>
                  <td>
                    {t('staff.business_days', { count: e.ageBusinessDays, formatted: number.format(e.ageBusinessDays) })}
                    {e.overdue && (
                      <>
                        {' '}
                        <span class="badge badge-overdue">{t('staff.overdue')}</span>
                      </>
                    )}
                  </td>
                  <td class="numeric">{number.format(e.flags)}</td>
                  <td>{e.reviewer ? e.reviewer.name : <span class="muted">{t('staff.queue.unassigned')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </ConsolePage>
  );
}

// ---- Application view ----

/** A field of the answers by name, like the rule messages name it: "Name (2)" for `personnel.1.name`. */
function fieldLabel(t: Translate, field: string): string {
  const position = /\.(\d+)(?:\.|$)/.exec(field)?.[1];
  const key = field.replace(/\.\d+(?=\.|$)/g, '');
  const name = t(`fields.${key}`, { defaultValue: key });
  return position === undefined ? name : `${name} (${Number(position) + 1})`;
}

const findingMessage = (t: Translate, f: Finding) => violationMessage(t, { field: f.field, rule: f.code, ...(f.params ? { params: f.params } : {}) });

function OutcomeBadge({ t, outcome }: { t: Translate; outcome: string }) {
  return <span class={`badge badge-${outcome}`}>{t(`staff.outcome.${outcome}`, { defaultValue: outcome })}</span>;
}

function Findings({ ctx, findings }: { ctx: PageContext; findings: Finding[] }) {
  const { t } = ctx;
  const rules = [...new Set(findings.map((f) => f.rule))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const flags = findings.filter((f) => f.outcome === 'review').length;
  return (
    <section aria-labelledby="findings-heading">
      <h2 id="findings-heading">{t('staff.review.findings_title')}</h2>
      <p>{t('staff.review.findings_intro', { count: flags })}</p>
      {rules.length === 0 && <p>{t('staff.review.no_findings')}</p>}
      {rules.map((rule) => (
        <div class="finding-group">
          <h3>{t(`staff.rule.${rule}`, { defaultValue: rule })}</h3>
          <ul class="findings">
            {findings
              .filter((f) => f.rule === rule)
              .map((f) => (
                <li class={`finding finding-${f.outcome}`}>
                  <OutcomeBadge t={t} outcome={f.outcome} /> {findingMessage(t, f)}
                </li>
              ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function Screening({ ctx, hits }: { ctx: PageContext; hits: ReviewDetail['screening'] }) {
  const { t, lang } = ctx;
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  return (
    <section aria-labelledby="screening-heading">
      <h2 id="screening-heading">{t('staff.review.screening_title')}</h2>
      {hits.length === 0 ? (
        <p>{t('staff.review.no_screening_hits')}</p>
      ) : (
        <>
          <p class="notice-warning">{t('staff.review.screening_intro', { count: hits.length })}</p>
          <DataTable
            caption={t('staff.review.screening_caption')}
            columns={[t('staff.review.screened_name'), t('staff.review.matched_entry'), t('fields.country'), t('staff.review.list_source'), t('staff.review.list_date'), t('staff.review.similarity')]}
            rows={hits}
            row={(h) => (
              <tr>
                <td>
                  {h.screened} <small>({fieldLabel(t, h.field)})</small>
                </td>
                <td>{h.entry.name}</td>
                <td>{h.entry.country ? countryName(h.entry.country, lang) : '—'}</td>
                <td>{h.entry.source}</td>
                <td>{h.entry.listDate ?? '—'}</td>
                <td class="numeric">{percent.format(h.similarity)}</td>
              </tr>
            )}
          />
        </>
      )}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children === '' || children === null || children === undefined ? '—' : children}</dd>
    </>
  );
}

/** Every answer, step by step, as the applicant gave it in the submitted snapshot. */
function Answers({ ctx, detail, distributorNames }: { ctx: PageContext; detail: ReviewDetail; distributorNames: Map<string, string> }) {
  const { t, lang } = ctx;
  const a = detail.answers;
  const yesNo = (value: boolean | undefined) => (value === undefined ? '—' : t(value ? 'common.yes' : 'common.no'));
  return (
    <section aria-labelledby="answers-heading" class="answers">
      <h2 id="answers-heading">{t('staff.review.answers_title')}</h2>
      <h3>{t('registration.step.company')}</h3>
      <dl class="facts">
        <Fact label={t('fields.company.legal_name')}>{a.company?.legalName}</Fact>
        <Fact label={t('fields.company.legal_form')}>{a.company?.legalForm && t(`registration.legal_form.${a.company.legalForm}`, { defaultValue: a.company.legalForm })}</Fact>
        <Fact label={t('fields.company.country')}>{a.company?.country && countryName(a.company.country, lang)}</Fact>
        <Fact label={t('fields.company.website')}>{a.company?.website}</Fact>
        <Fact label={t('fields.company.registration_number')}>{a.company?.registrationNumber}</Fact>
      </dl>
      <h3>{t('registration.step.contacts')}</h3>
      <dl class="facts">
        <Fact label={t('fields.contacts.name')}>{a.contacts?.primary.name}</Fact>
        <Fact label={t('fields.contacts.title')}>{a.contacts?.primary.title}</Fact>
        <Fact label={t('fields.contacts.email')}>{a.contacts?.primary.email}</Fact>
        <Fact label={t('fields.contacts.phone')}>{a.contacts?.primary.phone}</Fact>
      </dl>
      <h3>{t('registration.step.locations')}</h3>
      {(a.locations?.items ?? []).length === 0 ? (
        <p>—</p>
      ) : (
        <ol>
          {(a.locations?.items ?? []).map((l) => (
            <li>
              <address class="preserve-lines">{[...l.lines.filter(Boolean), [l.postcode, l.city].filter(Boolean).join(' '), countryName(l.country, lang)].join('\n')}</address>
              <small>
                {t('fields.locations.type')}: {t(`registration.location_type.${l.type}`, { defaultValue: l.type })}
              </small>
            </li>
          ))}
        </ol>
      )}
      <h3>{t('registration.step.distributors')}</h3>
      {(a.distributors?.items ?? []).length === 0 ? (
        <p>—</p>
      ) : (
        <ul>
          {(a.distributors?.items ?? []).map((d) => (
            <li>
              {t('registration.claim_summary', { distributor: distributorNames.get(d.distributorId) ?? d.distributorId, account: d.accountNumber })}
              {d.distributorId === a.distributors?.initialDistributorId && <small>{` (${t('registration.initial_distributor_marker')})`}</small>}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('registration.step.added_value')}</h3>
      <dl class="facts">
        <Fact label={t('fields.added_value.can_demonstrate')}>{yesNo(a.added_value?.canDemonstrate)}</Fact>
        <Fact label={t('fields.added_value.provides_services')}>{yesNo(a.added_value?.providesServices)}</Fact>
        <Fact label={t('fields.added_value.services_description')}>{a.added_value?.servicesDescription && <span class="preserve-lines">{a.added_value.servicesDescription}</span>}</Fact>
      </dl>
      <h3>{t('registration.step.personnel')}</h3>
      {(a.personnel?.items ?? []).length === 0 ? (
        <p>—</p>
      ) : (
        <ul>
          {(a.personnel?.items ?? []).map((p) => (
            <li>{t('staff.review.person', { name: p.name, email: p.email, role: p.role || '—' })}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Claims({ ctx, claims }: { ctx: PageContext; claims: ReviewDetail['claims'] }) {
  const { t, lang } = ctx;
  return (
    <section aria-labelledby="claims-heading">
      <h2 id="claims-heading">{t('staff.review.claims_title')}</h2>
      {claims.length === 0 ? (
        <p>{t('staff.review.no_claims')}</p>
      ) : (
        <DataTable
          caption={t('staff.review.claims_caption')}
          columns={[t('fields.distributors.distributor'), t('fields.account_number'), t('fields.status'), t('portal.claims.decided_at')]}
          rows={claims}
          row={(c) => (
            <tr>
              <td>{c.distributor}</td>
              <td>
                <code>{c.accountNumber}</code>
              </td>
              <td>
                <span class={`badge badge-claim-${c.status}`}>{t(`portal.claims.status_${c.status}`, { defaultValue: c.status })}</span>
              </td>
              <td>
                <DateTime date={c.decidedAt} lang={lang} />
              </td>
            </tr>
          )}
        />
      )}
    </section>
  );
}

function Signatory({ ctx, detail }: { ctx: PageContext; detail: ReviewDetail }) {
  const { t, lang } = ctx;
  return (
    <section aria-labelledby="signatory-heading">
      <h2 id="signatory-heading">{t('staff.review.signatory_title')}</h2>
      <dl class="facts">
        <Fact label={t('fields.sign.signatory_name')}>{detail.signatory?.name}</Fact>
        <Fact label={t('fields.sign.signatory_title')}>{detail.signatory?.title}</Fact>
        <Fact label={t('staff.review.agreement_version')}>{detail.agreementVersion}</Fact>
      </dl>
      {detail.consents.length === 0 ? (
        <p>{t('staff.review.no_consents')}</p>
      ) : (
        <DataTable
          caption={t('staff.review.consents_caption')} className="striped consents"
          columns={[t('staff.review.consent'), t('staff.review.consent_by'), t('staff.review.consent_at'), t('staff.review.ip'), t('staff.review.user_agent'), t('staff.review.text_version'), t('staff.review.text_hash')]}
          rows={detail.consents}
          row={(c) => (
            <tr>
              <td>{t(`staff.consent_kind.${c.kind}`, { defaultValue: c.kind })}</td>
              <td>{c.user}</td>
              <td>
                <DateTime date={c.acceptedAt} lang={lang} />
              </td>
              <td>{c.ip ?? '—'}</td>
              <td>
                <small>{c.userAgent ?? '—'}</small>
              </td>
              <td>{c.textVersion}</td>
              <td>
                <code class="hash">{c.textHash}</code>
              </td>
            </tr>
          )}
        />
      )}
      <h3>{t('staff.review.members_title')}</h3>
      <ul>
        {detail.members.map((m) => (
          <li>{t('registration.member', { name: m.name, email: m.email, role: t(`registration.member_role.${m.role}`, { defaultValue: m.role }) })}</li>
        ))}
      </ul>
    </section>
  );
}

/** REG-12: the decisions so far, with the internal reasons, which only staff ever see. */
function History({ ctx, detail }: { ctx: PageContext; detail: ReviewDetail }) {
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
          columns={[t('staff.review.decided_at'), t('fields.decision'), t('staff.review.decided_by'), t('staff.review.details')]}
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
                    <strong>{t('staff.review.internal_reason_label')}</strong> <span class="preserve-lines">{d.internalReason}</span>
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

const awaiting = (status: string) => status === 'submitted' || status === 'info_requested';

function ClaimSection({ ctx, detail, conflict }: { ctx: PageContext; detail: ReviewDetail; conflict: boolean }) {
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
      {!mine && awaiting(detail.status) && (
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

function Checklist({ ctx, detail, error }: { ctx: PageContext; detail: ReviewDetail; error?: string | undefined }) {
  const { t } = ctx;
  const editable = awaiting(detail.status);
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
          <input id={`checklist-${item}`} type="checkbox" name="item" value={item} checked={checked} disabled={!editable} />
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

type DecisionValues = Record<string, string>;

function DecisionForm({ ctx, detail, values, errors }: { ctx: PageContext; detail: ReviewDetail; values: DecisionValues; errors: FormErrors }) {
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
        <fieldset id={fieldId('decision')} tabindex={-1} aria-describedby={decisionError ? `${fieldId('decision')}-error` : undefined}>
          <legend>{t('fields.decision')}</legend>
          {decisionError && (
            <small id={`${fieldId('decision')}-error`} class="field-error">
              {decisionError}
            </small>
          )}
          {DECISIONS.map((d) => (
            <label for={`decision-${d}`}>
              <input id={`decision-${d}`} type="radio" name="decision" value={d} checked={values.decision === d} required />
              {t(`staff.review.decide_${d}`)}
            </label>
          ))}
        </fieldset>
        {errors.fields.checklist && <p class="field-error">{errors.fields.checklist}</p>}
        <TextArea name="internal_reason" label={t('staff.review.internal_reason_field')} value={values.internal_reason} error={errors.fields.internal_reason} hint={t('staff.review.internal_reason_hint')} required={false} maxLength={2000} rows={3} />
        <TextArea name="question" label={t('fields.question')} value={values.question} error={errors.fields.question} hint={t('staff.review.question_hint')} required={false} maxLength={2000} rows={3} />
        <button type="submit">{t('staff.review.decide_submit')}</button>
      </form>
    </section>
  );
}

interface DetailState {
  values: DecisionValues;
  errors: FormErrors;
  claimConflict: boolean;
}

function DetailPage({ ctx, detail, distributorNames, state }: { ctx: PageContext; detail: ReviewDetail; distributorNames: Map<string, string>; state: DetailState }) {
  const { t, lang } = ctx;
  const company = detail.answers.company?.legalName ?? detail.reference;
  const title = t('staff.review.title', { company, reference: detail.reference });
  const overdue = detail.status === 'submitted' && detail.ageBusinessDays > REVIEW_TARGET_BUSINESS_DAYS;
  return (
    <ConsolePage ctx={ctx} title={title} section="applications">
      <p>
        <a href="/staff/applications">{t('staff.review.back')}</a>
      </p>
      <h1>{title}</h1>
      <ErrorSummary t={t} errors={state.errors} />
      <dl class="facts">
        <Fact label={t('staff.reference')}>{detail.reference}</Fact>
        <Fact label={t('fields.status')}>
          <strong>{t(`staff.status.${detail.status}`, { defaultValue: detail.status })}</strong>
        </Fact>
        <Fact label={t('staff.review.submitted_at')}>
          <DateTime date={detail.submittedAt} lang={lang} />
        </Fact>
        <Fact label={t('staff.queue.age')}>
          {t('staff.business_days', { count: detail.ageBusinessDays, formatted: new Intl.NumberFormat(lang).format(detail.ageBusinessDays) })}
          {overdue && (
            <>
              {' '}
              <span class="badge badge-overdue">{t('staff.overdue')}</span>
            </>
          )}
        </Fact>
        <Fact label={t('staff.queue.reviewer')}>{detail.reviewer?.name ?? t('staff.queue.unassigned')}</Fact>
        <Fact label={t('staff.review.agreement_version')}>{detail.agreementVersion}</Fact>
      </dl>
      <ClaimSection ctx={ctx} detail={detail} conflict={state.claimConflict} />
      <Findings ctx={ctx} findings={detail.findings} />
      <Screening ctx={ctx} hits={detail.screening} />
      <Answers ctx={ctx} detail={detail} distributorNames={distributorNames} />
      <Claims ctx={ctx} claims={detail.claims} />
      <Signatory ctx={ctx} detail={detail} />
      <History ctx={ctx} detail={detail} />
      <Checklist ctx={ctx} detail={detail} error={state.errors.fields.checklist} />
      <DecisionForm ctx={ctx} detail={detail} values={state.values} errors={state.errors} />
    </ConsolePage>
  );
}

/** The checklist items a violation names, in the page's language rather than as codes. */
function readableViolations(t: Translate, violations: FieldViolation[]): FieldViolation[] {
  return violations.map((v) =>
    v.rule === 'checklist_incomplete' && typeof v.params?.items === 'string'
      ? { ...v, params: { ...v.params, items: v.params.items.split(', ').map((item) => t(`staff.checklist.${item}`, { defaultValue: item })).join('; ') } }
      : v,
  );
}

/** The form's checkboxes: urlencoded bodies repeat the name, so it may be a string or a list. */
function tickedItems(body: unknown): Set<string> {
  const value = (body as Record<string, unknown> | undefined)?.item;
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return new Set(values.filter((v): v is string => typeof v === 'string'));
}

/** REG-12: the review queue and the application view, with claim, checklist and decision forms. */
export async function reviewPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;

  // The other pages of the staff console, each in its own plugin (screening accepts uploads).
  await app.register(dashboardPages);
  await app.register(agreementPages);
  await app.register(screeningPages);
  await app.register(auditPages);

  app.get('/staff/applications', async (req, reply) => {
    const actor = staffMember(req, reply);
    if (!actor) return reply;
    const filter = queueFilter(req.query);
    const entries = await reviewQueue(appCtx(), actor, filter);
    return sendPage(reply, <QueuePage ctx={pageCtx(req, reply)} entries={entries} filter={filter} />);
  });

  const detailOf = async (actor: Actor, id: string) => {
    if (!isUuid(id)) throw notFound('Application');
    const detail = await reviewDetail(appCtx(), actor, id);
    const ids = [...new Set((detail.answers.distributors?.items ?? []).map((d) => d.distributorId))];
    const found = await Promise.all(ids.map((d) => findDistributor(appCtx(), d)));
    const distributorNames = new Map(found.filter((d) => d !== undefined).map((d) => [d.id, d.legalName]));
    return { detail, distributorNames };
  };

  const detailPage = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, actor: Actor, state: Partial<DetailState> = {}, status = 200) => {
    const { detail, distributorNames } = await detailOf(actor, req.params.id);
    const ctx = pageCtx(req, reply, { notices: NOTICES, path: `/staff/applications/${detail.id}` });
    return sendPage(reply, <DetailPage ctx={ctx} detail={detail} distributorNames={distributorNames} state={{ values: {}, errors: noErrors, claimConflict: false, ...state }} />, status);
  };

  app.get<{ Params: { id: string } }>('/staff/applications/:id', async (req, reply) => {
    const actor = staffMember(req, reply);
    if (!actor) return reply;
    return detailPage(req, reply, actor);
  });

  app.post<{ Params: { id: string } }>('/staff/applications/:id/claim', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:review', `/staff/applications/${req.params.id}`);
    if (!actor) return reply;
    if (!isUuid(req.params.id)) throw notFound('Application');
    const takeOver = pick(req.body, 'take_over').take_over === 'yes';
    try {
      await claimApplication(appCtx(), actor, req.params.id, takeOver, requestMeta(req));
    } catch (error) {
      if (error instanceof AppError && error.code === 'already_claimed') return detailPage(req, reply, actor, { claimConflict: true }, 409);
      throw error;
    }
    return reply.redirect(`/staff/applications/${req.params.id}?notice=claimed`, 303);
  });

  app.post<{ Params: { id: string } }>('/staff/applications/:id/checklist', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:review', `/staff/applications/${req.params.id}`);
    if (!actor) return reply;
    const { detail } = await detailOf(actor, req.params.id);
    const ticked = tickedItems(req.body);
    const meta = requestMeta(req);
    // Only what changed, so the audit log records each tick and untick once.
    for (const { item, checked } of detail.checklist) {
      if (ticked.has(item) !== checked) await setChecklistItem(appCtx(), actor, detail.id, item, ticked.has(item), meta);
    }
    return reply.redirect(`/staff/applications/${detail.id}?notice=checklist_saved#checklist-heading`, 303);
  });

  app.post<{ Params: { id: string } }>('/staff/applications/:id/decision', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:decide', `/staff/applications/${req.params.id}`);
    if (!actor) return reply;
    if (!isUuid(req.params.id)) throw notFound('Application');
    const values = pick(req.body, 'decision', 'internal_reason', 'question');
    const decision = values.decision ?? '';
    if (!isDecision(decision)) return detailPage(req, reply, actor, { values, errors: formErrors(req.t, [{ field: 'decision', rule: 'required' }]) }, 422);
    try {
      const { status } = await decideApplication(appCtx(), actor, req.params.id, { decision, internalReason: values.internal_reason, question: values.question }, requestMeta(req));
      return reply.redirect(`/staff/applications/${req.params.id}?notice=${status}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 401 || error.status === 403 || error.status === 404) throw error;
      if (error.code === 'validation_failed') return detailPage(req, reply, actor, { values, errors: formErrors(req.t, readableViolations(req.t, error.violations)) }, 422);
      // A colleague decided first (409): the page shows the decision that stands.
      const general = error.code === 'already_decided' ? req.t('staff.review.already_decided') : errorText(pageCtx(req, reply), error);
      return detailPage(req, reply, actor, { errors: { general, fields: {} } }, error.status);
    }
  });
}
