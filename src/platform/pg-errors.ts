/** True for PostgreSQL's unique_violation (23505), from pg or PGlite alike. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e.code !== '23505') return false;
  return constraint === undefined || e.constraint === constraint || (e.message ?? '').includes(constraint);
}

/**
 * True for a PostgreSQL data exception (SQLSTATE class 22: 22P02 invalid text representation,
 * 22003 numeric out of range, 22007/22008 datetime, 22001 string too long, 22021 bad byte
 * sequence, 22P05 untranslatable character, ...), from pg or PGlite alike. The value came from
 * a request that no rule checked: a bug, but the caller's input, never a server failure.
 */
export function isDataException(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}
