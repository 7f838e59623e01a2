import Type from 'typebox';
import { NAME_QUERY_MAX, PAGE_SIZE, PLACE_QUERY_MAX, RADIUS_MAX_KM, RADIUS_MIN_KM, MAX_PAGE } from './locator.rules.ts';

// REG-14: the Partner Locator's API schemas.

export const SearchQuery = Type.Object(
  {
    place: Type.Optional(
      Type.String({
        maxLength: PLACE_QUERY_MAX,
        description: 'A city name ("Munich", "München"); postcodes are not supported yet',
      }),
    ),
    country: Type.Optional(
      Type.String({ maxLength: 2, description: 'ISO 3166 two-letter code; narrows the place and the results' }),
    ),
    latitude: Type.Optional(
      Type.Number({ minimum: -90, maximum: 90, description: 'Centre latitude (with longitude), instead of a place' }),
    ),
    longitude: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    radius: Type.Optional(
      Type.Number({ minimum: RADIUS_MIN_KM, maximum: RADIUS_MAX_KM, description: 'km around the centre; default 50' }),
    ),
    name: Type.Optional(Type.String({ maxLength: NAME_QUERY_MAX, description: 'Part of the partner’s name' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, description: `Pages of ${PAGE_SIZE}` })),
  },
  { additionalProperties: false },
);

const Position = Type.Object({ latitude: Type.Number(), longitude: Type.Number() });

export const SearchResponse = Type.Object({
  centre: Type.Union([
    Type.Object({
      latitude: Type.Number(),
      longitude: Type.Number(),
      place: Type.Union([Type.String(), Type.Null()]),
      country: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  radiusKm: Type.Number(),
  country: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  total: Type.Union([Type.Integer(), Type.Null()], {
    description: 'All matches, once the last page is reached; null while there are more',
  }),
  hasMore: Type.Boolean({ description: 'Whether page + 1 has results (pages stop at 50)' }),
  results: Type.Array(
    Type.Object({
      locationId: Type.String({ format: 'uuid' }),
      partnerId: Type.String({ format: 'uuid' }),
      partnerName: Type.String(),
      lines: Type.Array(Type.String()),
      city: Type.String(),
      postcode: Type.Union([Type.String(), Type.Null()]),
      country: Type.String(),
      type: Type.String(),
      position: Type.Union([Position, Type.Null()]),
      distanceKm: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

export const LocationParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const CoordinatesBody = Type.Object(
  { latitude: Type.Number({ minimum: -90, maximum: 90 }), longitude: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);
export const CoordinatesResponse = Position;
