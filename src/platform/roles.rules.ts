/**
 * Roles and what each may do. Staff roles apply across the programme; partner and distributor
 * roles apply within the organisation they were granted for.
 */
export const ROLES = [
  'staff_admin',
  'staff_reviewer',
  'partner_member',
  'partner_admin',
  'partner_signatory',
  'pica_admin',
  'distributor_user',
  'distributor_admin',
  'end_user',
] as const;
export type Role = (typeof ROLES)[number];

export const STAFF_ROLES: readonly Role[] = ['staff_admin', 'staff_reviewer'];

export type Permission =
  | 'staff:manage'
  | 'applications:review'
  | 'applications:decide'
  | 'agreements:publish'
  | 'distributors:manage'
  | 'contract-types:manage'
  | 'contracts:manage'
  | 'pica-admins:decide'
  | 'audit:read'
  | 'mailbox:read'
  | 'partner:read'
  | 'partner:manage'
  | 'applications:sign'
  | 'pica:sponsor'
  | 'distributor:read'
  | 'claims:decide'
  | 'distributor:manage'
  | 'entitlements:self';

const REVIEWER: Permission[] = ['applications:review', 'applications:decide', 'audit:read', 'pica-admins:decide'];
const PARTNER_MEMBER: Permission[] = ['partner:read'];
const DISTRIBUTOR_USER: Permission[] = ['distributor:read', 'claims:decide'];

export const PERMISSIONS_OF: Record<Role, readonly Permission[]> = {
  // REG-6: the vendor is one of the parties released information goes to, so its
  // administrators can read a distributor's claims and queue (but not decide for it).
  staff_admin: [
    ...REVIEWER,
    'staff:manage',
    'agreements:publish',
    'distributors:manage',
    'contract-types:manage',
    'contracts:manage',
    'mailbox:read',
    'distributor:read',
  ],
  staff_reviewer: REVIEWER,
  partner_member: PARTNER_MEMBER,
  partner_admin: [...PARTNER_MEMBER, 'partner:manage'],
  partner_signatory: [...PARTNER_MEMBER, 'applications:sign'],
  pica_admin: [...PARTNER_MEMBER, 'pica:sponsor'],
  distributor_user: DISTRIBUTOR_USER,
  distributor_admin: [...DISTRIBUTOR_USER, 'distributor:manage'],
  end_user: ['entitlements:self'],
};

export interface RoleGrant {
  role: Role;
  organisationId: string | null;
}

/**
 * Whether the grants allow the permission. Without an organisation the question is "anywhere";
 * with one, only staff grants or grants for that organisation count.
 */
export function allows(grants: readonly RoleGrant[], permission: Permission, organisationId?: string): boolean {
  return grants.some(
    (grant) =>
      PERMISSIONS_OF[grant.role].includes(permission) &&
      (organisationId === undefined || STAFF_ROLES.includes(grant.role) || grant.organisationId === organisationId),
  );
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
