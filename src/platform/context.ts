import type { Config } from '../config.ts';
import type { Db } from './db.ts';

/** What every service needs: the database and the frozen configuration. */
export interface AppContext {
  db: Db;
  config: Config;
}

/** Where a request came from, for audit rows and consent records. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export function brandOf(config: Config) {
  return { vendor: config.vendorName, help: config.helpMailbox };
}
