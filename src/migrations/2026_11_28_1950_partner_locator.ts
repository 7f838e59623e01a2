import { sql, type Kysely } from 'kysely';

// REG-14: the Partner Locator finds listed locations within a radius through a B-tree on
// (latitude, longitude) of listed rows: a bounding box narrows the scan, an exact haversine check
// follows (decision 048 has the measurements on both databases). Coordinates come together or not
// at all, and in range, whoever writes them (Self Service on save, staff corrections).
const up_statements = [
  `CREATE INDEX partner_locations_listed_position ON partner_locations (latitude, longitude) WHERE listed`,
  `ALTER TABLE partner_locations ADD CONSTRAINT partner_locations_position_valid CHECK (
     (latitude IS NULL) = (longitude IS NULL)
     AND (latitude IS NULL OR latitude BETWEEN -90 AND 90)
     AND (longitude IS NULL OR longitude BETWEEN -180 AND 180))`,
];

const down_statements = [
  'ALTER TABLE partner_locations DROP CONSTRAINT partner_locations_position_valid',
  'DROP INDEX partner_locations_listed_position',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
