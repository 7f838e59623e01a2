import type { FieldViolation } from '../../platform/errors.ts';
import { isCountryCode } from '../../platform/countries.ts';

// REG-14: the Partner Locator's search rules, pure.

export const EARTH_RADIUS_KM = 6371.0088;
export const RADIUS_MIN_KM = 1;
export const RADIUS_MAX_KM = 500;
export const DEFAULT_RADIUS_KM = 50;
export const PAGE_SIZE = 20;
/** Nearest-first pages cost more the deeper they go: the first 1,000 matches are enough to browse. */
export const MAX_PAGE = 50;
export const NAME_QUERY_MAX = 100;
export const PLACE_QUERY_MAX = 100;

export interface Coordinates {
  latitude: number;
  longitude: number;
}

/** What a visitor may ask for; strings as typed (query string or JSON). */
export interface SearchInput {
  place?: string | undefined;
  country?: string | undefined;
  latitude?: number | string | undefined;
  longitude?: number | string | undefined;
  radiusKm?: number | string | undefined;
  name?: string | undefined;
  page?: number | string | undefined;
}

/** A checked search: a centre (from coordinates or a place still to geocode), filters and page. */
export interface SearchCriteria {
  place: string | null;
  centre: Coordinates | null;
  radiusKm: number;
  country: string | null;
  name: string | null;
  page: number;
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function numberIn(
  field: string,
  raw: unknown,
  min: number,
  max: number,
  violations: FieldViolation[],
  integer = false,
): number | undefined {
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    // `detail` is the API's English message; pages translate the rule.
    violations.push({
      field,
      rule: integer ? 'integer_between' : 'number_between',
      params: { min, max, detail: `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}` },
    });
    return undefined;
  }
  return n;
}

/**
 * REG-14: checks a search. A centre is either a place name or latitude and longitude together;
 * the radius applies only with a centre. At least one criterion is needed, so that nobody pages
 * through every listed location of the programme.
 */
export function checkSearch(input: SearchInput): { criteria?: SearchCriteria; violations: FieldViolation[] } {
  const violations: FieldViolation[] = [];
  const place = blank(input.place) ? null : String(input.place).trim();
  if (place && place.length > PLACE_QUERY_MAX)
    violations.push({ field: 'place', rule: 'too_long', params: { max: PLACE_QUERY_MAX } });
  const name = blank(input.name) ? null : String(input.name).trim();
  if (name && name.length > NAME_QUERY_MAX)
    violations.push({ field: 'name', rule: 'too_long', params: { max: NAME_QUERY_MAX } });
  let country: string | null = null;
  if (!blank(input.country)) {
    const code = String(input.country).trim().toUpperCase();
    if (isCountryCode(code)) country = code;
    else
      violations.push({
        field: 'country',
        rule: 'country_code',
        params: { value: String(input.country).slice(0, 20) },
      });
  }
  let centre: Coordinates | null = null;
  const hasLat = !blank(input.latitude);
  const hasLng = !blank(input.longitude);
  if (hasLat || hasLng) {
    if (!hasLat) violations.push({ field: 'latitude', rule: 'required' });
    if (!hasLng) violations.push({ field: 'longitude', rule: 'required' });
    const latitude = hasLat ? numberIn('latitude', input.latitude, -90, 90, violations) : undefined;
    const longitude = hasLng ? numberIn('longitude', input.longitude, -180, 180, violations) : undefined;
    if (latitude !== undefined && longitude !== undefined) centre = { latitude, longitude };
  }
  const radiusKm = blank(input.radiusKm)
    ? DEFAULT_RADIUS_KM
    : numberIn('radius', input.radiusKm, RADIUS_MIN_KM, RADIUS_MAX_KM, violations);
  const page = blank(input.page) ? 1 : numberIn('page', input.page, 1, MAX_PAGE, violations, true);
  if (!place && !hasLat && !hasLng && !country && !name && violations.length === 0)
    violations.push({
      field: 'place',
      rule: 'search_criteria_required',
      params: { detail: 'or country, coordinates or name: give at least one' },
    });
  if (violations.length > 0 || radiusKm === undefined || page === undefined) return { violations };
  return { criteria: { place: centre ? null : place, centre, radiusKm, country, name, page }, violations };
}

const toRadians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance in km (haversine); the SQL in locator.repository.ts computes the same. */
export function distanceKm(a: Coordinates, b: Coordinates): number {
  const dLat = toRadians(b.latitude - a.latitude);
  const dLng = toRadians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRadians(a.latitude)) * Math.cos(toRadians(b.latitude)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface BoundingBox {
  minLatitude: number;
  maxLatitude: number;
  /** When the box crosses the antimeridian, minLongitude > maxLongitude. */
  minLongitude: number;
  maxLongitude: number;
}

/**
 * A latitude/longitude box that contains every point within `radiusKm` of the centre (the map's
 * frame, and the B-tree candidate of decision 048). Near a pole the box spans every longitude.
 */
export function boundingBox(centre: Coordinates, radiusKm: number): BoundingBox {
  const dLat = (radiusKm / EARTH_RADIUS_KM) * (180 / Math.PI);
  const minLatitude = Math.max(-90, centre.latitude - dLat);
  const maxLatitude = Math.min(90, centre.latitude + dLat);
  const widest = Math.max(Math.abs(minLatitude), Math.abs(maxLatitude));
  if (widest >= 89.9) return { minLatitude, maxLatitude, minLongitude: -180, maxLongitude: 180 };
  const dLng = dLat / Math.cos(toRadians(widest));
  if (dLng >= 180) return { minLatitude, maxLatitude, minLongitude: -180, maxLongitude: 180 };
  const wrap = (lng: number) => (lng < -180 ? lng + 360 : lng > 180 ? lng - 360 : lng);
  return {
    minLatitude,
    maxLatitude,
    minLongitude: wrap(centre.longitude - dLng),
    maxLongitude: wrap(centre.longitude + dLng),
  };
}

/** Staff correcting a location's coordinates: both numbers, in range. */
export function checkCoordinates(input: { latitude?: unknown; longitude?: unknown }): {
  coordinates?: Coordinates;
  violations: FieldViolation[];
} {
  const violations: FieldViolation[] = [];
  const latitude = blank(input.latitude)
    ? (violations.push({ field: 'latitude', rule: 'required' }), undefined)
    : numberIn('latitude', input.latitude, -90, 90, violations);
  const longitude = blank(input.longitude)
    ? (violations.push({ field: 'longitude', rule: 'required' }), undefined)
    : numberIn('longitude', input.longitude, -180, 180, violations);
  if (latitude === undefined || longitude === undefined) return { violations };
  return { coordinates: { latitude, longitude }, violations };
}
