import type { Language } from './i18n.ts';
import { forbidden, unauthenticated } from './errors.ts';
import { allows, PERMISSIONS_OF, type Permission, type RoleGrant } from './roles.rules.ts';

/** The signed-in person a request acts for. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  language: Language;
  emailVerified: boolean;
  grants: RoleGrant[];
  /** Marks audit rows written by a non-interactive channel, e.g. `cli`. */
  via?: string;
  /**
   * Set when the request authenticated with an API key: the key is the actor, not the person who
   * created it. `grants` are the key's scopes; `userId` stays the key's creator only because
   * tables such as `account_uploads.uploaded_by` need an accountable user (decision 020).
   */
  apiKey?: ApiKeyIdentity;
}

/** An organisation's integration credential acting on its own behalf. */
export interface ApiKeyIdentity {
  id: string;
  prefix: string;
  name: string;
  organisationId: string;
  scopes: Permission[];
}

/** Audit rows name the actor by id and by a label that stays readable if the user is removed. */
export function auditActor(actor: Actor | null): { userId: string | null; label: string } {
  if (!actor) return { userId: null, label: 'anonymous' };
  // A key's actions are the key's, not its creator's: no user id, the key's name and prefix.
  if (actor.apiKey) return { userId: null, label: `api-key:${actor.apiKey.prefix} (${actor.apiKey.name})` };
  return { userId: actor.userId, label: actor.via ? `${actor.email} (${actor.via})` : actor.email };
}

export function requireUser(actor: Actor | null | undefined): Actor {
  if (!actor) throw unauthenticated();
  return actor;
}

export function requirePermission(
  actor: Actor | null | undefined,
  permission: Permission,
  organisationId?: string,
): Actor {
  const user = requireUser(actor);
  if (!allows(user.grants, permission, organisationId)) throw forbidden();
  return user;
}

export function can(actor: Actor | null | undefined, permission: Permission, organisationId?: string): boolean {
  return !!actor && allows(actor.grants, permission, organisationId);
}

/** What a set of grants lets an API key do, for its identity and logs. */
export function scopesOf(grants: readonly RoleGrant[]): Permission[] {
  return [...new Set(grants.flatMap((g) => PERMISSIONS_OF[g.role]))];
}
