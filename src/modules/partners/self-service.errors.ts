/**
 * The AppError codes Partner Self Service raises (issue #12; platform codes such as `not_found`
 * are declared in platform/errors.ts). Each needs `errors.<code>` in every catalogue.
 */
export const SELF_SERVICE_ERROR_CODES = [
  'already_member',
  'invitation_pending',
  'last_partner_admin',
  'last_listed_location',
  'renewal_not_due',
] as const;

export type SelfServiceErrorCode = (typeof SELF_SERVICE_ERROR_CODES)[number];

declare module '../../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ModuleErrorCodes extends Record<SelfServiceErrorCode, true> {}
}
