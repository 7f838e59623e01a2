import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Db } from '../src/platform/db.ts';
import { generateBenchData, type BenchDataSummary } from '../bench/data/generate.ts';
import { makePlan } from '../bench/data/plan.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';

// Issue #15 item 1: the benchmark data generator, at a tiny size, on this run's test engine.
const SIZES = { partners: 40, locations: 120, accounts: 300, applications: 60 };

/**
 * What the data is, without what the database or the services draw themselves (the ids of
 * distributors, uploads and audit rows, timestamps of the moment): rows the seed decides.
 */
async function fingerprint(db: Db): Promise<Record<string, unknown[]>> {
  const rows = async (query: ReturnType<typeof sql>) => (await query.execute(db)).rows;
  return {
    partners: await rows(
      sql`SELECT organisation_id, legal_name, country, status, contact_email FROM partners ORDER BY organisation_id`,
    ),
    distributors: await rows(sql`SELECT d.code, d.legal_name, d.hq_country, d.accepts_new_resellers,
        array(SELECT country FROM distributor_territories t WHERE t.distributor_id = d.id ORDER BY country) AS territories
      FROM distributors d ORDER BY d.code`),
    lists: await rows(sql`SELECT d.code, a.account_number, a.reseller_name, a.country, a.active
      FROM distributor_accounts a JOIN distributors d ON d.id = a.distributor_id ORDER BY d.code, a.account_number`),
    claims: await rows(sql`SELECT c.id, c.partner_id, d.code, c.account_number, c.status, c.decision_source
      FROM account_claims c JOIN distributors d ON d.id = c.distributor_id ORDER BY c.id`),
    locations: await rows(
      sql`SELECT id, partner_id, lines, city, postcode, country, type, listed, latitude, longitude FROM partner_locations ORDER BY id`,
    ),
    applications: await rows(
      sql`SELECT id, reference, status, legal_name, country, partner_id FROM applications ORDER BY id`,
    ),
    contracts: await rows(sql`SELECT number, partner_id, type_code, status FROM pica_contracts ORDER BY number`),
  };
}

describe('#15 item 1: benchmark data generator', () => {
  const databases: TestDatabase[] = [];
  const summaries: BenchDataSummary[] = [];

  beforeAll(async () => {
    for (const seed of [42, 42]) {
      const database = await createTestDatabase();
      databases.push(database);
      summaries.push(await generateBenchData({ db: database.db, ...SIZES, seed }));
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(databases.map((d) => d.destroy()));
  });

  it('writes the sizes asked for: partners, locations, list rows and applications', () => {
    const [summary] = summaries;
    expect(summary!.counts.partner_locations).toBe(SIZES.locations);
    expect(summary!.counts.distributor_accounts).toBe(SIZES.accounts);
    expect(summary!.counts.applications).toBe(SIZES.applications);
    // Applicants of submitted applications are partners too (status applicant), beside those asked for.
    const registered = summary!.counts.partners! - summary!.counts.applicantPartners!;
    expect(registered).toBe(SIZES.partners);
  });

  it('the same seed gives the same data; another seed gives other data', async () => {
    const [a, b] = await Promise.all(databases.map((d) => fingerprint(d.db)));
    expect(a!.partners).toHaveLength(SIZES.partners + summaries[0]!.counts.applicantPartners!);
    for (const table of Object.keys(a!)) expect(b![table], table).toEqual(a![table]);
    const names = (seed: number) => makePlan({ ...SIZES, seed }).partners.map((p) => p.name);
    expect(names(7)).not.toEqual(names(42));
  });

  it('REG-2: account lists went through the import: one finished upload per distributor with a list, pending claims on the list confirmed by it', async () => {
    const { db } = databases[0]!;
    const uploads = await sql<{ status: string; n: number }>`
      SELECT status, count(*)::int AS n FROM account_uploads GROUP BY status`.execute(db);
    expect(uploads.rows).toEqual([
      { status: 'done', n: summaries[0]!.distributors.filter((d) => d.listRows > 0).length },
    ]);
    const audit = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'account_list.uploaded'`.execute(db);
    expect(audit.rows[0]!.n).toBe(uploads.rows[0]!.n);
    // A claim left pending although its account is listed, active, under the claimant's own name
    // would mean the upload's confirmation step did not run.
    const unconfirmed = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM account_claims c
      JOIN distributor_accounts a ON a.distributor_id = c.distributor_id AND a.account_number = c.account_number
      JOIN partners p ON p.organisation_id = c.partner_id
      WHERE c.status = 'pending' AND a.active AND a.reseller_name = p.legal_name`.execute(db);
    expect(unconfirmed.rows[0]!.n).toBe(0);
  });

  it('REG-12: the staff queue has applications in every status', async () => {
    const { db } = databases[0]!;
    const statuses = await sql<{ status: string }>`SELECT DISTINCT status FROM applications ORDER BY status`.execute(
      db,
    );
    expect(statuses.rows.map((r) => r.status)).toEqual([
      'approved',
      'declined',
      'draft',
      'info_requested',
      'submitted',
    ]);
  });

  it('REG-14: locations lie near real cities and most partners are listable', async () => {
    const { db } = databases[0]!;
    const far = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM partner_locations WHERE latitude IS NULL OR abs(latitude) > 75`.execute(db);
    expect(far.rows[0]!.n).toBe(0);
    const listable = await sql<{ n: number }>`SELECT count(*)::int AS n FROM listable_partners`.execute(db);
    expect(listable.rows[0]!.n).toBeGreaterThan(SIZES.partners / 2);
  });
});
