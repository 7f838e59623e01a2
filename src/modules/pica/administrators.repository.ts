import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db.ts';
import type { PicaAdminRequestsTable } from './pica.table.ts';

export type AdminRequestRow = Selectable<PicaAdminRequestsTable> & {
  user_email: string;
  user_name: string;
  user_language: string;
};

const requestColumns = (db: Executor) =>
  db
    .selectFrom('pica_admin_requests as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .selectAll('r')
    .select(['u.email as user_email', 'u.name as user_name', 'u.language as user_language']);

export async function insertRequest(
  db: Executor,
  row: { partner_id: string; user_id: string; contract_numbers: string[]; job_title: string },
) {
  return db.insertInto('pica_admin_requests').values(row).returning('id').executeTakeFirstOrThrow();
}

export async function findRequest(db: Executor, id: string): Promise<AdminRequestRow | undefined> {
  return requestColumns(db).where('r.id', '=', id).executeTakeFirst();
}

export async function listRequests(
  db: Executor,
  filter: { status?: 'pending' | 'approved' | 'declined'; userId?: string },
): Promise<AdminRequestRow[]> {
  let query = requestColumns(db).orderBy('r.created_at', 'desc').limit(500);
  if (filter.status) query = query.where('r.status', '=', filter.status);
  if (filter.userId) query = query.where('r.user_id', '=', filter.userId);
  return query.execute();
}

/** Decides a request only while it is pending: of two decisions at once, one wins. */
export async function decideRequest(
  db: Executor,
  id: string,
  decision: { status: 'approved' | 'declined'; internal_reason: string | null; decided_by: string },
) {
  return db
    .updateTable('pica_admin_requests')
    .set({ ...decision, decided_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning(['id', 'partner_id', 'user_id'])
    .executeTakeFirst();
}

/** PICA-2: claims this month's reminder for a partner; only the first process to ask gets it. */
export async function claimReminder(db: Executor, partnerId: string, month: string): Promise<boolean> {
  const row = await db
    .insertInto('pica_admin_reminders')
    .values({ partner_id: partnerId, month })
    .onConflict((oc) => oc.columns(['partner_id', 'month']).doNothing())
    .returning('partner_id')
    .executeTakeFirst();
  return !!row;
}
