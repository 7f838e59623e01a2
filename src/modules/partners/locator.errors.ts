/**
 * The AppError codes of the Partner Locator (REG-14). Each needs `errors.<code>` in every
 * catalogue: test/error-codes.test.ts.
 */
export const LOCATOR_ERROR_CODES = ['place_not_found'] as const;

export type LocatorErrorCode = (typeof LOCATOR_ERROR_CODES)[number];

declare module '../../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ModuleErrorCodes extends Record<LocatorErrorCode, true> {}
}
