import { countryName } from '../../platform/countries.ts';
import type { Translate } from '../../platform/i18n.ts';
import { violationMessage } from '../../platform/violations.ts';
import { DataTable } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { DateTime } from '../../platform/views/page-helpers.tsx';
import type { Finding } from '../registration/index.ts';
import { sameFinding } from './flags.rules.ts';
import type { FindingVerdict } from './flags.service.ts';
import { FlagVerdict } from './flags.view.tsx';
import type { ReviewDetail } from './review.service.ts';

// The application view's evidence: the rule findings, denied-party screening hits and the
// distributor account claims with their state.

/** A field of the answers by name, like the rule messages name it: "Name (2)" for `personnel.1.name`. */
function fieldLabel(t: Translate, field: string): string {
  const position = /\.(\d+)(?:\.|$)/.exec(field)?.[1];
  const key = field.replace(/\.\d+(?=\.|$)/g, '');
  const name = t(`fields.${key}`, { defaultValue: key });
  return position === undefined ? name : `${name} (${Number(position) + 1})`;
}

const findingMessage = (t: Translate, f: Finding) =>
  violationMessage(t, { field: f.field, rule: f.code, ...(f.params ? { params: f.params } : {}) });

function OutcomeBadge({ t, outcome }: { t: Translate; outcome: string }) {
  return <span class={`badge badge-${outcome}`}>{t(`staff.outcome.${outcome}`, { defaultValue: outcome })}</span>;
}

/** The findings by rule; with `applicationId`, each flag has the reviewer's verdict buttons (#11). */
export function Findings({
  ctx,
  findings,
  feedback = [],
  applicationId,
}: {
  ctx: PageContext;
  findings: Finding[];
  feedback?: FindingVerdict[];
  applicationId?: string;
}) {
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
              .map((f) => {
                const index = findings.indexOf(f);
                return (
                  <li class={`finding finding-${f.outcome}`}>
                    <OutcomeBadge t={t} outcome={f.outcome} />{' '}
                    {f.outcome === 'review' ? (
                      <span id={`finding-${index}`}>{findingMessage(t, f)}</span>
                    ) : (
                      findingMessage(t, f)
                    )}
                    {applicationId && f.outcome === 'review' && (
                      <FlagVerdict
                        ctx={ctx}
                        applicationId={applicationId}
                        finding={f}
                        verdict={feedback.find((v) => sameFinding(v, f))}
                        describedBy={`finding-${index}`}
                        index={index}
                      />
                    )}
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
    </section>
  );
}

export function Screening({ ctx, hits }: { ctx: PageContext; hits: ReviewDetail['screening'] }) {
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
            columns={[
              t('staff.review.screened_name'),
              t('staff.review.matched_entry'),
              t('fields.country'),
              t('staff.review.list_source'),
              t('staff.review.list_date'),
              t('staff.review.similarity'),
            ]}
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

export function Claims({ ctx, claims }: { ctx: PageContext; claims: ReviewDetail['claims'] }) {
  const { t, lang } = ctx;
  return (
    <section aria-labelledby="claims-heading">
      <h2 id="claims-heading">{t('staff.review.claims_title')}</h2>
      {claims.length === 0 ? (
        <p>{t('staff.review.no_claims')}</p>
      ) : (
        <DataTable
          caption={t('staff.review.claims_caption')}
          columns={[
            t('fields.distributors.distributor'),
            t('fields.account_number'),
            t('fields.status'),
            t('portal.claims.decided_at'),
          ]}
          rows={claims}
          row={(c) => (
            <tr>
              <td>{c.distributor}</td>
              <td>
                <code>{c.accountNumber}</code>
              </td>
              <td>
                <span class={`badge badge-claim-${c.status}`}>
                  {t(`portal.claims.status_${c.status}`, { defaultValue: c.status })}
                </span>
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
