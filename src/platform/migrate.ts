import { Migrator, type MigrationResultSet } from 'kysely/migration';
import { migrations } from '../migrations/index.ts';
import type { Db } from './db.ts';

export function migrator(db: Db): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  return unwrap(await migrator(db).migrateToLatest());
}

export async function migrateDown(db: Db): Promise<string[]> {
  return unwrap(await migrator(db).migrateDown());
}

function unwrap({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    // No migration ran: the database did not open (a locked or damaged DATA_DIR, a server that
    // does not answer). Its own error says so better, and keeps its type for the caller.
    if (!failed) throw error;
    throw new Error(
      `Migration ${failed.migrationName} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
