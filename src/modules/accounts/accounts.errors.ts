/**
 * The AppError codes the accounts module raises (platform codes such as `not_found` are declared in
 * platform/errors.ts). Each needs `errors.<code>` in every catalogue: test/error-codes.test.ts.
 */
export const ACCOUNTS_ERROR_CODES = [
  'invalid_credentials',
  'throttled_account',
  'throttled_ip',
  'invalid_api_key',
] as const;

export type AccountsErrorCode = (typeof ACCOUNTS_ERROR_CODES)[number];

declare module '../../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ModuleErrorCodes extends Record<AccountsErrorCode, true> {}
}
