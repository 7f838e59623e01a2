import { sql, type SqlBool } from 'kysely';
import { queryPrepared, type Executor } from '../../platform/db.ts';
import { distanceKm, type Coordinates } from './locator.rules.ts';

// REG-14: the Partner Locator's queries. Listed locations of listable partners come nearest first
// from the GiST index partner_locations_listed_earth on location_earth(latitude, longitude) (ll_to_earth; see the migration) WHERE
// listed: `earth_box` bounds the scan, `<->` orders it, so a page reads about its own rows however
// many locations the area holds; the exact haversine distance (distanceKm, locator.rules.ts) drops
// the box's corners and is the distance shown (decisions 048 and 066).

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
  /**
   * The moment of the search: a location is shown while its partner's listable_until is later.
   * Undefined: the database's `now()`, as every live search asks (see `listedAt`).
   */
  now?: Date | undefined;
}

// earthdistance's sphere (earth() = 6,378,168 m) is 0.11 % larger than ours: the box is widened
// by 1 % so that it always holds the circle; the haversine check is the exact one.
const EARTH_BOX_MARGIN = 1.01;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The listing filter. A live search compares with the statement's `now()`, not a parameter: the
 * planner estimates `listable_until > now()` alike for a generic and a custom plan, so after five
 * executions PostgreSQL keeps the prepared first page's generic plan and stops planning it on every
 * call; with the moment as a parameter the generic plan looked three times costlier (a default
 * selectivity of 1/3) and every call was planned afresh (pg_prepared_statements: 0 generic plans;
 * decision 066, "2026-11-29"). A search at another moment (tests) passes it.
 */
const listedAt = (now: Date | undefined) =>
  now ? sql<SqlBool>`l.listable_until > ${now}` : sql<SqlBool>`l.listable_until > now()`;

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
    .where(listedAt(q.now));
  if (q.centre) {
    const { latitude, longitude } = q.centre;
    // The box only: the exact distance is checked on the page's rows afterwards (withinRadius).
    // The box and the centre are sub-selects, computed once per execution: in a generic plan
    // (parameters unknown) a plain expression of parameters is computed again on every row the
    // plan rechecks or sorts, as the bitmap-and-sort plan of a small table does (decision 066,
    // "2026-11-29": 30–56 ms against 17–27 at 1,000 rows in the box).
    query = query.where(
      sql<SqlBool>`(SELECT earth_box(ll_to_earth(${latitude}, ${longitude}), ${q.radiusKm * 1000 * EARTH_BOX_MARGIN})) @> location_earth(l.latitude, l.longitude)`,
    );
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
  let query = matching(db, q).select([
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
  ]);
  if (!q.centre) {
    const rows = await query
      .orderBy('p.legal_name')
      .orderBy('l.city')
      .orderBy('l.id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return rows.map((r) => ({ ...r, distance_km: null }));
  }
  // `<->` alone: a tie-breaker after it made PostgreSQL 15 sort every match instead of reading the
  // index in order (decision 048). Equal distances come in the index's order.
  query = query.orderBy(
    sql`location_earth(l.latitude, l.longitude) <-> (SELECT ll_to_earth(${q.centre.latitude}, ${q.centre.longitude}))`,
  );
  if (q.offset > 0) return withinRadius(q.centre, q.radiusKm, await query.limit(q.limit).offset(q.offset).execute());
  // A first page around a centre, the hot search: a prepared statement on a server, planned once
  // per connection (planning took about as long as running it, decision 066). The page size is
  // written into the text so that the plan knows how few rows it needs; the name says which
  // filters the text holds.
  const prepared = query.limit(sql.lit(q.limit)).offset(sql.lit(0));
  const rows = await queryPrepared(
    db,
    `pp_locator_first_${q.limit}${q.country ? '_country' : ''}${q.name ? '_name' : ''}${q.now ? '_at' : ''}`,
    sql<Omit<LocatorRow, 'distance_km'>>`${prepared}`,
  );
  return withinRadius(q.centre, q.radiusKm, rows);
}

/**
 * The rows of the box within the radius, with their distance (decision 066, "2026-11-29"). Not in
 * SQL: the haversine there was evaluated on every row the index handed over, twice (filter and
 * column), with 15 parameters to bind and plan on every call. `<->` orders by the chord between
 * points of one sphere, which grows with the angle between them as the haversine distance does,
 * so the rows beyond the radius (the box's corners) come after every row within it: dropping them
 * here leaves the same page, and a page that lost one has no next page.
 */
function withinRadius(centre: Coordinates, radiusKm: number, rows: Omit<LocatorRow, 'distance_km'>[]): LocatorRow[] {
  const within: LocatorRow[] = [];
  for (const r of rows) {
    if (r.latitude === null || r.longitude === null) continue;
    const distance = distanceKm(centre, { latitude: r.latitude, longitude: r.longitude });
    if (distance <= radiusKm) within.push({ ...r, distance_km: distance });
  }
  return within;
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
