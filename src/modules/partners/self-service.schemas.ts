import Type from 'typebox';
import { DateTime } from '../../platform/api-schemas.ts';
import { LOCATION_SERVICES } from './self-service.rules.ts';

// TypeBox schemas of the Partner Self Service API (issue #12 item 8), shared by its route files.

export const Uuid = Type.String({ format: 'uuid' });
export const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const P = Type.Object({ partnerId: Uuid });
export const PId = Type.Object({ partnerId: Uuid, id: Uuid });
export const Claim = Type.Object({
  id: Uuid,
  distributorId: Uuid,
  distributorName: Type.String(),
  accountNumber: Type.String(),
  status: Type.String(),
  createdAt: DateTime,
  decidedAt: Nullable(DateTime),
});
export const Standing = Type.Object({
  reasons: Type.Array(Type.String(), {
    description:
      'REG-4 and renewal: not_registered, suspended, terminated, lapsed, no_confirmed_account, review_overdue',
  }),
  restricted: Type.Boolean(),
  reviewDueAt: Nullable(DateTime),
  termEndsAt: Nullable(DateTime),
  renewal: Type.String({ description: 'not_due, due or lapsed' }),
  restrictionStartsAt: Nullable(DateTime),
});
export const Location = Type.Object({
  id: Uuid,
  lines: Type.Array(Type.String()),
  city: Type.String(),
  postcode: Nullable(Type.String()),
  country: Type.String(),
  type: Type.String(),
  listed: Type.Boolean(),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  website: Nullable(Type.String()),
  services: Type.Array(Type.String()),
  flags: Type.Array(
    Type.Object({
      rule: Type.String(),
      outcome: Type.String(),
      field: Type.String(),
      code: Type.String(),
      params: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  ),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
});
export const LocationBody = Type.Object(
  {
    lines: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 4 }),
    city: Type.String({ maxLength: 100 }),
    postcode: Type.String({ maxLength: 20 }),
    type: Type.String({ maxLength: 20 }),
    phone: Type.Optional(Type.String({ maxLength: 30 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    website: Type.Optional(Type.String({ maxLength: 200 })),
    services: Type.Optional(Type.Array(Type.Enum([...LOCATION_SERVICES]), { maxItems: LOCATION_SERVICES.length })),
  },
  { additionalProperties: false },
);
export const locationForm = (b: Type.Static<typeof LocationBody>) => ({
  lines: b.lines,
  city: b.city,
  postcode: b.postcode,
  type: b.type,
  phone: b.phone ?? '',
  email: b.email ?? '',
  website: b.website ?? '',
  services: b.services ?? [],
});
