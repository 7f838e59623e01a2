import { sql, type Kysely } from 'kysely';

// REG-14: the Partner Locator reads listed locations nearest first straight from a GiST index on
// ll_to_earth(latitude, longitude) (cube + earthdistance, which PostgreSQL ships as trusted contrib
// extensions and PGlite loads from PGLITE_OPTIONS), ordered by `<->`, so a page costs its 20 rows
// however dense the area (decision 048 has the measurements on both databases). Coordinates come
// together or not at all, and in range, whoever writes them (Self Service on save, staff).
const up_statements = [
  `CREATE EXTENSION IF NOT EXISTS cube`,
  `CREATE EXTENSION IF NOT EXISTS earthdistance`,
  // ll_to_earth names the type `earth` unqualified, so an index on it cannot be rebuilt by
  // pg_restore, which runs with an empty search_path (the PostgreSQL backup in docs/operations.md).
  // The index is on this wrapper instead, which carries its own search_path.
  `CREATE FUNCTION location_earth(latitude double precision, longitude double precision) RETURNS earth
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = public
     AS 'SELECT ll_to_earth(latitude, longitude)'`,
  `CREATE INDEX partner_locations_listed_earth ON partner_locations USING gist (location_earth(latitude, longitude)) WHERE listed`,
  `ALTER TABLE partner_locations ADD CONSTRAINT partner_locations_position_valid CHECK (
     (latitude IS NULL) = (longitude IS NULL)
     AND (latitude IS NULL OR latitude BETWEEN -90 AND 90)
     AND (longitude IS NULL OR longitude BETWEEN -180 AND 180))`,
];

const down_statements = [
  'ALTER TABLE partner_locations DROP CONSTRAINT partner_locations_position_valid',
  'DROP INDEX partner_locations_listed_earth',
  'DROP FUNCTION location_earth(double precision, double precision)',
  'DROP EXTENSION IF EXISTS earthdistance',
  'DROP EXTENSION IF EXISTS cube',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
