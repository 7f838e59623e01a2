import Type from 'typebox';

/** Every API error: a stable code, an English message, and per-field problems for validation. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      fields: Type.Optional(
        Type.Array(Type.Object({ field: Type.String(), rule: Type.String(), message: Type.String() })),
      ),
    }),
  },
  { description: 'An error' },
);

/** The error responses a route documents, by status. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, ErrorResponse]));
}

/** An optimistic-concurrency version as sent back by a client: an int4 column, so bounded. */
export const VersionInput = Type.Integer({
  minimum: 0,
  maximum: 2_147_483_647,
  description: 'The version you read; a stale version gets 409',
});

/** A timestamp: services return Date, the serialiser writes ISO 8601. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });

type Security = { [scheme: string]: string[] }[];
/** Routes for a signed-in browser session. */
export const SESSION: Security = [{ session: [] }];
/** Routes for a session or an API key (distributors, staff integrations). */
export const SESSION_OR_API_KEY: Security = [{ session: [] }, { apiKey: [] }];
