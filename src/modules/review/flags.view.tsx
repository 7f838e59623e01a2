import { countryName } from '../../platform/countries.ts';
import { CsrfField, ErrorSummary, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable, TableRegion } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { countrySelectOptions, DateTime } from '../../platform/views/page-helpers.tsx';
import { WATCHLIST_KINDS, type AllowlistItem, type Finding, type WatchlistItem } from '../registration/index.ts';
import { BarChart, type Bar } from './charts.tsx';
import { ConsolePage } from './console.tsx';
import type { FlagKindRate } from './flags.rules.ts';
import type { FindingVerdict } from './flags.service.ts';

// REG-7, REG-8 (#11): the reviewer's verdict on each flag, the staff page of the allow-list and
// watchlist, and the dashboard's table of which checks earn their keep. Plain forms: no script.

/** Flags whose phrase can go on the allow-list: address flags with evidence and differing email domains. */
const allowListable = (f: Finding) =>
  (f.code.startsWith('address_') && f.params?.evidence !== undefined) || f.code === 'email_domain_differs';

function KeyFields({ finding }: { finding: Finding }) {
  return (
    <>
      <input type="hidden" name="rule" value={finding.rule} />
      <input type="hidden" name="code" value={finding.code} />
      <input type="hidden" name="field" value={finding.field} />
    </>
  );
}

/**
 * Under one `review` finding: the verdict so far, buttons to confirm it or call it a false alarm
 * (with an optional note), and after a false alarm the one-click allow-list buttons. The
 * buttons are described by the finding's sentence (`describedBy`), so each is told apart.
 */
export function FlagVerdict({
  ctx,
  applicationId,
  finding,
  verdict,
  describedBy,
  index,
}: {
  ctx: PageContext;
  applicationId: string;
  finding: Finding;
  verdict: FindingVerdict | undefined;
  describedBy: string;
  index: number;
}) {
  const { t, lang } = ctx;
  const noteId = `verdict-note-${index}`;
  return (
    <div class="flag-verdict">
      {verdict && (
        <p class={`verdict verdict-${verdict.verdict}`}>
          <strong>{t(`flags.verdict.${verdict.verdict}`)}</strong>{' '}
          {t('flags.verdict_by', { reviewer: verdict.reviewer })} <DateTime date={verdict.at} lang={lang} />
          {verdict.note && (
            <>
              {' — '}
              <span class="preserve-lines">{verdict.note}</span>
            </>
          )}
        </p>
      )}
      <form method="post" action={`/staff/applications/${applicationId}/findings/verdict`} class="verdict-form">
        <CsrfField token={ctx.csrfToken} />
        <KeyFields finding={finding} />
        <input type="hidden" name="previous" value={verdict?.verdict ?? ''} />
        <label for={noteId}>{t('flags.note_label')}</label>
        <input id={noteId} name="note" type="text" maxLength={1000} value={verdict?.note ?? ''} />
        <div role="group" aria-label={t('flags.verdict_group')}>
          <button
            type="submit"
            name="verdict"
            value="confirmed"
            aria-describedby={describedBy}
            aria-pressed={verdict?.verdict === 'confirmed' ? 'true' : 'false'}
          >
            {t('flags.mark_confirmed')}
          </button>{' '}
          <button
            type="submit"
            name="verdict"
            value="false_alarm"
            class="secondary"
            aria-describedby={describedBy}
            aria-pressed={verdict?.verdict === 'false_alarm' ? 'true' : 'false'}
          >
            {t('flags.mark_false_alarm')}
          </button>
        </div>
      </form>
      {verdict?.verdict === 'false_alarm' && allowListable(finding) && (
        <form method="post" action={`/staff/applications/${applicationId}/findings/allowlist`} class="allowlist-form">
          <CsrfField token={ctx.csrfToken} />
          <KeyFields finding={finding} />
          <button type="submit" name="where" value="here" class="secondary" aria-describedby={describedBy}>
            {t(finding.code === 'email_domain_differs' ? 'flags.allow_for_website' : 'flags.allow_here')}
          </button>{' '}
          <button
            type="submit"
            name="where"
            value="everywhere"
            class="secondary outline"
            aria-describedby={describedBy}
          >
            {t('flags.allow_everywhere')}
          </button>
        </form>
      )}
    </div>
  );
}

const percent = (lang: string, value: number | null) =>
  value === null ? '—' : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(value);

/** A flag kind in words: its rule sentence's short name when there is one, else the code. */
export const flagKindLabel = (ctx: PageContext, code: string) => ctx.t(`flags.kind.${code}`, { defaultValue: code });

/** The dashboard's section: each flag kind's count, verdicts and confirmation rate, as a chart and a table. */
export function FlagRatesSection({ ctx, kinds }: { ctx: PageContext; kinds: FlagKindRate[] }) {
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(lang);
  const title = t('flags.dashboard_title');
  // The chart shows the confirmation rate in whole percent; the table has every figure.
  const bars: Bar[] = kinds
    .filter((k) => k.confirmationRate !== null)
    .map((k) => ({
      label: flagKindLabel(ctx, k.code),
      value: Math.round((k.confirmationRate ?? 0) * 100),
      tone: (k.confirmationRate ?? 0) >= 0.5 ? 'green' : 'amber',
    }));
  const caption = t('staff.dashboard.table_caption', { title });
  return (
    <section aria-labelledby="flag-rates-heading" class="chart-section">
      <h2 id="flag-rates-heading">{title}</h2>
      <p>{t('flags.dashboard_intro')}</p>
      {kinds.length === 0 ? (
        <p>{t('flags.dashboard_empty')}</p>
      ) : (
        <>
          {bars.length > 0 && <BarChart ctx={ctx} title={t('flags.chart_title')} bars={bars} />}
          <TableRegion label={caption}>
            <table class="striped chart-table flag-rates">
              <caption>{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('flags.column.kind')}</th>
                  <th scope="col" class="numeric">
                    {t('flags.column.flags')}
                  </th>
                  <th scope="col" class="numeric">
                    {t('flags.column.confirmed')}
                  </th>
                  <th scope="col" class="numeric">
                    {t('flags.column.false_alarms')}
                  </th>
                  <th scope="col" class="numeric">
                    {t('flags.column.rate')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {kinds.map((k) => (
                  <tr>
                    <th scope="row">{flagKindLabel(ctx, k.code)}</th>
                    <td class="numeric">{number.format(k.flags)}</td>
                    <td class="numeric">{number.format(k.confirmed)}</td>
                    <td class="numeric">{number.format(k.falseAlarms)}</td>
                    <td class="numeric">{percent(lang, k.confirmationRate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        </>
      )}
    </section>
  );
}

export interface WatchlistFormState {
  values: Record<string, string>;
  errors: FormErrors;
}

function RemoveButton({ ctx, action, label }: { ctx: PageContext; action: string; label: string }) {
  return (
    <form method="post" action={action} class="inline-form">
      <CsrfField token={ctx.csrfToken} />
      <button type="submit" class="secondary outline" aria-label={label}>
        {ctx.t('flags.remove')}
      </button>
    </form>
  );
}

/** The staff page of both lists: confirmed false alarms and providers to flag, with removal and a form to add a provider. */
export function FlagListsPage({
  ctx,
  allowlist,
  watchlist,
  state,
}: {
  ctx: PageContext;
  allowlist: AllowlistItem[];
  watchlist: WatchlistItem[];
  state: WatchlistFormState;
}) {
  const { t, lang } = ctx;
  const title = t('flags.lists_title');
  return (
    <ConsolePage ctx={ctx} title={title} section="flags">
      <h1>{title}</h1>
      <p>{t('flags.lists_intro')}</p>
      <ErrorSummary t={t} errors={state.errors} />

      <section aria-labelledby="allowlist-heading">
        <h2 id="allowlist-heading">{t('flags.allowlist_title')}</h2>
        <p>{t('flags.allowlist_intro')}</p>
        {allowlist.length === 0 ? (
          <p>{t('flags.allowlist_empty')}</p>
        ) : (
          <DataTable
            caption={t('flags.allowlist_caption', { count: allowlist.length })}
            columns={[
              t('flags.column.kind'),
              t('flags.column.phrase'),
              t('flags.column.scope'),
              t('flags.column.reason'),
              t('flags.column.added'),
              t('flags.column.action'),
            ]}
            rows={allowlist}
            row={(a) => (
              <tr>
                <td>{flagKindLabel(ctx, a.code)}</td>
                <td>{a.phrase}</td>
                <td>{a.scope ?? t('flags.everywhere')}</td>
                <td class="preserve-lines">{a.reason}</td>
                <td>
                  {a.addedBy ?? '—'}, <DateTime date={a.addedAt} lang={lang} />
                </td>
                <td>
                  <RemoveButton
                    ctx={ctx}
                    action={`/staff/flags/allowlist/${a.id}/delete`}
                    label={t('flags.remove_entry', { phrase: a.phrase })}
                  />
                </td>
              </tr>
            )}
          />
        )}
      </section>

      <section aria-labelledby="watchlist-heading">
        <h2 id="watchlist-heading">{t('flags.watchlist_title')}</h2>
        <p>{t('flags.watchlist_intro')}</p>
        <form method="post" action="/staff/flags/watchlist" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <SelectField
            name="kind"
            label={t('flags.field.kind')}
            value={state.values.kind}
            error={state.errors.fields.kind}
            options={WATCHLIST_KINDS.map((k) => ({ value: k, label: t(`flags.watch_kind.${k}`) }))}
          />
          <TextField
            name="name"
            label={t('flags.field.name')}
            value={state.values.name}
            error={state.errors.fields.name}
            maxLength={200}
            hint={t('flags.name_hint')}
          />
          <SelectField
            name="country"
            label={t('flags.field.country')}
            value={state.values.country}
            error={state.errors.fields.country}
            options={countrySelectOptions(lang, t('flags.any_country'))}
          />
          <TextField
            name="note"
            label={t('flags.field.note')}
            value={state.values.note}
            error={state.errors.fields.note}
            maxLength={1000}
            required={false}
          />
          <button type="submit">{t('flags.add_watchlist')}</button>
        </form>
        {watchlist.length === 0 ? (
          <p>{t('flags.watchlist_empty')}</p>
        ) : (
          <DataTable
            caption={t('flags.watchlist_caption', { count: watchlist.length })}
            columns={[
              t('flags.field.kind'),
              t('flags.field.name'),
              t('flags.field.country'),
              t('flags.field.note'),
              t('flags.column.added'),
              t('flags.column.action'),
            ]}
            rows={watchlist}
            row={(w) => (
              <tr>
                <td>{t(`flags.watch_kind.${w.kind}`)}</td>
                <td>{w.name}</td>
                <td>{w.country ? countryName(w.country, lang) : t('flags.any_country')}</td>
                <td>{w.note ?? '—'}</td>
                <td>
                  {w.addedBy ?? '—'}, <DateTime date={w.addedAt} lang={lang} />
                </td>
                <td>
                  <RemoveButton
                    ctx={ctx}
                    action={`/staff/flags/watchlist/${w.id}/delete`}
                    label={t('flags.remove_entry', { phrase: w.name })}
                  />
                </td>
              </tr>
            )}
          />
        )}
      </section>
    </ConsolePage>
  );
}
