import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { queryPrepared, type Executor } from '../../platform/db.ts';
import { EARTH_RADIUS_KM, type Coordinates } from './locator.rules.ts';

// REG-14: the Partner Locator's queries. Listed locations of listable partners come nearest first
// from the GiST index partner_locations_listed_earth on location_earth(latitude, longitude) (ll_to_earth; see the migration) WHERE
// listed: `earth_box` bounds the scan, `<->` orders it, so a page reads about its own rows however
// many locations the area holds; the exact haversine distance (the same formula as
// locator.rules.ts) drops the box's corners and is the distance shown (decision 048).

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
  /** When the partner stops being listable (a page shown from a cache must not outlive it). */
  listable_until: Date | null;
}

export interface LocatorQuery {
  centre: Coordinates | null;
  radiusKm: number;
  country: string | null;
  name: string | null;
  limit: number;
  offset: number;
  /** The moment of the search: a location is shown while its partner's listable_until is later. */
  now: Date;
}

/** Haversine distance in km from `c` to the location; the same formula as locator.rules.ts. */
function distanceFrom(c: Coordinates): RawBuilder<number> {
  return sql<number>`(${2 * EARTH_RADIUS_KM} * asin(least(1, sqrt(
      power(sin(radians(l.latitude - ${c.latitude}) / 2), 2)
      + cos(radians(${c.latitude})) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${c.longitude}) / 2), 2)))))`;
}

// earthdistance's sphere (earth() = 6,378,168 m) is 0.11 % larger than ours: the box is widened
// by 1 % so that it always holds the circle; the haversine check is the exact one.
const EARTH_BOX_MARGIN = 1.01;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Listed locations of registered partners matching the filters (no order, no page). */
function matching(db: Executor, q: Omit<LocatorQuery, 'limit' | 'offset'>) {
  let query = db
    .selectFrom('partner_locations as l')
    .innerJoin('partners as p', 'p.organisation_id', 'l.partner_id')
    // A literal `l.listed` (not `= $1`) so that the planner can use the partial index.
    .where(sql<SqlBool>`l.listed`)
    // REG-4, REG-14: a restricted, lapsed, suspended or unregistered partner's listings disappear
    // (self-service.rules.ts isListable). The location row carries when its partner stops being
    // listable (kept by triggers, decision 066), so the check is a filter on the index scan, which
    // keeps the nearest-first read; a lapse takes effect at its moment without any write.
    .where('l.listable_until', '>', q.now);
  if (q.centre) {
    const { latitude, longitude } = q.centre;
    query = query
      .where(
        sql<SqlBool>`earth_box(ll_to_earth(${latitude}, ${longitude}), ${q.radiusKm * 1000 * EARTH_BOX_MARGIN}) @> location_earth(l.latitude, l.longitude)`,
      )
      .where(distanceFrom(q.centre), '<=', q.radiusKm);
  }
  if (q.country) query = query.where('l.country', '=', q.country);
  if (q.name) query = query.where(sql<SqlBool>`p.legal_name ILIKE ${`%${escapeLike(q.name)}%`}`);
  return query;
}

/**
 * One page of listed locations, nearest first when there is a centre (else by partner name and
 * city). Only locations marked listed of partners listable at `now` appear. There is no
 * total: counting every match in a dense area costs what the page itself saves (decision 048).
 */
export async function searchListedLocations(db: Executor, q: LocatorQuery): Promise<LocatorRow[]> {
  const distance: RawBuilder<number | null> = q.centre
    ? distanceFrom(q.centre)
    : sql<number | null>`NULL::double precision`;
  let query = matching(db, q)
    .select([
      'l.id',
      'l.partner_id',
      'p.legal_name',
      'l.lines',
      'l.city',
      'l.postcode',
      'l.country',
      'l.type',
      'l.latitude',
      'l.longitude',
      'l.listable_until',
    ])
    .select(distance.as('distance_km'));
  query = q.centre
    ? // `<->` alone: a tie-breaker after it made PostgreSQL 15 sort every match instead of reading
      // the index in order (decision 048). Equal distances come in the index's order.
      query.orderBy(
        sql`location_earth(l.latitude, l.longitude) <-> ll_to_earth(${q.centre.latitude}, ${q.centre.longitude})`,
      )
    : query.orderBy('p.legal_name').orderBy('l.city').orderBy('l.id');
  if (!q.centre || q.offset > 0) return query.limit(q.limit).offset(q.offset).execute();
  // A first page around a centre, the hot search: a prepared statement on a server, planned once
  // per connection (planning took about as long as running it, decision 066). The page size is
  // written into the text so that the plan knows how few rows it needs; the name says which
  // filters the text holds.
  const prepared = query.limit(sql.lit(q.limit)).offset(sql.lit(0));
  return queryPrepared(
    db,
    `pp_locator_first_${q.limit}${q.country ? '_country' : ''}${q.name ? '_name' : ''}`,
    sql<LocatorRow>`${prepared}`,
  );
}

/** Staff correction of a location's coordinates; answers false when there is no such location. */
export async function setCoordinates(
  db: Executor,
  locationId: string,
  c: Coordinates,
): Promise<{ partner_id: string; latitude: number | null; longitude: number | null } | undefined> {
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
    .select([
      'l.id',
      'l.partner_id',
      'p.legal_name',
      'l.lines',
      'l.city',
      'l.postcode',
      'l.country',
      'l.listed',
      'l.latitude',
      'l.longitude',
    ])
    .where('l.id', '=', locationId)
    .executeTakeFirst();
}
