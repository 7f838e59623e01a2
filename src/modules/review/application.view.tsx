import type { ComponentChildren } from 'preact';
import { countryName } from '../../platform/countries.ts';
import { ErrorSummary, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { DateTime } from '../../platform/views/page-helpers.tsx';
import { ConsolePage } from './console.tsx';
import { ClaimSection, Checklist, DecisionForm, History, type DecisionValues } from './decision.view.tsx';
import { Claims, Findings, Screening } from './evidence.view.tsx';
import { isOverdue } from './review.rules.ts';
import type { ReviewDetail } from './review.service.ts';

// REG-12: the application view, everything a reviewer reads before deciding. Labels speak of
// the applicant in the third person: the applicant's own words ("Your name") are theirs.

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children === '' || children === null || children === undefined ? '—' : children}</dd>
    </>
  );
}

/** Every answer, step by step, as the applicant gave it in the submitted snapshot. */
function Answers({
  ctx,
  detail,
  distributorNames,
}: {
  ctx: PageContext;
  detail: ReviewDetail;
  distributorNames: Map<string, string>;
}) {
  const { t, lang } = ctx;
  const a = detail.answers;
  const yesNo = (value: boolean | undefined) => (value === undefined ? '—' : t(value ? 'common.yes' : 'common.no'));
  return (
    <section aria-labelledby="answers-heading" class="answers">
      <h2 id="answers-heading">{t('staff.review.answers_title')}</h2>
      <h3>{t('registration.step.company')}</h3>
      <dl class="facts">
        <Fact label={t('fields.company.legal_name')}>{a.company?.legalName}</Fact>
        <Fact label={t('fields.company.legal_form')}>
          {a.company?.legalForm &&
            t(`registration.legal_form.${a.company.legalForm}`, { defaultValue: a.company.legalForm })}
        </Fact>
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
              <address class="preserve-lines">
                {[
                  ...l.lines.filter(Boolean),
                  [l.postcode, l.city].filter(Boolean).join(' '),
                  countryName(l.country, lang),
                ].join('\n')}
              </address>
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
              {t('registration.claim_summary', {
                distributor: distributorNames.get(d.distributorId) ?? d.distributorId,
                account: d.accountNumber,
              })}
              {d.distributorId === a.distributors?.initialDistributorId && (
                <small>{` (${t('registration.initial_distributor_marker')})`}</small>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('registration.step.added_value')}</h3>
      <dl class="facts">
        <Fact label={t('fields.added_value.can_demonstrate')}>{yesNo(a.added_value?.canDemonstrate)}</Fact>
        <Fact label={t('fields.added_value.provides_services')}>{yesNo(a.added_value?.providesServices)}</Fact>
        <Fact label={t('staff_review.services_description')}>
          {a.added_value?.servicesDescription && (
            <span class="preserve-lines">{a.added_value.servicesDescription}</span>
          )}
        </Fact>
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

function Signatory({ ctx, detail }: { ctx: PageContext; detail: ReviewDetail }) {
  const { t, lang } = ctx;
  return (
    <section aria-labelledby="signatory-heading">
      <h2 id="signatory-heading">{t('staff.review.signatory_title')}</h2>
      <dl class="facts">
        <Fact label={t('staff_review.signatory_name')}>{detail.signatory?.name}</Fact>
        <Fact label={t('staff_review.signatory_title')}>{detail.signatory?.title}</Fact>
        <Fact label={t('staff.review.agreement_version')}>{detail.agreementVersion}</Fact>
      </dl>
      {detail.consents.length === 0 ? (
        <p>{t('staff.review.no_consents')}</p>
      ) : (
        <DataTable
          caption={t('staff.review.consents_caption')}
          className="striped consents"
          columns={[
            t('staff.review.consent'),
            t('staff.review.consent_by'),
            t('staff.review.consent_at'),
            t('staff.review.ip'),
            t('staff.review.user_agent'),
            t('staff.review.text_version'),
            t('staff.review.text_hash'),
          ]}
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
              {/* X-1: the language the signatory read. */}
              <td>{`${c.textVersion} (${t(`common.language_names.${c.language}`)})`}</td>
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
          <li>
            {t('registration.member', {
              name: m.name,
              email: m.email,
              role: t(`registration.member_role.${m.role}`, { defaultValue: m.role }),
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}

export interface DetailState {
  values: DecisionValues;
  errors: FormErrors;
  claimConflict: boolean;
}

export function DetailPage({
  ctx,
  detail,
  distributorNames,
  state,
}: {
  ctx: PageContext;
  detail: ReviewDetail;
  distributorNames: Map<string, string>;
  state: DetailState;
}) {
  const { t, lang } = ctx;
  const company = detail.answers.company?.legalName ?? detail.reference;
  const title = t('staff.review.title', { company, reference: detail.reference });
  const overdue = isOverdue(detail.status, detail.ageBusinessDays);
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
          {t('staff.business_days', {
            count: detail.ageBusinessDays,
            formatted: new Intl.NumberFormat(lang).format(detail.ageBusinessDays),
          })}
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
      <Findings ctx={ctx} findings={detail.findings} feedback={detail.feedback} applicationId={detail.id} />
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
