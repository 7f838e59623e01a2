import type { Insertable } from 'kysely';
import { ADDRESS_LISTS_TOPIC, announceChange } from '../../platform/cache.ts';
import type { Executor } from '../../platform/db.ts';
import type { AddressAllowlistTable, AddressWatchlistTable } from './registration.table.ts';

// REG-7, REG-8 (#11): the lists staff keep beside the checks: providers to flag (watchlist)
// and confirmed false alarms not to flag again (allow-list).

export async function allowlistEntries(db: Executor) {
  return db.selectFrom('address_allowlist').select(['code', 'phrase', 'scope']).execute();
}

export async function allowlistWithAuthors(db: Executor) {
  return db
    .selectFrom('address_allowlist as a')
    .leftJoin('users as u', 'u.id', 'a.added_by')
    .select(['a.id', 'a.code', 'a.phrase', 'a.scope', 'a.reason', 'a.created_at', 'u.name as added_by_name'])
    .orderBy('a.created_at', 'desc')
    .execute();
}

export async function watchlistWithAuthors(db: Executor) {
  return db
    .selectFrom('address_watchlist as w')
    .leftJoin('users as u', 'u.id', 'w.added_by')
    .select(['w.id', 'w.kind', 'w.name', 'w.country', 'w.note', 'w.created_at', 'u.name as added_by_name'])
    .orderBy('w.created_at', 'desc')
    .execute();
}

/** The new entry's id, or undefined when the same entry is already listed. */
export async function insertAllowlistEntry(
  db: Executor,
  row: Insertable<AddressAllowlistTable>,
): Promise<string | undefined> {
  const inserted = await db
    .insertInto('address_allowlist')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) await announceChange(db, ADDRESS_LISTS_TOPIC);
  return inserted?.id;
}

export async function findAllowlistEntry(db: Executor, entry: { code: string; phrase: string; scope: string | null }) {
  return db
    .selectFrom('address_allowlist')
    .select(['id'])
    .where('code', '=', entry.code)
    .where((eb) => eb(eb.fn('lower', ['phrase']), '=', entry.phrase.toLowerCase()))
    .where((eb) => eb(eb.fn.coalesce(eb.fn('lower', ['scope']), eb.val('')), '=', (entry.scope ?? '').toLowerCase()))
    .executeTakeFirst();
}

export async function deleteAllowlistEntry(db: Executor, id: string) {
  const deleted = await db
    .deleteFrom('address_allowlist')
    .where('id', '=', id)
    .returning(['code', 'phrase', 'scope'])
    .executeTakeFirst();
  if (deleted) await announceChange(db, ADDRESS_LISTS_TOPIC);
  return deleted;
}

export async function insertWatchlistEntry(
  db: Executor,
  row: Insertable<AddressWatchlistTable>,
): Promise<string | undefined> {
  const inserted = await db
    .insertInto('address_watchlist')
    .values(row)
    .onConflict((oc) => oc.columns(['kind', 'name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) await announceChange(db, ADDRESS_LISTS_TOPIC);
  return inserted?.id;
}

export async function deleteWatchlistEntry(db: Executor, id: string) {
  const deleted = await db
    .deleteFrom('address_watchlist')
    .where('id', '=', id)
    .returning(['kind', 'name'])
    .executeTakeFirst();
  if (deleted) await announceChange(db, ADDRESS_LISTS_TOPIC);
  return deleted;
}
