/**
 * The AppError codes the distributors module raises (platform codes such as `not_found` are declared in
 * platform/errors.ts). Each needs `errors.<code>` in every catalogue: test/error-codes.test.ts.
 */
export const DISTRIBUTORS_ERROR_CODES = [
  'distributor_no_contact',
  'claim_exists',
  'claim_already_decided',
  'last_admin',
  'invalid_account_number',
  'account_unknown',
] as const;

export type DistributorsErrorCode = (typeof DISTRIBUTORS_ERROR_CODES)[number];

declare module '../../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ModuleErrorCodes extends Record<DistributorsErrorCode, true> {}
}
