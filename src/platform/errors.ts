/** A field that failed a rule: the field's name, the rule's code and its parameters. */
export interface FieldViolation {
  field: string;
  rule: string;
  params?: Record<string, string | number>;
}

/**
 * The one error type of the product. `code` is stable and machine-readable; `message` is
 * English text for the API and logs; pages translate `code` (and each violation's rule).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
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
export const forbidden = (message = 'You do not have permission to do that.') => new AppError('forbidden', message, 403);
export const unauthenticated = () => new AppError('unauthenticated', 'Sign in to continue.', 401);
export const conflict = (code: string, message: string) => new AppError(code, message, 409);
