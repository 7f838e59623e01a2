import { numberFormat } from '../../platform/formats.ts';
import { renderToString } from 'preact-render-to-string';
import { countryName } from '../../platform/countries.ts';
import { SelectField } from '../../platform/views/components.tsx';
import { TableRegion } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { countrySelectOptions } from '../../platform/views/page-helpers.tsx';
import { KEPT_HTML_MARK } from '../../platform/views/render.ts';
import { ConsolePage } from './console.tsx';
import { REVIEW_TARGET_BUSINESS_DAYS } from './review.rules.ts';
import type { QueueEntry, QueueFilter } from './review.service.ts';

// REG-12: the review queue screen. The filter values it offers are the ones the route accepts.

export const STATUS_FILTERS = ['submitted', 'info_requested'] as const;
export const ASSIGNED_FILTERS = ['me', 'unassigned'] as const;
export const SORTS = ['oldest', 'newest', 'flags'] as const;

/** The queue's rows, rendered once and kept (review.pages.tsx): what the table body holds. */
export interface QueueRowsHtml {
  count: number;
  /** UTF-8 HTML of the rows, spliced into the page by sendPageWithBytes. */
  bytes: Buffer;
}

/** The table body's rows as HTML, for the rows cache (decision 064). */
export function renderQueueRows(entries: QueueEntry[], t: PageContext['t'], lang: PageContext['lang']): QueueRowsHtml {
  return {
    count: entries.length,
    bytes: Buffer.from(renderToString(<QueueRows entries={entries} t={t} lang={lang} />)),
  };
}

function QueueRows({ entries, t, lang }: { entries: QueueEntry[]; t: PageContext['t']; lang: PageContext['lang'] }) {
  const number = numberFormat(lang);
  return (
    <>
      {entries.map((e) => (
        <tr>
          <th scope="row">
            <a href={`/staff/applications/${e.id}`}>{e.reference}</a>
          </th>
          <td>{e.legalName ?? '—'}</td>
          <td>{e.country ? countryName(e.country, lang) : '—'}</td>
          <td>{t(`staff.status.${e.status}`, { defaultValue: e.status })}</td>
          <td>
            {t('staff.business_days', {
              count: e.ageBusinessDays,
              formatted: number.format(e.ageBusinessDays),
            })}
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
    </>
  );
}

export function QueuePage({ ctx, rows, filter }: { ctx: PageContext; rows: QueueRowsHtml; filter: QueueFilter }) {
  const { t, lang } = ctx;
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
            options={[
              { value: '', label: t('staff.queue.status_any') },
              ...STATUS_FILTERS.map((s) => ({ value: s, label: t(`staff.status.${s}`) })),
            ]}
          />
          <SelectField
            name="country"
            label={t('fields.country')}
            value={filter.country ?? ''}
            options={countrySelectOptions(lang, t('staff.queue.country_any'))}
          />
          <SelectField
            name="assigned"
            label={t('staff.queue.assigned')}
            value={filter.assigned ?? ''}
            options={[
              { value: '', label: t('staff.queue.assigned_any') },
              ...ASSIGNED_FILTERS.map((a) => ({ value: a, label: t(`staff.queue.assigned_${a}`) })),
            ]}
          />
          <SelectField
            name="sort"
            label={t('staff.queue.sort')}
            value={filter.sort ?? 'oldest'}
            options={SORTS.map((s) => ({ value: s, label: t(`staff.queue.sort_${s}`) }))}
          />
        </div>
        <button type="submit">{t('staff.queue.apply_filters')}</button>
      </form>
      {rows.count === 0 ? (
        <p role="status">{t('staff.queue.empty')}</p>
      ) : (
        <TableRegion label={t('staff.queue.title')}>
          <table class="striped">
            <caption>{t('staff.queue.caption', { count: rows.count })}</caption>
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
            {/* QueueRows, rendered (and escaped by preact) perhaps for an earlier request. */}
            <tbody dangerouslySetInnerHTML={{ __html: KEPT_HTML_MARK }} />
          </table>
        </TableRegion>
      )}
    </ConsolePage>
  );
}
