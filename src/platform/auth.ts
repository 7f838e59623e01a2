import type { Language } from './i18n.ts';
import { forbidden, unauthenticated } from './errors.ts';
import { allows, type Permission, type RoleGrant } from './roles.rules.ts';

/** The signed-in person a request acts for. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  language: Language;
  emailVerified: boolean;
  grants: RoleGrant[];
  /** Set when the request authenticated with an API key rather than a session: `api-key:<prefix>`. */
  via?: string;
}

/** Audit rows name the actor by id and by a label that stays readable if the user is removed. */
export function auditActor(actor: Actor | null): { userId: string | null; label: string } {
  if (!actor) return { userId: null, label: 'anonymous' };
  return { userId: actor.userId, label: actor.via ? `${actor.email} (${actor.via})` : actor.email };
}

export function requireUser(actor: Actor | null | undefined): Actor {
  if (!actor) throw unauthenticated();
  return actor;
}

export function requirePermission(actor: Actor | null | undefined, permission: Permission, organisationId?: string): Actor {
  const user = requireUser(actor);
  if (!allows(user.grants, permission, organisationId)) throw forbidden();
  return user;
}

export function can(actor: Actor | null | undefined, permission: Permission, organisationId?: string): boolean {
  return !!actor && allows(actor.grants, permission, organisationId);
}
