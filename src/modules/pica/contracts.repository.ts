import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db.ts';
import type { PicaContractsTable, PicaContractTypesTable, PicaPartnerSettingsTable } from './pica.table.ts';

export type ContractTypeRow = Selectable<PicaContractTypesTable>;
export type ContractRow = Selectable<PicaContractsTable> & { qualifies_pica: boolean; entitlements: string[] };
export type SettingsRow = Selectable<PicaPartnerSettingsTable>;

export async function listTypes(db: Executor): Promise<ContractTypeRow[]> {
  return db.selectFrom('pica_contract_types').selectAll().orderBy('code').execute();
}

export async function findType(db: Executor, code: string): Promise<ContractTypeRow | undefined> {
  return db.selectFrom('pica_contract_types').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function upsertType(
  db: Executor,
  row: { code: string; name: string; qualifies_pica: boolean; entitlements: string[] },
) {
  const changes = {
    name: row.name,
    qualifies_pica: row.qualifies_pica,
    entitlements: row.entitlements,
    updated_at: new Date(),
  };
  await db
    .insertInto('pica_contract_types')
    .values(row)
    .onConflict((oc) => oc.column('code').doUpdateSet(changes))
    .execute();
}

const contractColumns = (db: Executor) =>
  db
    .selectFrom('pica_contracts as c')
    .innerJoin('pica_contract_types as t', 't.code', 'c.type_code')
    .selectAll('c')
    .select(['t.qualifies_pica', 't.entitlements']);

export async function listContracts(
  db: Executor,
  filter: { partnerId?: string | undefined; limit?: number } = {},
): Promise<ContractRow[]> {
  let query = contractColumns(db)
    .orderBy('c.number')
    .limit(filter.limit ?? 1000);
  if (filter.partnerId) query = query.where('c.partner_id', '=', filter.partnerId);
  return query.execute();
}

export async function findContractById(db: Executor, id: string): Promise<ContractRow | undefined> {
  return contractColumns(db).where('c.id', '=', id).executeTakeFirst();
}

export async function findContractsByNumbers(db: Executor, numbers: readonly string[]): Promise<ContractRow[]> {
  if (numbers.length === 0) return [];
  return contractColumns(db)
    .where(
      sql<string>`upper(c.number)`,
      'in',
      numbers.map((n) => n.toUpperCase()),
    )
    .execute();
}

export async function insertContract(
  db: Executor,
  row: {
    number: string;
    partner_id: string;
    type_code: string;
    customer_name: string | null;
    starts_on: Date;
    ends_on: Date;
    status?: 'active' | 'suspended' | 'revoked';
  },
) {
  return db.insertInto('pica_contracts').values(row).returning('id').executeTakeFirstOrThrow();
}

/** Changes a contract only if it still has the version the caller read (409 otherwise). */
export async function updateContract(
  db: Executor,
  id: string,
  version: number,
  changes: Partial<{
    type_code: string;
    customer_name: string | null;
    starts_on: Date;
    ends_on: Date;
    status: 'active' | 'suspended' | 'revoked';
    partner_id: string;
  }>,
) {
  return db
    .updateTable('pica_contracts')
    .set({ ...changes, version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', id)
    .where('version', '=', version)
    .returning('id')
    .executeTakeFirst();
}

export async function findSettings(db: Executor, partnerId: string): Promise<SettingsRow | undefined> {
  return db.selectFrom('pica_partner_settings').selectAll().where('partner_id', '=', partnerId).executeTakeFirst();
}

export async function listSettings(db: Executor): Promise<SettingsRow[]> {
  return db.selectFrom('pica_partner_settings').selectAll().execute();
}

export async function saveSettings(
  db: Executor,
  row: { partner_id: string; own_brand_support: boolean; agreement_signed_on: Date | null },
) {
  await db
    .insertInto('pica_partner_settings')
    .values(row)
    .onConflict((oc) =>
      oc.column('partner_id').doUpdateSet({
        own_brand_support: row.own_brand_support,
        agreement_signed_on: row.agreement_signed_on,
        updated_at: new Date(),
      }),
    )
    .execute();
}

/** Partners that have PICA settings or contracts: the ones whose eligibility can change. */
export async function partnersWithPicaFacts(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('pica_partner_settings')
    .select('partner_id')
    .union(db.selectFrom('pica_contracts').select('partner_id'))
    .execute();
  return rows.map((r) => r.partner_id);
}
