/**
 * The AppError codes the PICA module raises (platform codes such as `not_found` or
 * `stale_version` are declared in platform/errors.ts). Each needs `errors.<code>` in every
 * catalogue: test/error-codes.test.ts.
 */
export const PICA_ERROR_CODES = [
  'access_not_active',
  'already_revoked',
  'email_taken',
  'pica_not_eligible',
  'registration_draft_unknown',
  'registration_invalid',
  'registration_locked',
  'registration_unavailable',
  'request_pending',
] as const;

export type PicaErrorCode = (typeof PICA_ERROR_CODES)[number];

declare module '../../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ModuleErrorCodes extends Record<PicaErrorCode, true> {}
}
