import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db.ts';
import { EARTH_RADIUS_KM, type BoundingBox, type Coordinates } from './locator.rules.ts';

// REG-14: the Partner Locator's queries. A listed location of a listable partner is found by the
// B-tree index partner_locations_listed_position (latitude, longitude) WHERE listed: a bounding
// box narrows the index scan, the exact haversine distance drops the box's corners (decision 048).

export interface LocatorRow {
  id: string;
  partner_id: string;
  legal_name: string;
  lines: string[];
  city: string;
  postcode: string | null;
  country: string;
  type: string;
  latitude: number | null;
  longitude: number | null;
  distance_km: number | null;
  total: number;
}

export interface LocatorQuery {
  centre: Coordinates | null;
  box: BoundingBox | null;
  radiusKm: number;
  country: string | null;
  name: string | null;
  limit: number;
  offset: number;
}

/** Haversine distance in km from `c` to the location; the same formula as locator.rules.ts. */
function distanceFrom(c: Coordinates): RawBuilder<number> {
  return sql<number>`(${2 * EARTH_RADIUS_KM} * asin(least(1, sqrt(
      power(sin(radians(l.latitude - ${c.latitude}) / 2), 2)
      + cos(radians(${c.latitude})) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${c.longitude}) / 2), 2)))))`;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One page of listed locations, nearest first when there is a centre (else by partner name and
 * city), each row with the total number of matches. Only locations marked listed of partners
 * whose status is registered appear.
 */
export async function searchListedLocations(db: Executor, q: LocatorQuery): Promise<LocatorRow[]> {
  const distance: RawBuilder<number | null> = q.centre ? distanceFrom(q.centre) : sql<number | null>`NULL::double precision`;
  let query = db
    .selectFrom('partner_locations as l')
    .innerJoin('partners as p', 'p.organisation_id', 'l.partner_id')
    .select(['l.id', 'l.partner_id', 'p.legal_name', 'l.lines', 'l.city', 'l.postcode', 'l.country', 'l.type', 'l.latitude', 'l.longitude'])
    .select([distance.as('distance_km'), sql<number>`count(*) OVER ()::int`.as('total')])
    // A literal `l.listed` (not `= $1`) so that the planner can use the partial index.
    .where(sql<SqlBool>`l.listed`)
    .where('p.status', '=', 'registered');
  if (q.box) {
    const { minLatitude, maxLatitude, minLongitude, maxLongitude } = q.box;
    query = query.where('l.latitude', '>=', minLatitude).where('l.latitude', '<=', maxLatitude);
    query =
      minLongitude <= maxLongitude
        ? query.where('l.longitude', '>=', minLongitude).where('l.longitude', '<=', maxLongitude)
        : query.where((eb) => eb.or([eb('l.longitude', '>=', minLongitude), eb('l.longitude', '<=', maxLongitude)]));
  }
  if (q.centre) query = query.where(distance, '<=', q.radiusKm);
  if (q.country) query = query.where('l.country', '=', q.country);
  if (q.name) query = query.where(sql<SqlBool>`p.legal_name ILIKE ${`%${escapeLike(q.name)}%`}`);
  query = q.centre ? query.orderBy(sql`distance_km`).orderBy('p.legal_name').orderBy('l.id') : query.orderBy('p.legal_name').orderBy('l.city').orderBy('l.id');
  return query.limit(q.limit).offset(q.offset).execute();
}

/** Staff correction of a location's coordinates; answers false when there is no such location. */
export async function setCoordinates(db: Executor, locationId: string, c: Coordinates): Promise<{ partner_id: string; latitude: number | null; longitude: number | null } | undefined> {
  return db
    .updateTable('partner_locations')
    .set({ latitude: c.latitude, longitude: c.longitude })
    .where('id', '=', locationId)
    .returning(['partner_id', 'latitude', 'longitude'])
    .executeTakeFirst();
}

export async function locationById(db: Executor, locationId: string) {
  return db
    .selectFrom('partner_locations as l')
    .innerJoin('partners as p', 'p.organisation_id', 'l.partner_id')
    .select(['l.id', 'l.partner_id', 'p.legal_name', 'l.lines', 'l.city', 'l.postcode', 'l.country', 'l.listed', 'l.latitude', 'l.longitude'])
    .where('l.id', '=', locationId)
    .executeTakeFirst();
}
