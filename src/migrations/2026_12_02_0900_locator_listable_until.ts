import { sql, type Kysely } from 'kysely';

// REG-4, REG-14 (decision 066): the Partner Locator filters on a column of the location rows,
// `listable_until`, instead of asking the `listable_partners` view for every candidate row. With
// the view's semi join PostgreSQL stopped reading the GiST index in `<->` order (it fetched and
// sorted every location in the circle); a plain column comparison is a filter on the index scan,
// which keeps the nearest-first read that stops after a page (decision 048).
//
// listable_until is NULL while the partner is not listable for a reason only a write can end
// (not registered, no confirmed account claim, never reviewed), else the moment the calendar ends
// it: the term's end or the review's due date, whichever comes first. The search keeps rows with
// listable_until > now, so a lapse takes effect without any write. The value is kept by triggers in
// the transaction of every change it depends on (a partner's status, term, review; claims; the
// maintenance period; a new or moved location), enabled ALWAYS so that bulk loads running with
// session_replication_role = replica keep it too. The rule is isListable/listableUntil in
// src/modules/partners/self-service.rules.ts; partner_listability says the same in SQL, once, and
// the listable_partners view now reads it.
//
// Concurrency on a server: a refresh locks the partners it recomputes (FOR NO KEY UPDATE, in id
// order) before it reads their standing, and a new location locks its partner FOR SHARE, so that a
// refresh waits for a concurrent change of the same partner and then reads it (each statement of a
// PL/pgSQL function takes a new snapshot under READ COMMITTED). Without the lock, a claim confirmed
// while the partner was being suspended could write the stale "listable" after the suspension.
const up_statements = [
  // The index's function, cheaper (decision 066): the same point as earthdistance's ll_to_earth
  // (the same operations on earth(), so the values in partner_locations_listed_earth stay valid),
  // written as a SQL-standard body. Its names are bound when it is created, so pg_restore's empty
  // search_path cannot break it, and without the `SET search_path` clause of decision 048's
  // amendment PostgreSQL inlines it: the clause cost a configuration change per call (about
  // 100 µs on a busy machine), paid for every location a plan read outside the index and for every
  // row written. Not STRICT, so that it can be inlined; a null coordinate still gives null.
  `CREATE OR REPLACE FUNCTION location_earth(latitude double precision, longitude double precision) RETURNS earth
     LANGUAGE sql IMMUTABLE PARALLEL SAFE
     RETURN cube(cube(cube(earth() * cos(radians(latitude)) * cos(radians(longitude))),
                      earth() * cos(radians(latitude)) * sin(radians(longitude))),
                 earth() * sin(radians(latitude)))::earth`,
  // The same instant `months` calendar months later in UTC, counted as addMonths in
  // src/platform/dates.ts counts it (JavaScript's Date): a day the target month lacks runs over into
  // the next month (31 January + 1 month = 3 March), where PostgreSQL's `+ interval` would stop at
  // the month's last day, and in the session's time zone rather than in UTC.
  `CREATE FUNCTION pp_add_months(t timestamptz, months integer) RETURNS timestamptz
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
     AS $$ SELECT (date_trunc('month', t AT TIME ZONE 'UTC') + make_interval(months => months)
                   + ((t AT TIME ZONE 'UTC') - date_trunc('month', t AT TIME ZONE 'UTC'))) AT TIME ZONE 'UTC' $$`,
  // REG-4, REG-14: listableUntil in self-service.rules.ts, in SQL. Scalar subqueries rather than a
  // join and EXISTS: their plan is an index probe per partner whatever the statistics say (PGlite
  // has no autovacuum; with EXISTS an unanalysed table made every new location scan all claims).
  // Without a settings row the period is the default, as partnerSettings() in the service reads it.
  `CREATE VIEW partner_listability AS
     SELECT p.organisation_id AS partner_id,
            CASE WHEN p.status = 'registered'
                  AND p.distributor_info_reviewed_at IS NOT NULL
                  AND (SELECT true FROM account_claims c
                       WHERE c.partner_id = p.organisation_id AND c.status = 'confirmed' LIMIT 1)
                 THEN least(p.renewal_due_at, pp_add_months(p.distributor_info_reviewed_at,
                                                           coalesce((SELECT maintenance_months FROM partner_settings), 12)))
            END AS listable_until
     FROM partners p`,
  `CREATE OR REPLACE VIEW listable_partners AS
     SELECT partner_id FROM partner_listability WHERE listable_until > now()`,
  `ALTER TABLE partner_locations ADD COLUMN listable_until timestamptz`,
  `UPDATE partner_locations l SET listable_until = v.listable_until
     FROM partner_listability v WHERE v.partner_id = l.partner_id AND v.listable_until IS NOT NULL`,
  // Recomputes the locations of the given partners (all partners when NULL), writing only rows whose
  // value changes.
  `CREATE FUNCTION pp_refresh_listable_until(partner_ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     IF partner_ids IS NULL THEN
       PERFORM 1 FROM partners ORDER BY organisation_id FOR NO KEY UPDATE;
       UPDATE partner_locations l SET listable_until = v.listable_until
         FROM partner_listability v
         WHERE v.partner_id = l.partner_id AND l.listable_until IS DISTINCT FROM v.listable_until;
     ELSIF cardinality(partner_ids) > 0 THEN
       PERFORM 1 FROM partners WHERE organisation_id = ANY (partner_ids) ORDER BY organisation_id FOR NO KEY UPDATE;
       UPDATE partner_locations l SET listable_until = v.listable_until
         FROM partner_listability v
         WHERE l.partner_id = ANY (partner_ids) AND v.partner_id = l.partner_id
           AND l.listable_until IS DISTINCT FROM v.listable_until;
     END IF;
   END $$`,
  // Partners: only rows whose status, term or review changed.
  `CREATE FUNCTION pp_partners_listable_until() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pp_refresh_listable_until(ARRAY(
       SELECT n.organisation_id FROM new_rows n JOIN old_rows o USING (organisation_id)
       WHERE (n.status, n.renewal_due_at, n.distributor_info_reviewed_at)
             IS DISTINCT FROM (o.status, o.renewal_due_at, o.distributor_info_reviewed_at)));
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER partners_listable_until AFTER UPDATE ON partners
     REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
     FOR EACH STATEMENT EXECUTE FUNCTION pp_partners_listable_until()`,
  // Account claims: a confirmed claim added or removed, or a claim's status or partner changed.
  `CREATE FUNCTION pp_claims_listable_until() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'INSERT' THEN
       PERFORM pp_refresh_listable_until(ARRAY(SELECT DISTINCT partner_id FROM new_rows WHERE status = 'confirmed'));
     ELSIF TG_OP = 'DELETE' THEN
       PERFORM pp_refresh_listable_until(ARRAY(SELECT DISTINCT partner_id FROM old_rows WHERE status = 'confirmed'));
     ELSE
       PERFORM pp_refresh_listable_until(ARRAY(
         SELECT n.partner_id FROM new_rows n JOIN old_rows o USING (id)
           WHERE (n.status, n.partner_id) IS DISTINCT FROM (o.status, o.partner_id)
         UNION
         SELECT o.partner_id FROM new_rows n JOIN old_rows o USING (id)
           WHERE (n.status, n.partner_id) IS DISTINCT FROM (o.status, o.partner_id)));
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER account_claims_listable_until_insert AFTER INSERT ON account_claims
     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pp_claims_listable_until()`,
  `CREATE TRIGGER account_claims_listable_until_update AFTER UPDATE ON account_claims
     REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pp_claims_listable_until()`,
  `CREATE TRIGGER account_claims_listable_until_delete AFTER DELETE ON account_claims
     REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pp_claims_listable_until()`,
  // Whole-table changes: every partner's value may change.
  `CREATE FUNCTION pp_all_listable_until() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pp_refresh_listable_until(NULL);
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER account_claims_listable_until_truncate AFTER TRUNCATE ON account_claims
     FOR EACH STATEMENT EXECUTE FUNCTION pp_all_listable_until()`,
  `CREATE TRIGGER partner_settings_listable_until AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partner_settings
     FOR EACH STATEMENT EXECUTE FUNCTION pp_all_listable_until()`,
  // A new location, or one moved to another partner, takes its partner's value.
  `CREATE FUNCTION pp_location_listable_until() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM 1 FROM partners WHERE organisation_id = NEW.partner_id FOR SHARE;
     NEW.listable_until := (SELECT v.listable_until FROM partner_listability v WHERE v.partner_id = NEW.partner_id);
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER partner_locations_listable_until BEFORE INSERT OR UPDATE OF partner_id ON partner_locations
     FOR EACH ROW EXECUTE FUNCTION pp_location_listable_until()`,
  // The Partner Locator's cached first pages (locator.service.ts) are dropped in every process when
  // a statement changes what a page shows: a location (its listing, position, listable_until as the
  // triggers above rewrite it) or a partner's name. pp_announce_change: migration 2026_12_01_1000.
  `CREATE TRIGGER partner_locations_announce_locator AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partner_locations
     FOR EACH STATEMENT EXECUTE FUNCTION pp_announce_change('partner_locator')`,
  `CREATE TRIGGER partners_announce_locator AFTER UPDATE OF legal_name OR DELETE OR TRUNCATE ON partners
     FOR EACH STATEMENT EXECUTE FUNCTION pp_announce_change('partner_locator')`,
  ...[
    'partner_locations_announce_locator ON partner_locations',
    'partners_announce_locator ON partners',
    'partners_listable_until ON partners',
    'account_claims_listable_until_insert ON account_claims',
    'account_claims_listable_until_update ON account_claims',
    'account_claims_listable_until_delete ON account_claims',
    'account_claims_listable_until_truncate ON account_claims',
    'partner_settings_listable_until ON partner_settings',
    'partner_locations_listable_until ON partner_locations',
  ].map((trigger) => {
    const [name, table] = trigger.split(' ON ');
    return `ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${name}`;
  }),
];

const down_statements = [
  'DROP TRIGGER partners_announce_locator ON partners',
  'DROP TRIGGER partner_locations_announce_locator ON partner_locations',
  'DROP TRIGGER partner_locations_listable_until ON partner_locations',
  'DROP TRIGGER partner_settings_listable_until ON partner_settings',
  'DROP TRIGGER account_claims_listable_until_truncate ON account_claims',
  'DROP TRIGGER account_claims_listable_until_delete ON account_claims',
  'DROP TRIGGER account_claims_listable_until_update ON account_claims',
  'DROP TRIGGER account_claims_listable_until_insert ON account_claims',
  'DROP TRIGGER partners_listable_until ON partners',
  'DROP FUNCTION pp_location_listable_until()',
  'DROP FUNCTION pp_all_listable_until()',
  'DROP FUNCTION pp_claims_listable_until()',
  'DROP FUNCTION pp_partners_listable_until()',
  'DROP FUNCTION pp_refresh_listable_until(uuid[])',
  'ALTER TABLE partner_locations DROP COLUMN listable_until',
  `CREATE OR REPLACE VIEW listable_partners AS
     SELECT p.organisation_id AS partner_id
     FROM partners p CROSS JOIN partner_settings s
     WHERE p.status = 'registered'
       AND (p.renewal_due_at IS NULL OR p.renewal_due_at > now())
       AND p.distributor_info_reviewed_at + make_interval(months => s.maintenance_months) > now()
       AND EXISTS (SELECT 1 FROM account_claims c WHERE c.partner_id = p.organisation_id AND c.status = 'confirmed')`,
  'DROP VIEW partner_listability',
  'DROP FUNCTION pp_add_months(timestamptz, integer)',
  `CREATE OR REPLACE FUNCTION location_earth(latitude double precision, longitude double precision) RETURNS earth
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = public
     AS 'SELECT ll_to_earth(latitude, longitude)'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
