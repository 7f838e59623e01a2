import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db.ts';
import type { PicaRegistrationsTable } from './pica.table.ts';

export type RegistrationRow = Selectable<PicaRegistrationsTable>;

export async function insertRegistration(
  db: Executor,
  row: {
    sponsorship_id: string;
    existing_user_id: string | null;
    email: string;
    name: string;
    language: string;
    password_hash: string | null;
    draft_hash: string;
  },
) {
  return db.insertInto('pica_registrations').values(row).returning('id').executeTakeFirstOrThrow();
}

export async function findRegistrationByDraft(db: Executor, draftHash: string): Promise<RegistrationRow | undefined> {
  return db.selectFrom('pica_registrations').selectAll().where('draft_hash', '=', draftHash).executeTakeFirst();
}

export async function saveDetails(
  db: Executor,
  id: string,
  details: {
    job_title: string;
    domain_matches: boolean;
    employment_attested: boolean;
    token_hash: string;
    token_expires_at: Date;
  },
) {
  return db
    .updateTable('pica_registrations')
    .set({ ...details, status: 'awaiting_confirmation' })
    .where('id', '=', id)
    .where('status', 'in', ['details', 'awaiting_confirmation'])
    .returning('id')
    .executeTakeFirst();
}

export async function replaceToken(db: Executor, id: string, tokenHash: string, expiresAt: Date) {
  await db
    .updateTable('pica_registrations')
    .set({ token_hash: tokenHash, token_expires_at: expiresAt })
    .where('id', '=', id)
    .where('status', '=', 'awaiting_confirmation')
    .execute();
}

export async function awaitingConfirmation(db: Executor, email: string) {
  return db
    .selectFrom('pica_registrations')
    .selectAll()
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .where('status', '=', 'awaiting_confirmation')
    .execute();
}

/** Consumes a confirmation link: single use, within its 24 hours. */
export async function consumeToken(db: Executor, tokenHash: string, now: Date): Promise<RegistrationRow | undefined> {
  return db
    .updateTable('pica_registrations')
    .set({ status: 'confirmed', confirmed_at: now, token_hash: null })
    .where('token_hash', '=', tokenHash)
    .where('status', '=', 'awaiting_confirmation')
    .where('token_expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

export async function setRegisteredUser(db: Executor, id: string, userId: string) {
  await db
    .updateTable('pica_registrations')
    .set({ user_id: userId, password_hash: null })
    .where('id', '=', id)
    .execute();
}

// ---- Access and tools (PICA-8) ----

export async function findActiveAccess(db: Executor, userId: string, customerId: string) {
  return db
    .selectFrom('pica_access')
    .select(['id'])
    .where('user_id', '=', userId)
    .where('customer_id', '=', customerId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

export async function insertAccess(
  db: Executor,
  row: {
    user_id: string;
    sponsorship_id: string;
    partner_id: string;
    customer_id: string;
    employment_attested: boolean;
  },
) {
  return db.insertInto('pica_access').values(row).returning('id').executeTakeFirstOrThrow();
}

export async function insertTools(db: Executor, accessId: string, tools: readonly string[]) {
  if (tools.length === 0) return;
  await db
    .insertInto('pica_access_tools')
    .values(tools.map((tool) => ({ access_id: accessId, tool })))
    .onConflict((oc) => oc.columns(['access_id', 'tool']).doNothing())
    .execute();
}

const accessColumns = (db: Executor) =>
  db
    .selectFrom('pica_access as a')
    .innerJoin('pica_customers as cu', 'cu.id', 'a.customer_id')
    .innerJoin('partners as p', 'p.organisation_id', 'a.partner_id')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .innerJoin('pica_sponsorships as s', 's.id', 'a.sponsorship_id')
    .innerJoin('pica_contracts as c', 'c.id', 's.contract_id')
    .innerJoin('pica_contract_types as t', 't.code', 'c.type_code')
    .selectAll('a')
    .select([
      'cu.name as customer_name',
      'p.legal_name as partner_name',
      'u.name as user_name',
      'u.email as user_email',
      'u.language as user_language',
      't.entitlements',
    ]);

export type AccessRow = Awaited<ReturnType<typeof findAccess>> & object;

export async function findAccess(db: Executor, id: string) {
  return accessColumns(db).where('a.id', '=', id).executeTakeFirst();
}

export async function accessOfUser(db: Executor, userId: string) {
  return accessColumns(db).where('a.user_id', '=', userId).orderBy('a.granted_at', 'desc').execute();
}

export async function accessOfPartner(db: Executor, partnerId: string) {
  return accessColumns(db)
    .where('a.partner_id', '=', partnerId)
    .orderBy('cu.name')
    .orderBy('u.name')
    .limit(2000)
    .execute();
}

export async function toolsOf(db: Executor, accessIds: readonly string[]) {
  if (accessIds.length === 0) return [];
  return db.selectFrom('pica_access_tools').selectAll().where('access_id', 'in', accessIds).orderBy('tool').execute();
}

export async function setTool(db: Executor, accessId: string, tool: string, enabled: boolean) {
  return db
    .updateTable('pica_access_tools')
    .set({ enabled, changed_at: new Date() })
    .where('access_id', '=', accessId)
    .where('tool', '=', tool)
    .returning('tool')
    .executeTakeFirst();
}

export async function touchAccess(db: Executor, id: string) {
  await db.updateTable('pica_access').set({ changed_at: new Date() }).where('id', '=', id).execute();
}

/** Ends access that is still active; returns what it ended (a conditional UPDATE: each row once). */
export async function endAccess(
  db: Executor,
  filter: { ids?: readonly string[]; customerId?: string },
  status: 'revoked' | 'ended' | 'suspended',
  reason: string,
  now: Date,
) {
  let query = db
    .updateTable('pica_access')
    .set({ status, end_reason: reason, ended_at: now, changed_at: now })
    .where('status', '=', 'active');
  if (filter.ids)
    query = query.where('id', 'in', filter.ids.length > 0 ? filter.ids : ['00000000-0000-0000-0000-000000000000']);
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  return query.returning(['id', 'user_id', 'partner_id', 'customer_id']).execute();
}

/**
 * PICA-8: claims the active access whose contract has ended or was revoked or suspended, or
 * whose partner may no longer administer PICA, in one statement: of two runs, each row goes to one.
 */
export async function endLapsed(db: Executor, ineligiblePartners: readonly string[], now: Date) {
  const result = await sql<{ id: string; user_id: string; partner_id: string; customer_id: string; reason: string }>`
    UPDATE pica_access a SET status = 'ended', ended_at = ${now}, changed_at = ${now},
      end_reason = CASE WHEN c.status <> 'active' THEN 'contract_revoked'
                        WHEN c.ends_on + interval '1 day' <= ${now} THEN 'contract_ended' ELSE 'partner_ineligible' END
    FROM pica_sponsorships s JOIN pica_contracts c ON c.id = s.contract_id
    WHERE a.sponsorship_id = s.id AND a.status = 'active'
      AND (c.status <> 'active' OR c.ends_on + interval '1 day' <= ${now} OR a.partner_id = ANY(${sql.val([...ineligiblePartners])}::uuid[]))
    RETURNING a.id, a.user_id, a.partner_id, a.customer_id, a.end_reason AS reason`.execute(db);
  return result.rows;
}

/** PICA-8: suspends access of customers not re-confirmed within the year; each row once. */
export async function suspendUnconfirmed(db: Executor, confirmedBefore: Date, now: Date) {
  const result = await sql<{ id: string; user_id: string; partner_id: string; customer_id: string }>`
    UPDATE pica_access a SET status = 'suspended', end_reason = 'not_reconfirmed', ended_at = ${now}, changed_at = ${now}
    FROM pica_customers cu
    WHERE cu.id = a.customer_id AND a.status = 'active' AND cu.last_confirmed_at < ${confirmedBefore}
    RETURNING a.id, a.user_id, a.partner_id, a.customer_id`.execute(db);
  return result.rows;
}

export async function resumeSuspended(db: Executor, customerId: string, now: Date) {
  return db
    .updateTable('pica_access')
    .set({ status: 'active', end_reason: null, ended_at: null, changed_at: now })
    .where('customer_id', '=', customerId)
    .where('status', '=', 'suspended')
    .where('end_reason', '=', 'not_reconfirmed')
    .returning('id')
    .execute();
}

export async function insertToolRequest(db: Executor, row: { access_id: string; tool: string; note: string | null }) {
  return db.insertInto('pica_tool_requests').values(row).returning('id').executeTakeFirstOrThrow();
}

export async function toolRequests(
  db: Executor,
  filter: { accessIds?: readonly string[]; partnerId?: string; id?: string },
) {
  let query = db
    .selectFrom('pica_tool_requests as r')
    .innerJoin('pica_access as a', 'a.id', 'r.access_id')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .selectAll('r')
    .select([
      'a.partner_id',
      'a.user_id',
      'u.name as user_name',
      'u.email as user_email',
      'u.language as user_language',
    ])
    .orderBy('r.created_at', 'desc')
    .limit(500);
  if (filter.accessIds)
    query = query.where(
      'r.access_id',
      'in',
      filter.accessIds.length > 0 ? filter.accessIds : ['00000000-0000-0000-0000-000000000000'],
    );
  if (filter.partnerId) query = query.where('a.partner_id', '=', filter.partnerId);
  if (filter.id) query = query.where('r.id', '=', filter.id);
  return query.execute();
}

export async function decideToolRequest(db: Executor, id: string, status: 'granted' | 'declined', by: string) {
  return db
    .updateTable('pica_tool_requests')
    .set({ status, decided_by: by, decided_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning(['id', 'access_id', 'tool'])
    .executeTakeFirst();
}
