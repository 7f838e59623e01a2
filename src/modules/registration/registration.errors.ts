/**
 * The AppError codes the registration module raises (platform codes such as `not_found` are declared in
 * platform/errors.ts). Each needs `errors.<code>` in every catalogue: test/error-codes.test.ts.
 */
export const REGISTRATION_ERROR_CODES = [
  'application_not_editable',
  'already_submitted',
  'agreement_text_changed',
] as const;

export type RegistrationErrorCode = (typeof REGISTRATION_ERROR_CODES)[number];

declare module '../../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ModuleErrorCodes extends Record<RegistrationErrorCode, true> {}
}
