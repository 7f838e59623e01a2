import { isUuid } from '../../platform/ids.ts';
import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { auditActor, requirePermission, type Actor } from '../../platform/auth.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import { readCsv, type CsvProblem } from '../../platform/csv.ts';
import { cacheFor, DISTRIBUTORS_TOPIC } from '../../platform/cache.ts';
import type { Trx } from '../../platform/db.ts';
import { AppError, conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { translator } from '../../platform/i18n.ts';
import { violationMessage } from '../../platform/violations.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import { insertOrganisation } from '../accounts/index.ts';
import * as repo from './distributors.repository.ts';
import {
  checkDistributor,
  checkInquiry,
  countriesServed,
  isLikelySpam,
  normaliseDistributorInput,
  type DistributorInput,
  type InquiryInput,
} from './distributors.rules.ts';

export interface Distributor {
  id: string;
  organisationId: string;
  code: string;
  legalName: string;
  hqCountry: string;
  territories: string[];
  /** Where it is located and where it is authorised: the countries it serves. */
  countriesServed: string[];
  website: string | null;
  phone: string | null;
  email: string | null;
  acceptsNewResellers: boolean;
  status: 'active' | 'retired';
  version: number;
}

export function toDistributor(row: repo.DistributorRow): Distributor {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    code: row.code,
    legalName: row.legal_name,
    hqCountry: row.hq_country,
    territories: row.territories,
    countriesServed: countriesServed({ hqCountry: row.hq_country, territories: row.territories }),
    website: row.website,
    phone: row.phone,
    email: row.email,
    acceptsNewResellers: row.accepts_new_resellers,
    status: row.status,
    version: row.version,
  };
}

const orNull = (value: string) => (value === '' ? null : value);

function validated(input: DistributorInput): DistributorInput {
  const clean = normaliseDistributorInput(input);
  const problems = checkDistributor(clean);
  if (problems.length > 0) throw validationFailed(problems);
  return clean;
}

// ---- Directory (staff) ----

export async function getDistributor(ctx: AppContext, id: string): Promise<Distributor> {
  const row = await repo.findById(ctx.db, id);
  if (!row) throw notFound('Distributor');
  return toDistributor(row);
}

/** A distributor by its id or its code (the CLI takes either). */
export async function findDistributor(ctx: AppContext, idOrCode: string): Promise<Distributor | undefined> {
  const ref = idOrCode.trim();
  const row = isUuid(ref) ? await repo.findById(ctx.db, ref) : await repo.findByCode(ctx.db, ref.toUpperCase());
  return row && toDistributor(row);
}

export async function listDistributors(ctx: AppContext): Promise<Distributor[]> {
  return (await repo.listAll(ctx.db)).map(toDistributor);
}

async function insertDistributor(trx: Trx, clean: DistributorInput): Promise<string> {
  const organisation = await insertOrganisation(trx, { kind: 'distributor', name: clean.legalName });
  const { id } = await repo.insert(trx, {
    organisation_id: organisation.id,
    code: clean.code,
    legal_name: clean.legalName,
    hq_country: clean.hqCountry,
    website: orNull(clean.website),
    phone: orNull(clean.phone),
    email: orNull(clean.email),
    accepts_new_resellers: clean.acceptsNewResellers,
  });
  await repo.replaceTerritories(trx, id, clean.territories);
  return id;
}

/**
 * Adds a valid distributor inside the caller's transaction (demo data); the caller writes the
 * audit row. Invalid input is refused with the same violations as the form.
 */
export async function insertDistributorIn(
  trx: Trx,
  input: DistributorInput,
): Promise<{ id: string; organisationId: string }> {
  const id = await insertDistributor(trx, validated(input));
  const row = (await repo.findById(trx, id))!;
  return { id, organisationId: row.organisation_id };
}

async function applyChanges(
  trx: Trx,
  current: repo.DistributorRow,
  clean: DistributorInput,
  expectedVersion: number,
): Promise<void> {
  const updated = await repo.update(trx, current.id, expectedVersion, {
    legal_name: clean.legalName,
    hq_country: clean.hqCountry,
    website: orNull(clean.website),
    phone: orNull(clean.phone),
    email: orNull(clean.email),
    accepts_new_resellers: clean.acceptsNewResellers,
  });
  if (!updated)
    throw conflict(
      'stale_version',
      'Someone else changed this distributor since you opened it. Reload and apply your change again.',
    );
  await repo.replaceTerritories(trx, current.id, clean.territories);
}

function diff(before: repo.DistributorRow, after: DistributorInput): Record<string, { from: unknown; to: unknown }> {
  const pairs: [string, unknown, unknown][] = [
    ['legal_name', before.legal_name, after.legalName],
    ['hq_country', before.hq_country, after.hqCountry],
    ['territories', before.territories.join(';'), after.territories.join(';')],
    ['website', before.website ?? '', after.website],
    ['phone', before.phone ?? '', after.phone],
    ['email', before.email ?? '', after.email],
    ['accepts_new_resellers', before.accepts_new_resellers, after.acceptsNewResellers],
  ];
  return Object.fromEntries(pairs.filter(([, a, b]) => a !== b).map(([k, a, b]) => [k, { from: a, to: b }]));
}

export async function createDistributor(
  ctx: AppContext,
  actor: Actor,
  input: DistributorInput,
  meta: RequestMeta,
): Promise<Distributor> {
  requirePermission(actor, 'distributors:manage');
  const clean = validated(input);
  try {
    const id = await ctx.db.transaction().execute(async (trx) => {
      const id = await insertDistributor(trx, clean);
      await recordAudit(trx, {
        actor: auditActor(actor),
        action: 'distributor.created',
        subject: { type: 'distributor', id },
        ip: meta.ip,
        data: { ...clean },
      });
      return id;
    });
    return getDistributor(ctx, id);
  } catch (error) {
    if (isUniqueViolation(error))
      throw validationFailed([{ field: 'code', rule: 'distributor_code_taken', params: { value: clean.code } }]);
    throw error;
  }
}

export async function updateDistributor(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: Omit<DistributorInput, 'code'>,
  expectedVersion: number,
  meta: RequestMeta,
): Promise<Distributor> {
  requirePermission(actor, 'distributors:manage');
  const current = await repo.findById(ctx.db, id);
  if (!current) throw notFound('Distributor');
  const clean = validated({ ...input, code: current.code });
  await ctx.db.transaction().execute(async (trx) => {
    await applyChanges(trx, current, clean, expectedVersion);
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'distributor.updated',
      subject: { type: 'distributor', id },
      organisationId: current.organisation_id,
      ip: meta.ip,
      data: { changes: diff(current, clean) },
    });
  });
  return getDistributor(ctx, id);
}

/** Retired distributors leave the locator and cannot be named in new claims; history stays. */
export async function setDistributorStatus(
  ctx: AppContext,
  actor: Actor,
  id: string,
  status: 'active' | 'retired',
  expectedVersion: number,
  meta: RequestMeta,
): Promise<Distributor> {
  requirePermission(actor, 'distributors:manage');
  const current = await repo.findById(ctx.db, id);
  if (!current) throw notFound('Distributor');
  await ctx.db.transaction().execute(async (trx) => {
    const updated = await repo.update(trx, id, expectedVersion, { status });
    if (!updated)
      throw conflict(
        'stale_version',
        'Someone else changed this distributor since you opened it. Reload and try again.',
      );
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: status === 'retired' ? 'distributor.retired' : 'distributor.reactivated',
      subject: { type: 'distributor', id },
      organisationId: current.organisation_id,
      ip: meta.ip,
    });
  });
  return getDistributor(ctx, id);
}

// ---- CSV import and export (staff page and CLI) ----

// Import reports are read by staff and operators in English, like the API's messages.
const english = translator('en');

export const DISTRIBUTOR_COLUMNS = [
  'code',
  'legal_name',
  'hq_country',
  'territories',
  'website',
  'phone',
  'email',
  'accepts_new_resellers',
];

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  problems: CsvProblem[];
}

function parseYesNo(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['', 'yes', 'y', 'true', '1'].includes(v)) return true;
  if (['no', 'n', 'false', '0'].includes(v)) return false;
  return undefined;
}

/**
 * Imports the directory from CSV, one row at a time: a row with problems is reported by line
 * and field and skipped; the others are created, or updated when the code already exists.
 */
export async function importDistributors(
  ctx: AppContext,
  actor: Actor,
  input: Readable,
  meta: RequestMeta,
): Promise<ImportReport> {
  requirePermission(actor, 'distributors:manage');
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, rejected: 0, problems: [] };
  const records = readCsv(
    input,
    { required: ['code', 'legal_name', 'hq_country'], optional: DISTRIBUTOR_COLUMNS, maxRows: 100_000 },
    report.problems,
  );
  for await (const { line, values } of records) {
    const accepts = parseYesNo(values.accepts_new_resellers ?? '');
    const clean = normaliseDistributorInput({
      code: values.code ?? '',
      legalName: values.legal_name ?? '',
      hqCountry: values.hq_country ?? '',
      territories: (values.territories ?? '').split(/[;,\s]+/).filter(Boolean),
      website: values.website ?? '',
      phone: values.phone ?? '',
      email: values.email ?? '',
      acceptsNewResellers: accepts ?? true,
    });
    // The rule goes with the English message so that pages can say it in their language.
    const problems: CsvProblem[] = checkDistributor(clean).map((v) => ({
      line,
      ...v,
      message: violationMessage(english, v),
    }));
    if (accepts === undefined)
      problems.push({
        line,
        field: 'accepts_new_resellers',
        rule: 'yes_no',
        message: violationMessage(english, { field: 'accepts_new_resellers', rule: 'yes_no' }),
      });
    if (problems.length > 0) {
      report.rejected += 1;
      report.problems.push(...problems);
      continue;
    }
    const outcome = await ctx.db.transaction().execute(async (trx) => {
      const current = await repo.findByCode(trx, clean.code);
      if (!current) {
        const id = await insertDistributor(trx, clean);
        await recordAudit(trx, {
          actor: auditActor(actor),
          action: 'distributor.created',
          subject: { type: 'distributor', id },
          ip: meta.ip,
          data: { ...clean, source: 'csv', line },
        });
        return 'created' as const;
      }
      const changes = diff(current, clean);
      if (Object.keys(changes).length === 0) return 'unchanged' as const;
      await applyChanges(trx, current, clean, current.version);
      await recordAudit(trx, {
        actor: auditActor(actor),
        action: 'distributor.updated',
        subject: { type: 'distributor', id: current.id },
        organisationId: current.organisation_id,
        ip: meta.ip,
        data: { changes, source: 'csv', line },
      });
      return 'updated' as const;
    });
    report[outcome] += 1;
  }
  // Lines the CSV parser could not read count as rejected rows too.
  report.rejected += report.problems.filter((p) => p.field === '(line)').length;
  report.problems.sort((a, b) => a.line - b.line);
  return report;
}

export async function exportDistributorsCsv(ctx: AppContext, actor: Actor): Promise<string> {
  requirePermission(actor, 'distributors:manage');
  const rows = await repo.listAll(ctx.db);
  return stringify(
    rows.map((r) => [
      r.code,
      r.legal_name,
      r.hq_country,
      r.territories.join(';'),
      r.website ?? '',
      r.phone ?? '',
      r.email ?? '',
      r.accepts_new_resellers ? 'yes' : 'no',
    ]),
    { header: true, columns: DISTRIBUTOR_COLUMNS },
  );
}

// ---- Distributor Locator (REG-5) ----

/**
 * REG-5: the active distributors serving a country, read by the Distributor Locator and the
 * wizard's distributors step. Kept per country for DISTRIBUTORS_TTL_MS and dropped by every
 * write of the directory (DISTRIBUTORS_TOPIC, #15, decision 064). Callers must not change what
 * they get.
 */
export async function distributorsServing(ctx: AppContext, country: string): Promise<readonly Distributor[]> {
  const cache = cacheFor<Distributor[]>(ctx.db, DISTRIBUTORS_TOPIC, DISTRIBUTORS_TTL_MS, 300, { eager: true });
  const kept = cache.get(country);
  if (kept) return kept;
  const generation = cache.generation;
  const serving = (await repo.listServing(ctx.db, country)).map(toDistributor);
  cache.set(country, serving, { generation });
  return serving;
}

/** How long a country's distributors are kept when a change's notification is lost (decision 064). */
const DISTRIBUTORS_TTL_MS = 5_000;

/**
 * REG-5: "contact this distributor". The message goes through the outbox to the distributor's
 * public address. A filled honeypot is accepted silently and dropped.
 */
export async function sendInquiry(
  ctx: AppContext,
  distributorId: string,
  input: InquiryInput,
  meta: RequestMeta,
): Promise<void> {
  const problems = checkInquiry(input);
  if (problems.length > 0) throw validationFailed(problems);
  const distributor = await repo.findById(ctx.db, distributorId);
  if (!distributor || distributor.status !== 'active') throw notFound('Distributor');
  if (!distributor.email)
    throw new AppError(
      'distributor_no_contact',
      'This distributor has no contact address; use its website or phone number.',
      409,
    );
  if (isLikelySpam(input)) return;
  await ctx.db.transaction().execute(async (trx) => {
    await enqueueEmail(trx, brandOf(ctx.config), {
      to: distributor.email!,
      language: 'en',
      template: 'inquiry',
      recipientName: distributor.legal_name,
      vars: {
        sender: input.name.trim(),
        senderEmail: input.email.trim(),
        company: input.company.trim() || '—',
        message: input.message.trim(),
      },
    });
    await recordAudit(trx, {
      actor: { userId: null, label: input.email.trim() },
      action: 'distributor.inquiry_sent',
      subject: { type: 'distributor', id: distributorId },
      organisationId: distributor.organisation_id,
      ip: meta.ip,
    });
  });
}
