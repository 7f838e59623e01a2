import type { Readable } from 'node:stream';
import { auditActor, requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { isCountryCode, normaliseCountry } from '../../platform/countries.ts';
import { readCsv, type CsvProblem } from '../../platform/csv.ts';
import { recordAudit } from '../audit/index.ts';
import { insertDeniedParties } from './review.repository.ts';
import { normalisePartyName } from './review.rules.ts';

export interface DeniedPartyImport {
  imported: number;
  rejected: number;
  problems: CsvProblem[];
}

/**
 * Imports a consolidated denied-party list (CSV: name, country, source, list_date). Entries are
 * stored with their normalised name so that screening compares like with like; re-importing
 * the same list changes nothing.
 */
export async function importDeniedParties(
  ctx: AppContext,
  actor: Actor | null,
  input: Readable,
  meta: RequestMeta,
): Promise<DeniedPartyImport> {
  const staff = requirePermission(actor, 'staff:manage');
  const report: DeniedPartyImport = { imported: 0, rejected: 0, problems: [] };
  const rows: {
    name: string;
    normalised_name: string;
    country: string | null;
    source: string;
    list_date: Date | null;
  }[] = [];
  for await (const { line, values } of readCsv(
    input,
    { required: ['name', 'source'], optional: ['country', 'list_date'], maxRows: 500_000 },
    report.problems,
  )) {
    const name = (values.name ?? '').trim();
    const country = values.country ? normaliseCountry(values.country) : '';
    const date = (values.list_date ?? '').trim();
    const problems: CsvProblem[] = [];
    // Each problem names its rule too, so that the page says it in the reader's language.
    if (!name || name.length > 500)
      problems.push({
        line,
        field: 'name',
        ...(name ? { rule: 'too_long', params: { max: 500 } } : { rule: 'required' }),
        message: 'Name is required (at most 500 characters).',
      });
    if (country && !isCountryCode(country))
      problems.push({
        line,
        field: 'country',
        rule: 'country_code',
        params: { value: country },
        message: `Country must be an ISO 3166 two-letter code (got "${country}").`,
      });
    if (!(values.source ?? '').trim())
      problems.push({ line, field: 'source', rule: 'required', message: 'Source is required.' });
    if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date))
      problems.push({ line, field: 'list_date', rule: 'date_format', message: 'List date must be YYYY-MM-DD.' });
    if (problems.length > 0) {
      report.rejected += 1;
      report.problems.push(...problems);
      continue;
    }
    rows.push({
      name,
      normalised_name: normalisePartyName(name),
      country: country || null,
      source: values.source!.trim(),
      list_date: date ? new Date(`${date}T00:00:00Z`) : null,
    });
  }
  await ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      report.imported += await insertDeniedParties(trx, batch);
    }
    await recordAudit(trx, {
      actor: auditActor(staff),
      action: 'screening.list_imported',
      subject: { type: 'denied_parties', id: 'list' },
      ip: meta.ip,
      data: { imported: report.imported, rejected: report.rejected },
    });
  });
  return report;
}
