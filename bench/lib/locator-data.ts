import { sql } from 'kysely';
import type { Db } from '../../src/platform/db.ts';
import type { Place } from '../../src/modules/partners/gazetteer.ts';
import { round } from './results.ts';

/**
 * The partners, their claims and their locations, by SQL (seconds for a million rows on a server).
 * Partners' standing by number: 0–3 of each 100 suspended, 4–6 lapsed (term ended last month),
 * 7–9 with a pending claim only; the rest in good standing, with terms ending over the next year.
 * Session replication role `replica` skips the foreign-key checks, as the bench data generator
 * does; the listing triggers are enabled ALWAYS and keep listable_until anyway.
 */
export async function loadLocatorData(
  db: Db,
  cities: Place[],
  sizes: { partners: number; locations: number },
): Promise<{ seconds: number; listable: number }> {
  const started = Date.now();
  await sql`SET session_replication_role = replica`.execute(db);
  await sql`CREATE TABLE bench_city (n int PRIMARY KEY, country text, latitude float8, longitude float8)`.execute(db);
  for (let i = 0; i < cities.length; i += 500) {
    const chunk = cities
      .slice(i, i + 500)
      .map((c, j) => ({ n: i + j, country: c.country, latitude: c.latitude, longitude: c.longitude }));
    await sql`INSERT INTO bench_city SELECT * FROM json_to_recordset(${JSON.stringify(chunk)}::json) AS x(n int, country text, latitude float8, longitude float8)`.execute(
      db,
    );
  }
  await sql`CREATE TABLE bench_partner (n int PRIMARY KEY, id uuid)`.execute(db);
  await sql`WITH o AS (INSERT INTO organisations (kind, name) SELECT 'partner', 'Bench Partner ' || g FROM generate_series(0, ${sizes.partners - 1}::int) g RETURNING id, name),
              p AS (INSERT INTO partners (organisation_id, legal_name, country, status, registered_at, distributor_info_reviewed_at, renewal_due_at)
                    SELECT id, name, 'DE', CASE WHEN n % 100 < 4 THEN 'suspended' ELSE 'registered' END,
                           now() - interval '1 year', now() - interval '1 month',
                           CASE WHEN n % 100 BETWEEN 4 AND 6 THEN now() - interval '1 month' ELSE now() + (n % 360 + 1) * interval '1 day' END
                    FROM (SELECT id, name, substring(name FROM 15)::int AS n FROM o) x RETURNING organisation_id, legal_name)
            INSERT INTO bench_partner SELECT substring(legal_name FROM 15)::int, organisation_id FROM p`.execute(db);
  await sql`WITH o AS (INSERT INTO organisations (kind, name) VALUES ('distributor', 'Bench Distribution GmbH') RETURNING id)
            INSERT INTO distributors (organisation_id, code, legal_name, hq_country)
            SELECT id, 'BENCH', 'Bench Distribution GmbH', 'DE' FROM o`.execute(db);
  await sql`INSERT INTO account_claims (partner_id, distributor_id, account_number, status, decided_at, decision_source)
            SELECT p.id, d.id, 'BENCH-' || p.n, CASE WHEN p.n % 100 BETWEEN 7 AND 9 THEN 'pending' ELSE 'confirmed' END,
                   now(), 'distributor'
            FROM bench_partner p CROSS JOIN distributors d`.execute(db);
  // A bulk load builds the GiST index once afterwards (as a restore would), not row by row.
  await sql`DROP INDEX partner_locations_listed_earth`.execute(db);
  // Each location within about ±0.45° of its place (sum of three uniforms: denser near the centre).
  await sql`INSERT INTO partner_locations (partner_id, lines, city, country, type, listed, latitude, longitude)
            SELECT p.id, ARRAY['1 Benchmark Street'], 'Bench ' || c.n, c.country, 'office', true,
                   least(89.9, greatest(-89.9, c.latitude + (random() + random() + random() - 1.5) * 0.3)),
                   least(180, greatest(-180, c.longitude + (random() + random() + random() - 1.5) * 0.3 / cos(radians(c.latitude))))
            FROM generate_series(1, ${sizes.locations}::int) g
            JOIN bench_city c ON c.n = g % ${cities.length}::int
            -- The partner drawn by a hash of g, not g % partners: with 1,000 cities and 50,000 partners
            -- that tied every city to partners of one n % 100, so one city in ten held only suspended,
            -- lapsed or unconfirmed partners and its searches found nothing (2026-11-29).
            JOIN bench_partner p ON p.n = abs(hashint4(g)::int8) % ${sizes.partners}::int`.execute(db);
  await sql`SET session_replication_role = origin`.execute(db);
  // The portal's GiST index as its migration defines it; the B-tree is the reference candidate's.
  await sql`CREATE INDEX partner_locations_listed_earth ON partner_locations USING gist (location_earth(latitude, longitude)) WHERE listed`.execute(
    db,
  );
  await sql`CREATE INDEX bench_locations_position ON partner_locations (latitude, longitude) WHERE listed`.execute(db);
  await sql`ANALYZE`.execute(db);
  const listable = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM partner_locations WHERE listable_until > now()`.execute(db);
  return { seconds: round((Date.now() - started) / 1000, 1), listable: listable.rows[0]!.n };
}
