/** A field that failed a rule: the field's name, the rule's code and its parameters. */
export interface FieldViolation {
  field: string;
  rule: string;
  params?: Record<string, string | number>;
}

/**
 * The error codes the platform raises itself, and those several modules share (a code used by
 * two modules is declared here, once). Pages show `errors.<code>` from the catalogues; a test
 * (test/error-codes.test.ts) proves every declared code has a message in every language.
 */
export const PLATFORM_ERROR_CODES = [
  'validation_failed',
  'not_found',
  'forbidden',
  'unauthenticated',
  'bad_request',
  'invalid_request',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'csrf',
  'rate_limited',
  'server_error',
  'csv_empty',
  'csv_not_text',
  'csv_columns',
  'csv_too_large',
  // Raised before a module sees the request: a malformed URL, an over-long path, an API key on
  // an operation that does not list keys, text with control characters or lone surrogates.
  'bad_url',
  'uri_too_long',
  'api_key_not_accepted',
  'invalid_text',
  // A value that reached the database unchecked (a PostgreSQL data exception): app.ts's backstop.
  'invalid_value',
  // Shared: the loser of a concurrent change (version column), a wrong or used emailed link,
  // an account whose address is not confirmed yet.
  'stale_version',
  'token_invalid',
  'email_not_verified',
  // An emailed invitation (registration's signatories, Self Service colleagues) opened by someone else.
  'invitation_not_for_you',
] as const;

/**
 * Each module adds its codes here from its `<module>.errors.ts` by declaration merging
 * (`declare module '../../platform/errors.ts' { interface ModuleErrorCodes extends Record<…, true> {} }`),
 * so AppError accepts only declared codes while the platform imports no module code.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModuleErrorCodes {}

export type ErrorCode = (typeof PLATFORM_ERROR_CODES)[number] | keyof ModuleErrorCodes;

/**
 * The one error type of the product. `code` is stable and machine-readable; `message` is
 * English text for the API and logs; pages translate `code` (and each violation's rule).
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = 400,
    readonly violations: FieldViolation[] = [],
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function validationFailed(violations: FieldViolation[]): AppError {
  return new AppError('validation_failed', 'Some fields are not valid; see `fields`.', 422, violations);
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`, 404);
export const forbidden = (message = 'You do not have permission to do that.') =>
  new AppError('forbidden', message, 403);
export const unauthenticated = () => new AppError('unauthenticated', 'Sign in to continue.', 401);
export const conflict = (code: ErrorCode, message: string) => new AppError(code, message, 409);
