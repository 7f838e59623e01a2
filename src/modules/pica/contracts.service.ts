import type { Readable } from 'node:stream';
import { auditActor, can, requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { readCsv, type CsvProblem } from '../../platform/csv.ts';
import type { Executor } from '../../platform/db.ts';
import { conflict, notFound, validationFailed, type FieldViolation } from '../../platform/errors.ts';
import { parseDay } from '../../platform/dates.ts';
import { isUuid } from '../../platform/ids.ts';
import { translator } from '../../platform/i18n.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { recordAudit } from '../audit/index.ts';
import * as repo from './contracts.repository.ts';
import * as partners from './partner-lookup.repository.ts';
import {
  checkContract,
  contractInForce,
  eligibilityGaps,
  isTool,
  normaliseContractNumber,
  type ContractFacts,
  type EligibilityGap,
  type Tool,
} from './pica.rules.ts';

const english = translator('en');

export interface ContractType {
  code: string;
  name: string;
  qualifiesPica: boolean;
  entitlements: Tool[];
}

export interface Contract {
  id: string;
  number: string;
  partnerId: string;
  typeCode: string;
  qualifiesPica: boolean;
  entitlements: Tool[];
  customerName: string | null;
  startsOn: Date;
  endsOn: Date;
  status: 'active' | 'suspended' | 'revoked';
  inForce: boolean;
  version: number;
}

export interface PartnerPica {
  partnerId: string;
  legalName: string;
  country: string;
  ownBrandSupport: boolean;
  agreementSignedOn: Date | null;
  /** PICA-1, PICA-3: what keeps the partner from administering PICA; empty when eligible. */
  gaps: EligibilityGap[];
}

const toType = (r: repo.ContractTypeRow): ContractType => ({
  code: r.code,
  name: r.name,
  qualifiesPica: r.qualifies_pica,
  entitlements: r.entitlements.filter(isTool),
});

export const toContract = (r: repo.ContractRow, now = new Date()): Contract => ({
  id: r.id,
  number: r.number,
  partnerId: r.partner_id,
  typeCode: r.type_code,
  qualifiesPica: r.qualifies_pica,
  entitlements: r.entitlements.filter(isTool),
  customerName: r.customer_name,
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  status: r.status,
  inForce: contractInForce({ status: r.status, startsOn: r.starts_on, endsOn: r.ends_on }, now),
  version: r.version,
});

export const contractFacts = (r: repo.ContractRow): ContractFacts => ({
  number: r.number,
  partnerId: r.partner_id,
  qualifiesPica: r.qualifies_pica,
  status: r.status,
  startsOn: r.starts_on,
  endsOn: r.ends_on,
});

// ---- Contract types (PICA-1) ----

export async function listContractTypes(ctx: AppContext): Promise<ContractType[]> {
  return (await repo.listTypes(ctx.db)).map(toType);
}

export async function saveContractType(
  ctx: AppContext,
  actor: Actor | null,
  input: { code: string; name: string; qualifiesPica: boolean; entitlements: string[] },
  meta: RequestMeta,
): Promise<ContractType> {
  const by = requirePermission(actor, 'contract-types:manage');
  const code = input.code.trim().toUpperCase();
  const v: FieldViolation[] = [];
  if (!/^[A-Z0-9_-]{2,20}$/.test(code)) v.push({ field: 'code', rule: 'contract_type_code' });
  if (!input.name.trim() || input.name.length > 120) v.push({ field: 'type_name', rule: 'required' });
  const unknown = input.entitlements.filter((e) => !isTool(e));
  if (unknown.length > 0) v.push({ field: 'entitlements', rule: 'tool', params: { value: unknown.join(', ') } });
  if (v.length > 0) throw validationFailed(v);
  const row = {
    code,
    name: input.name.trim(),
    qualifies_pica: input.qualifiesPica,
    entitlements: [...new Set(input.entitlements)],
  };
  await ctx.db.transaction().execute(async (trx) => {
    await repo.upsertType(trx, row);
    await recordAudit(trx, {
      actor: auditActor(by),
      action: 'pica.contract_type_saved',
      subject: { type: 'pica_contract_type', id: code },
      ip: meta.ip,
      data: row,
    });
  });
  return toType(row as repo.ContractTypeRow);
}

// ---- Support contracts (PICA-1, PICA-3) ----

export interface ContractInput {
  number: string;
  partnerId: string;
  typeCode: string;
  customerName?: string | null | undefined;
  startsOn: string;
  endsOn: string;
  status?: 'active' | 'suspended' | 'revoked' | undefined;
}

async function checkedRow(db: Executor, input: ContractInput) {
  const startsOn = parseDay(input.startsOn);
  const endsOn = parseDay(input.endsOn);
  const type = await repo.findType(db, input.typeCode.trim().toUpperCase());
  const v = checkContract({ number: input.number, typeCode: input.typeCode, startsOn, endsOn, knownType: !!type });
  const partner = isUuid(input.partnerId) ? await partners.findPartnerRow(db, input.partnerId) : undefined;
  if (!partner) v.push({ field: 'partner_id', rule: 'partner_unknown' });
  if (input.status && !['active', 'suspended', 'revoked'].includes(input.status))
    v.push({ field: 'status', rule: 'contract_status' });
  if (v.length > 0) throw validationFailed(v);
  return {
    number: normaliseContractNumber(input.number),
    partner_id: input.partnerId,
    type_code: type!.code,
    customer_name: input.customerName?.trim() || null,
    starts_on: startsOn!,
    ends_on: endsOn!,
    status: input.status ?? 'active',
  };
}

export async function listContracts(ctx: AppContext, actor: Actor | null, partnerId?: string): Promise<Contract[]> {
  // Staff read every partner's contracts; a partner's own people read its contracts only.
  if (!partnerId || !can(actor, 'contracts:manage'))
    requirePermission(actor, partnerId ? 'partner:read' : 'contracts:manage', partnerId);
  return (await repo.listContracts(ctx.db, { partnerId })).map((r) => toContract(r));
}

export async function getContract(ctx: AppContext, actor: Actor | null, id: string): Promise<Contract> {
  requirePermission(actor, 'contracts:manage');
  const row = isUuid(id) ? await repo.findContractById(ctx.db, id) : undefined;
  if (!row) throw notFound('Contract');
  return toContract(row);
}

export async function createContract(
  ctx: AppContext,
  actor: Actor | null,
  input: ContractInput,
  meta: RequestMeta,
): Promise<Contract> {
  const by = requirePermission(actor, 'contracts:manage');
  const row = await checkedRow(ctx.db, input);
  try {
    const id = await ctx.db.transaction().execute(async (trx) => {
      const { id } = await repo.insertContract(trx, row);
      await recordAudit(trx, {
        actor: auditActor(by),
        action: 'pica.contract_created',
        subject: { type: 'pica_contract', id },
        organisationId: row.partner_id,
        ip: meta.ip,
        data: { ...row },
      });
      return id;
    });
    return toContract((await repo.findContractById(ctx.db, id))!);
  } catch (error) {
    if (isUniqueViolation(error, 'pica_contracts_number'))
      throw validationFailed([{ field: 'number', rule: 'contract_number_taken' }]);
    throw error;
  }
}

export async function updateContract(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  input: ContractInput,
  version: number,
  meta: RequestMeta,
): Promise<Contract> {
  const by = requirePermission(actor, 'contracts:manage');
  const before = isUuid(id) ? await repo.findContractById(ctx.db, id) : undefined;
  if (!before) throw notFound('Contract');
  const row = await checkedRow(ctx.db, { ...input, number: before.number });
  await ctx.db.transaction().execute(async (trx) => {
    const changed = await repo.updateContract(trx, id, version, {
      type_code: row.type_code,
      customer_name: row.customer_name,
      starts_on: row.starts_on,
      ends_on: row.ends_on,
      status: row.status,
      partner_id: row.partner_id,
    });
    if (!changed) throw conflict('stale_version', 'The contract was changed by someone else; reload it and try again.');
    await recordAudit(trx, {
      actor: auditActor(by),
      action: 'pica.contract_changed',
      subject: { type: 'pica_contract', id },
      organisationId: row.partner_id,
      ip: meta.ip,
      data: { from: toContract(before), to: row },
    });
  });
  return toContract((await repo.findContractById(ctx.db, id))!);
}

export const CONTRACT_COLUMNS = ['number', 'partner_id', 'type', 'customer', 'starts_on', 'ends_on', 'status'];

export interface ContractImportReport {
  rowsRead: number;
  created: number;
  updated: number;
  rejected: number;
  problems: CsvProblem[];
}

/**
 * PICA-1: imports support contracts from CSV, row by row (streamed); a known number is updated,
 * a row with problems is reported by line and skipped. `onProgress` drives the CLI's bar.
 */
export async function importContracts(
  ctx: AppContext,
  actor: Actor | null,
  input: Readable,
  meta: RequestMeta,
  onProgress?: (p: { rowsRead: number; rowsWritten: number; rowsRejected: number }) => void,
): Promise<ContractImportReport> {
  const by = requirePermission(actor, 'contracts:manage');
  const report: ContractImportReport = { rowsRead: 0, created: 0, updated: 0, rejected: 0, problems: [] };
  for await (const record of readCsv(
    input,
    {
      required: ['number', 'partner_id', 'type', 'starts_on', 'ends_on'],
      optional: ['customer', 'status'],
      maxRows: 1_000_000,
    },
    report.problems,
  )) {
    report.rowsRead += 1;
    const v = record.values;
    const contract: ContractInput = {
      number: v.number ?? '',
      partnerId: v.partner_id ?? '',
      typeCode: v.type ?? '',
      customerName: v.customer,
      startsOn: v.starts_on ?? '',
      endsOn: v.ends_on ?? '',
      status: (v.status || undefined) as ContractInput['status'],
    };
    try {
      const row = await checkedRow(ctx.db, contract);
      await ctx.db.transaction().execute(async (trx) => {
        const [existing] = await repo.findContractsByNumbers(trx, [row.number]);
        if (existing) {
          await repo.updateContract(trx, existing.id, existing.version, row);
          report.updated += 1;
        } else {
          await repo.insertContract(trx, row);
          report.created += 1;
        }
      });
    } catch (error) {
      const violations = (error as { violations?: FieldViolation[] }).violations;
      if (!violations?.length) throw error;
      report.rejected += 1;
      // Reports speak English, like the API and the CLI.
      for (const violation of violations)
        report.problems.push({
          line: record.line,
          field: violation.field,
          message: english(`pica.rules.${violation.rule}`, { label: violation.field, ...violation.params }),
        });
    }
    onProgress?.({
      rowsRead: report.rowsRead,
      rowsWritten: report.created + report.updated,
      rowsRejected: report.rejected,
    });
  }
  await ctx.db.transaction().execute((trx) =>
    recordAudit(trx, {
      actor: auditActor(by),
      action: 'pica.contracts_imported',
      subject: { type: 'pica_contract', id: 'import' },
      ip: meta.ip,
      data: { ...report, problems: report.problems.length },
    }),
  );
  return report;
}

// ---- The partner's PICA settings and eligibility (PICA-1, PICA-3) ----

export async function partnerPica(db: Executor, partnerId: string, now = new Date()): Promise<PartnerPica | undefined> {
  const partner = await partners.findPartnerRow(db, partnerId);
  if (!partner) return undefined;
  const [settings, contracts] = await Promise.all([
    repo.findSettings(db, partnerId),
    repo.listContracts(db, { partnerId }),
  ]);
  const ownBrandSupport = settings?.own_brand_support ?? false;
  const agreementSignedOn = settings?.agreement_signed_on ?? null;
  return {
    partnerId,
    legalName: partner.legal_name,
    country: partner.country,
    ownBrandSupport,
    agreementSignedOn,
    gaps: eligibilityGaps(
      {
        registered: partner.status === 'registered',
        contracts: contracts.map(contractFacts),
        hasAgreement: agreementSignedOn !== null,
        ownBrandSupport,
      },
      now,
    ),
  };
}

export async function getPartnerPica(ctx: AppContext, actor: Actor | null, partnerId: string): Promise<PartnerPica> {
  if (!can(actor, 'partner:read', partnerId)) requirePermission(actor, 'contracts:manage');
  const found = isUuid(partnerId) ? await partnerPica(ctx.db, partnerId) : undefined;
  if (!found) throw notFound('Partner');
  return found;
}

/** Every registered partner with its PICA standing, for the staff page. */
export async function listPartnersPica(ctx: AppContext, actor: Actor | null): Promise<PartnerPica[]> {
  requirePermission(actor, 'contracts:manage');
  const rows = await partners.listPartnerRows(ctx.db, 'registered');
  return Promise.all(rows.map(async (p) => (await partnerPica(ctx.db, p.organisation_id))!));
}

export async function setPartnerSettings(
  ctx: AppContext,
  actor: Actor | null,
  partnerId: string,
  input: { ownBrandSupport: boolean; agreementSignedOn: string | null },
  meta: RequestMeta,
): Promise<PartnerPica> {
  const by = requirePermission(actor, 'contracts:manage');
  const partner = isUuid(partnerId) ? await partners.findPartnerRow(ctx.db, partnerId) : undefined;
  if (!partner) throw notFound('Partner');
  const agreement = input.agreementSignedOn ? parseDay(input.agreementSignedOn) : null;
  if (agreement === undefined) throw validationFailed([{ field: 'agreement_signed_on', rule: 'date' }]);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.saveSettings(trx, {
      partner_id: partnerId,
      own_brand_support: input.ownBrandSupport,
      agreement_signed_on: agreement,
    });
    await recordAudit(trx, {
      actor: auditActor(by),
      action: 'pica.partner_settings_changed',
      subject: { type: 'partner', id: partnerId },
      organisationId: partnerId,
      ip: meta.ip,
      data: { ownBrandSupport: input.ownBrandSupport, agreementSignedOn: agreement },
    });
  });
  return (await partnerPica(ctx.db, partnerId))!;
}
