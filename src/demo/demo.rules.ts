/**
 * Issue #17 item 1: whether `serve` loads demo data (into an empty database; seedDemo checks).
 * Never in production; otherwise the --demo / --no-demo flag, else DEMO=1|0, else only on the
 * embedded database: a PostgreSQL server (DATABASE_URL) gets demo data only when asked for.
 */
export function demoDecision(input: {
  flag: boolean | undefined;
  env: boolean | undefined;
  databaseUrl: string | undefined;
  isProduction: boolean;
}): { load: boolean; why: string } {
  if (input.isProduction) return { load: false, why: 'demo data is never loaded in production' };
  if (input.flag !== undefined) return { load: input.flag, why: input.flag ? '--demo' : '--no-demo' };
  if (input.env !== undefined) return { load: input.env, why: input.env ? 'DEMO=1' : 'DEMO=0' };
  return input.databaseUrl
    ? { load: false, why: 'DATABASE_URL is set (add --demo or DEMO=1 to load demo data)' }
    : { load: true, why: 'the embedded database' };
}

/** Where a role sits in the printed list of demo sign-ins (issue #17 item 1). */
export const DEMO_ROLE_ORDER = [
  'applicant',
  'partner administrator',
  'PICA administrator',
  'end user',
  'distributor',
  'reviewer',
  'programme administrator',
] as const;
export type DemoRole = (typeof DEMO_ROLE_ORDER)[number];

/** One line per role, in the agreed order; roles without a login are left out. */
export function demoLoginLines(logins: { role: DemoRole; email: string }[]): string[] {
  const sorted = [...logins].sort((a, b) => DEMO_ROLE_ORDER.indexOf(a.role) - DEMO_ROLE_ORDER.indexOf(b.role));
  const width = Math.max(0, ...sorted.map((l) => l.role.length));
  return sorted
    .filter((l, i) => sorted.findIndex((m) => m.role === l.role) === i)
    .map((l) => `  ${l.role.padEnd(width)}  ${l.email}`);
}
