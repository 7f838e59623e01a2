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
