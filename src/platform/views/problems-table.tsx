import type { CsvProblem } from '../csv.ts';
import { violationMessage } from '../violations.ts';
import type { PageContext } from './page-context.ts';

/**
 * The rows a CSV import skipped, by line and field. The services write the messages in English
 * (import reports are shared with operators and the API); a problem that names the rule it broke
 * is said in the page's language instead, and the others are marked as English text.
 */
export function ProblemsTable({
  ctx,
  problems,
  caption,
  omitted = 0,
}: {
  ctx: PageContext;
  problems: readonly CsvProblem[];
  caption: string;
  omitted?: number;
}) {
  const { t, lang } = ctx;
  if (problems.length === 0) return <p>{t('upload.no_problems')}</p>;
  const number = new Intl.NumberFormat(lang);
  return (
    <div class="overflow-auto">
      <table class="striped problems">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('upload.line')}</th>
            <th scope="col">{t('upload.field')}</th>
            <th scope="col">{t('upload.problem')}</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((p) => (
            <tr>
              <td>{p.line > 0 ? number.format(p.line) : '—'}</td>
              <td>
                {p.field === '(line)' ? t('upload.whole_line') : t(`fields.${p.field}`, { defaultValue: p.field })}
              </td>
              {p.rule ? (
                <td>
                  {violationMessage(t, { field: p.field, rule: p.rule, ...(p.params ? { params: p.params } : {}) })}
                </td>
              ) : (
                <td lang={lang === 'en' ? undefined : 'en'}>{p.message}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {omitted > 0 && <p>{t('upload.problems_omitted', { count: omitted })}</p>}
    </div>
  );
}
