import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { projectPath } from '../../platform/paths.ts';
import type { WatchlistEntry } from './registration.rules.ts';

const FILE = projectPath('data-files', 'address-watchlist.csv');

/**
 * REG-7: the maintained list of providers shipped with the product
 * (data-files/address-watchlist.csv): mail drops, virtual offices, forwarders, locker networks and
 * logistics suppliers, by name, and well-known mail-drop street addresses. Programme staff extend
 * it in the database; the rules see both.
 */
export const SHIPPED_WATCHLIST: readonly WatchlistEntry[] = (
  parse(readFileSync(FILE, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as {
    kind: WatchlistEntry['kind'];
    name: string;
  }[]
).map((r) => ({ kind: r.kind, name: r.name }));
