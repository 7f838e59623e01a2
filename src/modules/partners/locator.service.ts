import { auditActor, requirePermission, type Actor } from '../../platform/auth.ts';
import { cacheFor } from '../../platform/cache.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { AppError, notFound, validationFailed, type FieldViolation } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { findPlace } from './gazetteer.ts';
import * as repo from './locator.repository.ts';
import {
  checkCoordinates,
  checkSearch,
  MAX_PAGE,
  PAGE_SIZE,
  type Coordinates,
  type SearchCriteria,
  type SearchInput,
} from './locator.rules.ts';

export type { Coordinates, SearchInput };

/** A place the gazetteer found: its name as the data set spells it, its country and position. */
export interface GeocodedPlace extends Coordinates {
  place: string;
  country: string;
}

/**
 * REG-14: coordinates for a location, from the offline gazetteer, for Partner Self Service to call
 * when a location is saved. The city is looked up in the location's country; no installed data set
 * maps postcodes to coordinates, so the postcode is not used yet. Undefined when the place is
 * unknown (staff can then set the coordinates by hand).
 */
export function geocode(input: { city: string; postcode?: string | null; country: string }): GeocodedPlace | undefined {
  const found = findPlace(input.city, input.country);
  return found && { place: found.name, country: found.country, latitude: found.latitude, longitude: found.longitude };
}

/** One listed location in the locator's results. */
export interface LocatorResult {
  locationId: string;
  partnerId: string;
  partnerName: string;
  lines: string[];
  city: string;
  postcode: string | null;
  country: string;
  type: string;
  position: Coordinates | null;
  /** Great-circle distance from the searched centre, km; null for a search without a centre. */
  distanceKm: number | null;
}

export interface LocatorResults {
  /** The searched centre: the geocoded place, or the coordinates given. */
  centre: (Coordinates & { place: string | null; country: string | null }) | null;
  radiusKm: number;
  country: string | null;
  name: string | null;
  page: number;
  pageSize: number;
  /** All matches, known once the last page is reached; null while there are more pages. */
  total: number | null;
  hasMore: boolean;
  results: LocatorResult[];
}

/**
 * REG-14 (decision 066): the first page of a search by place, kept per place, radius, country and
 * name. Not the staleness bound: a statement that changes what a page shows (a location, a
 * partner's name, and through the listing triggers every change of standing) announces itself on
 * this topic and every process drops its pages at commit (migration 2026_12_02_0900); a silent
 * notification channel turns the cache off within seconds (src/platform/cache.ts); a page expires
 * when the first of its partners stops being listable. The TTL bounds only changes made with the
 * triggers off.
 */
export const PARTNER_LOCATOR_TOPIC = 'partner_locator';
export const FIRST_PAGE_TTL_MS = 10_000;
const FIRST_PAGE_ENTRIES = 2_000;

/** A search's own problems answer 400 with one violation per field (a query string, not a form post). */
const badSearch = (violations: FieldViolation[]) =>
  new AppError('invalid_request', 'Some search parameters are not valid; see `fields`.', 400, violations);

/**
 * REG-14: listed locations of listable partners, by place (a city name; "Munich", "München") or
 * coordinates within a radius, by country and by partner name; nearest first, paginated. `at`:
 * another moment than now whose listings to show (tests; a partner whose term or review lapses
 * drops out then); such a search bypasses the cache of first pages.
 */
export async function searchPartnerLocations(ctx: AppContext, input: SearchInput, at?: Date): Promise<LocatorResults> {
  const { criteria, violations } = checkSearch(input);
  if (!criteria) throw badSearch(violations);
  let centre: LocatorResults['centre'] = criteria.centre && { ...criteria.centre, place: null, country: null };
  if (criteria.place) {
    const found = findPlace(criteria.place, criteria.country);
    if (!found)
      throw new AppError(
        'place_not_found',
        `We could not find that place: ${criteria.place}.`,
        422,
        [
          {
            field: 'place',
            rule: 'place_not_found',
            params: { value: criteria.place, detail: 'is a place we could not find' },
          },
        ],
        { place: criteria.place },
      );
    centre = { latitude: found.latitude, longitude: found.longitude, place: found.name, country: found.country };
  }
  const filters = { centre, radiusKm: criteria.radiusKm, country: criteria.country, name: criteria.name };
  // Places are few and popular ones are searched again and again; coordinates are not kept.
  const cache =
    criteria.place && criteria.page === 1 && !at
      ? cacheFor<LocatorResults>(ctx.db, PARTNER_LOCATOR_TOPIC, FIRST_PAGE_TTL_MS, FIRST_PAGE_ENTRIES)
      : undefined;
  const key =
    centre && JSON.stringify([centre.latitude, centre.longitude, filters.radiusKm, filters.country, filters.name]);
  const cached = cache && key ? cache.get(key) : undefined;
  if (cached) return cached;
  // Taken before the read: a change announced meanwhile keeps this page out of the cache.
  const generation = cache?.generation;
  const offset = (criteria.page - 1) * PAGE_SIZE;
  // One row more than a page tells whether there is a next one, without counting every match.
  const fetched = await repo.searchListedLocations(ctx.db, {
    ...filters,
    limit: PAGE_SIZE + 1,
    offset,
    // A live search compares with the database's clock (locator.repository.ts listedAt).
    now: at,
  });
  const page = resultsPage(criteria, centre, offset, fetched);
  if (cache && key) {
    // The page changes when the first of the partners it fetched stops being listable.
    const ends = fetched.map((r) => r.listable_until?.getTime() ?? 0);
    cache.set(key, page, { generation, ...(ends.length ? { expiresAt: Math.min(...ends) } : {}) });
  }
  return page;
}

/** The page of `fetched` (a page and one row more, which says whether there is a next page). */
function resultsPage(
  criteria: SearchCriteria,
  centre: LocatorResults['centre'],
  offset: number,
  fetched: repo.LocatorRow[],
): LocatorResults {
  const rows = fetched.slice(0, PAGE_SIZE);
  return {
    centre,
    radiusKm: criteria.radiusKm,
    country: criteria.country,
    name: criteria.name,
    page: criteria.page,
    pageSize: PAGE_SIZE,
    total: fetched.length > PAGE_SIZE ? null : offset + rows.length,
    hasMore: fetched.length > PAGE_SIZE && criteria.page < MAX_PAGE,
    results: rows.map((r) => ({
      locationId: r.id,
      partnerId: r.partner_id,
      partnerName: r.legal_name,
      lines: r.lines,
      city: r.city,
      postcode: r.postcode,
      country: r.country,
      type: r.type,
      position: r.latitude === null || r.longitude === null ? null : { latitude: r.latitude, longitude: r.longitude },
      distanceKm: r.distance_km === null ? null : Math.round(r.distance_km * 10) / 10,
    })),
  };
}

/** A location as staff see it when correcting its coordinates. */
export interface LocatedLocation {
  id: string;
  partnerId: string;
  partnerName: string;
  lines: string[];
  city: string;
  postcode: string | null;
  country: string;
  listed: boolean;
  position: Coordinates | null;
  /** What the gazetteer proposes for its city. */
  suggested: GeocodedPlace | undefined;
}

export async function locationForStaff(
  ctx: AppContext,
  actor: Actor | null,
  locationId: string,
): Promise<LocatedLocation> {
  requirePermission(actor, 'applications:review');
  const row = isUuid(locationId) ? await repo.locationById(ctx.db, locationId) : undefined;
  if (!row) throw notFound('Location');
  return {
    id: row.id,
    partnerId: row.partner_id,
    partnerName: row.legal_name,
    lines: row.lines,
    city: row.city,
    postcode: row.postcode,
    country: row.country,
    listed: row.listed,
    position:
      row.latitude === null || row.longitude === null ? null : { latitude: row.latitude, longitude: row.longitude },
    suggested: geocode(row),
  };
}

/** REG-14: programme staff correct a location's coordinates; the change is audited. */
export async function setLocationCoordinates(
  ctx: AppContext,
  actor: Actor | null,
  locationId: string,
  input: { latitude?: unknown; longitude?: unknown },
  meta: RequestMeta,
): Promise<Coordinates> {
  const staff = requirePermission(actor, 'applications:review');
  if (!isUuid(locationId)) throw notFound('Location');
  const { coordinates, violations } = checkCoordinates(input);
  if (!coordinates) throw validationFailed(violations);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await repo.locationById(trx, locationId);
    if (!before) throw notFound('Location');
    await repo.setCoordinates(trx, locationId, coordinates);
    await recordAudit(trx, {
      actor: auditActor(staff),
      action: 'partner_location.coordinates_set',
      subject: { type: 'partner_location', id: locationId },
      organisationId: before.partner_id,
      ip: meta.ip,
      data: { from: { latitude: before.latitude, longitude: before.longitude }, to: coordinates },
    });
    return coordinates;
  });
}
