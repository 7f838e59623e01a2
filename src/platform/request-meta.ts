import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from './context.ts';

export function requestMeta(req: FastifyRequest): RequestMeta {
  const userAgent = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 500) : null };
}

export { safeReturnPath } from './text.rules.ts';

/** A field of a urlencoded form body as a string ('' when absent or repeated oddly). */
export function formField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

/**
 * The row version a form was opened at (a hidden `version` field). Versions are positive 32-bit
 * integers; anything else — empty, not a number, huge — matches no row, so it reads as 0 and the
 * change is refused as stale (409), never handed to the database as NaN or out of range.
 */
export function formVersion(value: unknown): number {
  const version = typeof value === 'string' && /^\d{1,10}$/.test(value.trim()) ? Number(value) : 0;
  return version <= 2_147_483_647 ? version : 0;
}
