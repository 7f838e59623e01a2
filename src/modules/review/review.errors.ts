/**
 * The AppError codes the review module raises (platform codes such as `not_found` are declared in
 * platform/errors.ts). Each needs `errors.<code>` in every catalogue: test/error-codes.test.ts.
 */
export const REVIEW_ERROR_CODES = ['already_claimed', 'already_decided', 'verdict_changed'] as const;

export type ReviewErrorCode = (typeof REVIEW_ERROR_CODES)[number];

declare module '../../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ModuleErrorCodes extends Record<ReviewErrorCode, true> {}
}
