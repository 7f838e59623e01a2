import type { Db } from '../platform/db.ts';
import { findAccountByEmail } from '../modules/accounts/index.ts';
import { demoLoginLines, type DemoRole } from './demo.rules.ts';

export interface DemoLogin {
  role: DemoRole;
  email: string;
}

/**
 * The demo sign-ins `serve` prints, one per role. Each demo data file adds its own accounts
 * (`DEMO_LOGINS.push(…)` at the top level of the file), so PICA, training and later demo data
 * appear without changing this file; only accounts that exist in the database are printed.
 */
export const DEMO_LOGINS: DemoLogin[] = [];

/** What `serve` prints once listening: the address, and the demo sign-ins present in the database. */
export async function startupBanner(db: Db, publicUrl: string, password: string): Promise<string> {
  const present: DemoLogin[] = [];
  for (const login of DEMO_LOGINS) if (await findAccountByEmail(db, login.email)) present.push(login);
  const lines = [`Partner Portal is running at ${publicUrl}`];
  if (present.length > 0) {
    lines.push(`Demo sign-ins (password ${password}); visitors need none:`, ...demoLoginLines(present));
  }
  return lines.join('\n');
}
