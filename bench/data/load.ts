/**
 * Writes a Plan into a migrated, empty database. Distributors, account lists and support
 * contracts go through the product's own import services (what `import distributors`,
 * `import accounts` and `import contracts` run); partners, claims, locations and applications
 * are bulk INSERT … SELECT FROM unnest(arrays) in batches (decision 062 says why).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { transliterate } from 'transliteration';
import type { Actor } from '../../src/platform/auth.ts';
import type { AppContext, RequestMeta } from '../../src/platform/context.ts';
import type { Db, Trx } from '../../src/platform/db.ts';
import { hashPassword } from '../../src/platform/passwords.ts';
import { actorForEmail, ensureVendorOrganisation, insertGrant, insertUser } from '../../src/modules/accounts/index.ts';
import { importAccountList, importDistributors } from '../../src/modules/distributors/index.ts';
import { importContracts } from '../../src/modules/pica/index.ts';
import { recordAgreement } from '../../src/modules/registration/index.ts';
import { companyName, personName, slug, streetLine } from './names.ts';
import { accountNumber, claimPosition, daysFrom, type Plan } from './plan.ts';
import { stream } from './random.ts';

/** The password of every generated staff account, so that benchmarks can sign in. */
export const BENCH_PASSWORD = 'bench-password-2026';
export const BENCH_ADMIN_EMAIL = 'bench-admin@northwind.example';
export const BENCH_REVIEWER_EMAILS = ['bench-reviewer-1@northwind.example', 'bench-reviewer-2@northwind.example'];

const META: RequestMeta = { ip: null, userAgent: 'bench/data/generate.ts' };
const BATCH = 5000;

export type Report = (phase: string, done: number, total: number) => void;

export interface Loader {
  ctx: AppContext;
  plan: Plan;
  report: Report;
  /** Whether bulk batches may skip foreign-key triggers (a superuser; the rows are consistent by construction). */
  superuser: boolean;
  /** How many uploads or batches may run at once: 2 on a PostgreSQL server, 1 on PGlite (one session). */
  parallel: number;
}

export interface Staff {
  actor: Actor;
  adminId: string;
  reviewerIds: string[];
  agreement: { id: string; version: string; hashes: { body: string; release: string; authority: string } };
}

/** One bulk batch: its own transaction, without waiting for the WAL flush, and without FK triggers when allowed. */
async function bulk(loader: Loader, run: (trx: Trx) => Promise<void>): Promise<void> {
  await loader.ctx.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    if (loader.superuser) await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await run(trx);
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The vendor, a programme administrator (the imports act as them), reviewers and the agreement in force. */
export async function loadStaff(loader: Loader): Promise<Staff> {
  const { db } = loader.ctx;
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const ids = await db.transaction().execute(async (trx) => {
    await ensureVendorOrganisation(trx, loader.ctx.config.vendorName);
    const people = [
      { email: BENCH_ADMIN_EMAIL, name: 'Bench Administrator', role: 'staff_admin' as const },
      ...BENCH_REVIEWER_EMAILS.map((email, i) => ({
        email,
        name: `Bench Reviewer ${i + 1}`,
        role: 'staff_reviewer' as const,
      })),
    ];
    const ids: string[] = [];
    for (const person of people) {
      const user = await insertUser(trx, {
        email: person.email,
        name: person.name,
        password_hash: passwordHash,
        language: 'en',
        email_verified_at: loader.plan.now,
      });
      await insertGrant(trx, { user_id: user.id, role: person.role, organisation_id: null, granted_by: null });
      ids.push(user.id);
    }
    const version = `${loader.plan.now.getUTCFullYear()}.1`;
    const body = `${loader.ctx.config.vendorName} Indirect Channel Partner Agreement — benchmark version ${version}.\n\nThis text is benchmark data and has no legal effect.`;
    const agreementId = await recordAgreement(
      trx,
      loader.ctx.config.vendorName,
      null,
      {
        version,
        governingLanguage: 'en',
        texts: { en: { title: `${loader.ctx.config.vendorName} Indirect Channel Partner Agreement`, body } },
        effectiveAt: daysFrom(loader.plan.now, -400),
      },
      META,
    );
    return { ids, agreementId, version };
  });
  const text = await db
    .selectFrom('agreement_texts')
    .select(['body', 'release_text', 'authority_text'])
    .where('agreement_id', '=', ids.agreementId)
    .where('language', '=', 'en')
    .executeTakeFirstOrThrow();
  const actor = (await actorForEmail(loader.ctx, BENCH_ADMIN_EMAIL, 'cli'))!;
  return {
    actor,
    adminId: ids.ids[0]!,
    reviewerIds: ids.ids.slice(1),
    agreement: {
      id: ids.agreementId,
      version: ids.version,
      hashes: {
        body: sha256(text.body),
        release: sha256(text.release_text ?? ''),
        authority: sha256(text.authority_text ?? ''),
      },
    },
  };
}

/** A CSV cell: quoted when it holds a comma, a quote or a line break (legal forms such as בע"מ do). */
const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export interface LoadedDistributor {
  id: string;
  organisationId: string;
  code: string;
}

/** The distributor directory through `import distributors` (the staff page's CSV import). */
export async function loadDistributors(loader: Loader, staff: Staff): Promise<LoadedDistributor[]> {
  const { plan } = loader;
  const lines = ['code,legal_name,hq_country,territories,website,email,accepts_new_resellers'];
  for (const d of plan.distributors)
    lines.push(
      [
        d.code,
        d.name,
        d.hqCountry,
        d.territories.join(';'),
        `https://www.${d.domain}`,
        `sales@${d.domain}`,
        d.acceptsNewResellers ? 'yes' : 'no',
      ]
        .map(cell)
        .join(','),
    );
  loader.report('distributors', 0, plan.distributors.length);
  const report = await importDistributors(loader.ctx, staff.actor, Readable.from([lines.join('\n')]), META);
  if (report.rejected > 0)
    throw new Error(`import distributors rejected rows: ${JSON.stringify(report.problems.slice(0, 5))}`);
  loader.report('distributors', plan.distributors.length, plan.distributors.length);
  const rows = await loader.ctx.db.selectFrom('distributors').select(['id', 'organisation_id', 'code']).execute();
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return plan.distributors.map((d) => {
    const row = byCode.get(d.code)!;
    return { id: row.id, organisationId: row.organisation_id, code: d.code };
  });
}

/** Partners (and their organisations), registered under the agreement in force. */
export async function loadPartners(loader: Loader, staff: Staff, distributors: LoadedDistributor[]): Promise<void> {
  const { partners } = loader.plan;
  loader.report('partners', 0, partners.length);
  for (let start = 0; start < partners.length; start += BATCH) {
    const batch = partners.slice(start, start + BATCH);
    const col = <T>(f: (p: (typeof batch)[number]) => T) => batch.map(f);
    await bulk(loader, async (trx) => {
      await sql`INSERT INTO organisations (id, kind, name, created_at)
        SELECT id, 'partner', name, created_at FROM unnest(${col((p) => p.id)}::uuid[], ${col((p) => p.name)}::text[],
          ${col((p) => p.registeredAt)}::timestamptz[]) AS t(id, name, created_at)`.execute(trx);
      await sql`INSERT INTO partners (organisation_id, legal_name, country, status, registered_at, initial_distributor_id,
          distributor_info_reviewed_at, contact_name, contact_email, agreement_id, agreement_effective_at, renewal_due_at,
          created_at, updated_at)
        SELECT id, name, country, status, registered_at, distributor_id, reviewed_at, contact_name, contact_email,
          ${staff.agreement.id}::uuid, registered_at, renewal_due_at, registered_at, reviewed_at
        FROM unnest(${col((p) => p.id)}::uuid[], ${col((p) => p.name)}::text[], ${col((p) => p.country)}::text[],
          ${col((p) => p.status)}::text[], ${col((p) => p.registeredAt)}::timestamptz[],
          ${col((p) => distributors[p.initialDistributor]!.id)}::uuid[], ${col((p) => p.reviewedAt)}::timestamptz[],
          ${col((p) => p.contactName)}::text[], ${col((p) => p.contactEmail)}::text[], ${col((p) => p.renewalDueAt)}::timestamptz[])
          AS t(id, name, country, status, registered_at, distributor_id, reviewed_at, contact_name, contact_email, renewal_due_at)`.execute(
        trx,
      );
    });
    loader.report('partners', start + batch.length, partners.length);
  }
}

/**
 * REG-2 claims, before the lists are uploaded: most confirmed already (as by an earlier list),
 * some pending so that the upload confirms them the product's way, and one in a hundred whose
 * list row names another company (it stays pending for the distributor).
 */
export async function loadClaims(
  loader: Loader,
  distributors: LoadedDistributor[],
): Promise<{ mismatched: Set<string> }> {
  const { plan } = loader;
  const r = stream(plan.sizes.seed, 'claim-status');
  const total = plan.distributors.reduce((a, d) => a + d.claimants.length, 0);
  const mismatched = new Set<string>();
  type Row = [string, string, string, string, string, Date | null, string | null, Date];
  let rows: Row[] = [];
  let done = 0;
  loader.report('claims', 0, total);
  const flush = async () => {
    if (rows.length === 0) return;
    const batch = rows;
    rows = [];
    const col = <T>(i: number) => batch.map((row) => row[i] as T);
    await bulk(loader, async (trx) => {
      await sql`INSERT INTO account_claims (id, partner_id, distributor_id, account_number, status, decided_at, decision_source, created_at)
        SELECT * FROM unnest(${col(0)}::uuid[], ${col(1)}::uuid[], ${col(2)}::uuid[], ${col(3)}::text[], ${col(4)}::text[],
          ${col(5)}::timestamptz[], ${col(6)}::text[], ${col(7)}::timestamptz[])`.execute(trx);
    });
    done += batch.length;
    loader.report('claims', done, total);
  };
  for (const [i, d] of plan.distributors.entries()) {
    for (const [k, partner] of d.claimants.entries()) {
      const p = plan.partners[partner]!;
      const position = claimPosition(d, k);
      const number = accountNumber(d, position);
      const listed = position <= d.listRows;
      const created = daysFrom(p.registeredAt, r.between(0, 20));
      const roll = r();
      const pending = listed ? roll < 0.04 : roll < 0.1;
      if (listed && roll < 0.01) mismatched.add(number);
      rows.push([
        r.uuid(),
        p.id,
        distributors[i]!.id,
        number,
        pending ? 'pending' : 'confirmed',
        pending ? null : created,
        pending ? null : listed ? 'list' : 'distributor',
        created,
      ]);
      if (rows.length >= BATCH) await flush();
    }
  }
  await flush();
  return { mismatched };
}

/**
 * Each distributor's customer list through the account-list import (`import accounts`), as a
 * CSV stream drawn row by row: claimed accounts under their partner's legal name, the rest other
 * customers in the distributor's countries; one in fifty closed.
 */
export async function loadAccountLists(
  loader: Loader,
  staff: Staff,
  distributors: LoadedDistributor[],
  mismatched: Set<string>,
): Promise<{ confirmed: number }> {
  const { plan } = loader;
  const total = plan.sizes.accounts;
  const read = new Map<number, number>();
  const progress = () =>
    loader.report(
      'account lists',
      [...read.values()].reduce((a, b) => a + b, 0),
      total,
    );
  let confirmed = 0;
  loader.report('account lists', 0, total);
  const upload = async (i: number) => {
    const d = plan.distributors[i]!;
    const loaded = distributors[i]!;
    const r = stream(plan.sizes.seed, `accounts:${d.code}`);
    const owner = new Map<number, number>();
    d.claimants.forEach((partner, k) => owner.set(claimPosition(d, k), partner));
    const countries = [d.hqCountry, ...d.territories];
    async function* csv() {
      yield 'account_number,reseller_name,country,status\n';
      let chunk: string[] = [];
      for (let position = 1; position <= d.listRows; position += 1) {
        const number = accountNumber(d, position);
        const partner = owner.get(position);
        const p = partner === undefined ? undefined : plan.partners[partner]!;
        const country = p ? p.country : r.pick(countries);
        const name = p && !mismatched.has(number) ? p.name : companyName(r, country).name;
        const active = r.chance(0.98) ? 'active' : 'closed';
        chunk.push(`${number},${cell(name)},${country},${active}`);
        if (chunk.length === 1000) {
          yield chunk.join('\n') + '\n';
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk.join('\n') + '\n';
    }
    // As the CLI does for a programme administrator: the distributor's user role for this upload.
    const actor: Actor = {
      ...staff.actor,
      grants: [...staff.actor.grants, { role: 'distributor_user', organisationId: loaded.organisationId }],
    };
    const report = await importAccountList(
      loader.ctx,
      actor,
      loaded.id,
      Readable.from(csv()),
      `${d.code.toLowerCase()}-customers.csv`,
      META,
      (p) => {
        read.set(i, p.rowsRead);
        progress();
      },
    );
    if (report.status !== 'done' || report.rowsRejected > 0)
      throw new Error(
        `import accounts for ${d.code}: ${report.failure ?? JSON.stringify(report.problems.slice(0, 5))}`,
      );
    read.set(i, report.rowsRead);
    confirmed += report.claimsConfirmed;
    progress();
  };
  // Largest lists first, so that parallel uploads finish together.
  const queue = plan.distributors
    .map((d, i) => [d.listRows, i] as const)
    .filter(([rows]) => rows > 0)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .map(([, i]) => i);
  await Promise.all(
    Array.from({ length: loader.parallel }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) await upload(i);
    }),
  );
  return { confirmed };
}

const LOCATION_TYPES = [
  ['office', 70],
  ['showroom', 10],
  ['warehouse', 10],
  ['other', 8],
  ['residence', 2],
] as const;

/** A plausible postcode for the countries whose format is simple; null elsewhere (the column is optional). */
function postcode(country: string, r: () => number): string | null {
  const digits = (n: number) => String(Math.floor(r() * 10 ** n)).padStart(n, '0');
  switch (country) {
    case 'DE':
    case 'FR':
    case 'ES':
    case 'IT':
    case 'US':
    case 'MX':
    case 'FI':
    case 'TR':
      return digits(5);
    case 'JP':
      return `${digits(3)}-${digits(4)}`;
    case 'BR':
      return `${digits(5)}-${digits(3)}`;
    case 'IN':
    case 'CN':
    case 'RU':
      return digits(6);
    case 'AT':
    case 'CH':
    case 'BE':
    case 'DK':
    case 'NO':
    case 'AU':
      return String(1000 + Math.floor(r() * 9000));
    default:
      return null;
  }
}

/**
 * Partner locations around real cities: every partner has one in its home city, the rest go to
 * partners with a long tail (a few have hundreds), mostly in the home city, else in another city
 * of the same country by population; scattered around the centre by the city's size.
 * The locations' secondary indexes are built once after the load, as a restore does.
 */
export async function loadLocations(loader: Loader): Promise<void> {
  const { plan } = loader;
  const { db } = loader.ctx;
  const total = plan.sizes.locations;
  const partners = plan.partners;
  if (total === 0 || partners.length === 0) return;
  const r = stream(plan.sizes.seed, 'locations');
  const pickType = (() => {
    const sum = LOCATION_TYPES.reduce((a, [, w]) => a + w, 0);
    return () => {
      let x = r() * sum;
      for (const [type, w] of LOCATION_TYPES) if ((x -= w) < 0) return type;
      return 'office';
    };
  })();
  const indexes = await sql<{ indexname: string; indexdef: string }>`
    SELECT indexname, indexdef FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = 'partner_locations' AND indexname <> 'partner_locations_pkey'`.execute(
    db,
  );
  loader.report('locations', 0, total);
  for (const index of indexes.rows) await sql.raw(`DROP INDEX ${index.indexname}`).execute(db);
  const inFlight: Promise<void>[] = [];
  let written = 0;
  for (let start = 0; start < total; start += BATCH) {
    const n = Math.min(BATCH, total - start);
    const c = {
      id: [] as string[],
      partner: [] as string[],
      line: [] as string[],
      city: [] as string[],
      postcode: [] as (string | null)[],
      country: [] as string[],
      type: [] as string[],
      listed: [] as boolean[],
      lat: [] as number[],
      lng: [] as number[],
      email: [] as (string | null)[],
      website: [] as string[],
      created: [] as Date[],
    };
    for (let j = start; j < start + n; j += 1) {
      const index = j < partners.length ? j : Math.floor(partners.length * r() ** 3);
      const p = partners[index]!;
      const cityIndex = j < partners.length || r.chance(0.7) ? p.city : plan.cityIn(p.country, r);
      const city = plan.cities[cityIndex]!;
      // Bigger cities spread wider: 3 km standard deviation for a town, about 12 km for a megacity.
      const spreadKm = 3 + 4 * Math.log10(Math.max(1, city.population / 50_000));
      const lat = Math.max(-89.9, Math.min(89.9, city.latitude + (r.normal() * spreadKm) / 111.2));
      const lngScale = 111.2 * Math.max(0.05, Math.cos((city.latitude * Math.PI) / 180));
      let lng = city.longitude + (r.normal() * spreadKm) / lngScale;
      if (lng > 180) lng -= 360;
      if (lng < -180) lng += 360;
      const listed = r.chance(0.85);
      c.id.push(r.uuid());
      c.partner.push(p.id);
      c.line.push(streetLine(r, p.language));
      c.city.push(city.name);
      c.postcode.push(postcode(p.country, r));
      c.country.push(p.country);
      c.type.push(pickType());
      c.listed.push(listed);
      c.lat.push(Math.round(lat * 1e6) / 1e6);
      c.lng.push(Math.round(lng * 1e6) / 1e6);
      c.email.push(listed ? `info@${p.domain}` : null);
      c.website.push(`https://www.${p.domain}`);
      c.created.push(daysFrom(p.registeredAt, r.between(0, 300)));
    }
    // The next batch is drawn while this one is written (up to `parallel` batches in flight).
    inFlight.push(
      bulk(loader, async (trx) => {
        await sql`INSERT INTO partner_locations (id, partner_id, lines, city, postcode, country, type, listed, latitude, longitude,
          email, website, created_at, updated_at)
        SELECT id, partner_id, ARRAY[line], city, postcode, country, type, listed, latitude, longitude, email, website, created_at, created_at
        FROM unnest(${c.id}::uuid[], ${c.partner}::uuid[], ${c.line}::text[], ${c.city}::text[], ${c.postcode}::text[],
          ${c.country}::text[], ${c.type}::text[], ${c.listed}::boolean[], ${c.lat}::float8[], ${c.lng}::float8[],
          ${c.email}::text[], ${c.website}::text[], ${c.created}::timestamptz[])
          AS t(id, partner_id, line, city, postcode, country, type, listed, latitude, longitude, email, website, created_at)`.execute(
          trx,
        );
      }).then(() => {
        written += n;
        loader.report('locations', written, total);
      }),
    );
    if (inFlight.length >= loader.parallel) await inFlight.shift();
  }
  await Promise.all(inFlight);
  // The GiST index takes most of the time; on a server the B-trees are built beside it.
  let built = 0;
  loader.report('location indexes', 0, indexes.rows.length);
  const queue = [...indexes.rows];
  await Promise.all(
    Array.from({ length: loader.parallel }, async () => {
      for (let index = queue.shift(); index; index = queue.shift()) {
        await sql.raw(index.indexdef).execute(db);
        loader.report('location indexes', (built += 1), indexes.rows.length);
      }
    }),
  );
}

const APPLICATION_STATUSES = [
  ['draft', 0.15],
  ['submitted', 0.35],
  ['info_requested', 0.15],
  ['approved', 0.2],
  ['declined', 0.15],
] as const;

/**
 * REG-12 applications in every status for the staff queue: drafts, submitted ones (some claimed
 * by a reviewer), questions asked, approvals (of partners above) and declines, each with its
 * applicant, members, submission snapshot, consents and decisions as the flow writes them.
 */
export async function loadApplications(loader: Loader, staff: Staff, distributors: LoadedDistributor[]): Promise<void> {
  const { plan } = loader;
  const total = plan.sizes.applications;
  if (total === 0) return;
  const r = stream(plan.sizes.seed, 'applications');
  const year = plan.now.getUTCFullYear();
  let approvedSoFar = 0;
  loader.report('applications', 0, total);
  for (let start = 0; start < total; start += 2000) {
    const n = Math.min(2000, total - start);
    const users: unknown[][] = [[], [], [], [], []];
    const orgs: unknown[][] = [[], [], [], [], []];
    const apps: unknown[][] = Array.from({ length: 15 }, () => []);
    const subs: unknown[][] = [[], [], [], [], [], []];
    const decisions: unknown[][] = [[], [], [], [], [], [], []];
    const assignments: unknown[][] = [[], [], []];
    for (let i = start; i < start + n; i += 1) {
      let roll = r();
      let status: (typeof APPLICATION_STATUSES)[number][0] = 'draft';
      for (const [s, share] of APPLICATION_STATUSES)
        if ((roll -= share) < 0) {
          status = s;
          break;
        }
      if (status === 'approved' && approvedSoFar >= plan.partners.length) status = 'declined';
      const approved = status === 'approved' ? plan.partners[approvedSoFar++]! : undefined;
      const country = approved?.country ?? plan.cities[plan.cityIn(r.pick(plan.partners).country, r)]!.country;
      const company = approved ? { name: approved.name, language: approved.language } : companyName(r, country);
      const domain =
        approved?.domain ?? `${slug(transliterate(company.name), `applicant-${i}`)}-a${i.toString(36)}.example`;
      const contact = personName(r, company.language);
      const email = `${slug(transliterate(contact), 'applicant').replace(/-/g, '.')}.${i}@${domain}`;
      const userId = r.uuid();
      const createdAt = daysFrom(plan.now, -r.between(2, 90));
      users[0]!.push(userId);
      users[1]!.push(email);
      users[2]!.push(contact);
      users[3]!.push(createdAt);
      users[4]!.push(['es', 'fr', 'ja'].includes(company.language) ? company.language : 'en');
      const submitted = status !== 'draft';
      const partnerId = approved?.id ?? (submitted ? r.uuid() : null);
      if (partnerId && !approved) {
        orgs[0]!.push(partnerId);
        orgs[1]!.push(company.name);
        orgs[2]!.push(country);
        orgs[3]!.push(contact);
        orgs[4]!.push(email);
      }
      const distributor = plan.distributors.findIndex((d) => d.hqCountry === country);
      const home = plan.cities[plan.cityIn(country, r)]!;
      const answers = {
        company: {
          legalName: company.name,
          legalForm: r.pick(['corporation', 'limited_company', 'partnership', 'sole_proprietorship']),
          country,
          website: `https://www.${domain}`,
          registrationNumber: `${country}-${100_000 + r.int(900_000)}`,
        },
        contacts: {
          primary: {
            name: contact,
            email,
            phone: '',
            title: r.pick(['Managing Director', 'CEO', 'Owner', 'Head of Sales']),
          },
        },
        locations: {
          items: [{ lines: [streetLine(r, company.language)], city: home.name, postcode: '', country, type: 'office' }],
        },
        ...(distributor >= 0
          ? {
              distributors: {
                items: [
                  {
                    distributorId: distributors[distributor]!.id,
                    accountNumber: `${plan.distributors[distributor]!.code}-A${String(i).padStart(6, '0')}`,
                  },
                ],
                initialDistributorId: distributors[distributor]!.id,
              },
            }
          : {}),
        added_value: {
          canDemonstrate: r.chance(0.8),
          providesServices: r.chance(0.8),
          servicesDescription: 'Installation, training and support',
        },
        personnel: { items: [{ name: contact, email, role: 'Sales' }] },
      };
      const submittedAt = submitted ? daysFrom(createdAt, r.between(0, 2)) : null;
      const decidedAt =
        status === 'approved' || status === 'declined' ? daysFrom(submittedAt!, r.between(1, 10)) : null;
      const question =
        status === 'info_requested' ? 'Please send the commercial register extract of your company.' : null;
      const appId = r.uuid();
      const reference = `APP-${year}-${(((i + 1) * 2654435761) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
      [
        appId,
        reference,
        userId,
        status,
        JSON.stringify(answers),
        submitted ? ['company', 'contacts', 'locations', 'added_value'] : ['company'],
        company.name,
        country,
        partnerId,
        submitted ? userId : null,
        submitted ? contact : null,
        question,
        submittedAt,
        decidedAt && decidedAt > plan.now ? plan.now : decidedAt,
        createdAt,
      ].forEach((v, k) => apps[k]!.push(v));
      if (submitted) {
        const subId = r.uuid();
        [subId, appId, userId, submittedAt, JSON.stringify(answers), contact].forEach((v, k) => subs[k]!.push(v));
      }
      if (status === 'info_requested' || status === 'approved' || status === 'declined') {
        const at = decidedAt ?? daysFrom(submittedAt!, r.between(1, 5));
        [
          r.uuid(),
          appId,
          status,
          status === 'declined' ? 'Online shop only; no demonstration or services offered.' : null,
          question,
          r.pick(staff.reviewerIds),
          at > plan.now ? plan.now : at,
        ].forEach((v, k) => decisions[k]!.push(v));
      }
      if ((status === 'submitted' || status === 'info_requested') && r.chance(0.4))
        [
          appId,
          r.pick(staff.reviewerIds),
          daysFrom(submittedAt!, 1) > plan.now ? plan.now : daysFrom(submittedAt!, 1),
        ].forEach((v, k) => assignments[k]!.push(v));
    }
    const { agreement } = staff;
    await bulk(loader, async (trx) => {
      await sql`INSERT INTO users (id, email, name, password_hash, language, email_verified_at, created_at, updated_at)
        SELECT id, email, name, '!benchmark-applicant', language, created_at, created_at, created_at
        FROM unnest(${users[0]}::uuid[], ${users[1]}::text[], ${users[2]}::text[], ${users[3]}::timestamptz[], ${users[4]}::text[])
          AS t(id, email, name, created_at, language)`.execute(trx);
      await sql`INSERT INTO organisations (id, kind, name) SELECT id, 'partner', name FROM unnest(${orgs[0]}::uuid[], ${orgs[1]}::text[]) AS t(id, name)`.execute(
        trx,
      );
      await sql`INSERT INTO partners (organisation_id, legal_name, country, status, contact_name, contact_email)
        SELECT id, name, country, 'applicant', contact_name, contact_email
        FROM unnest(${orgs[0]}::uuid[], ${orgs[1]}::text[], ${orgs[2]}::text[], ${orgs[3]}::text[], ${orgs[4]}::text[])
          AS t(id, name, country, contact_name, contact_email)`.execute(trx);
      await sql`INSERT INTO applications (id, reference, created_by, status, answers, completed_steps, legal_name, country, partner_id,
          signatory_user_id, signatory_name, signatory_title, staff_question, submitted_at, decided_at, created_at, updated_at)
        SELECT id, reference, created_by, status, answers::jsonb, string_to_array(steps, ','), legal_name, country, partner_id,
          signatory_user_id, signatory_name, CASE WHEN signatory_name IS NULL THEN NULL ELSE 'Managing Director' END,
          staff_question, submitted_at, decided_at, created_at, coalesce(decided_at, submitted_at, created_at)
        FROM unnest(${apps[0]}::uuid[], ${apps[1]}::text[], ${apps[2]}::uuid[], ${apps[3]}::text[], ${apps[4]}::text[],
          ${(apps[5] as string[][]).map((s) => s.join(','))}::text[], ${apps[6]}::text[], ${apps[7]}::text[], ${apps[8]}::uuid[],
          ${apps[9]}::uuid[], ${apps[10]}::text[], ${apps[11]}::text[], ${apps[12]}::timestamptz[], ${apps[13]}::timestamptz[],
          ${apps[14]}::timestamptz[])
          AS t(id, reference, created_by, status, answers, steps, legal_name, country, partner_id, signatory_user_id, signatory_name,
            staff_question, submitted_at, decided_at, created_at)`.execute(trx);
      await sql`INSERT INTO application_members (application_id, user_id, role, added_at)
        SELECT id, created_by, 'preparer', created_at FROM unnest(${apps[0]}::uuid[], ${apps[2]}::uuid[], ${apps[14]}::timestamptz[])
          AS t(id, created_by, created_at)`.execute(trx);
      await sql`INSERT INTO application_submissions (id, application_id, sequence, submitted_by, submitted_at, answers, findings,
          agreement_id, signatory_name, signatory_title)
        SELECT id, application_id, 1, submitted_by, submitted_at, answers::jsonb, '[]'::jsonb, ${agreement.id}::uuid, signatory, 'Managing Director'
        FROM unnest(${subs[0]}::uuid[], ${subs[1]}::uuid[], ${subs[2]}::uuid[], ${subs[3]}::timestamptz[], ${subs[4]}::text[], ${subs[5]}::text[])
          AS t(id, application_id, submitted_by, submitted_at, answers, signatory)`.execute(trx);
      await sql`INSERT INTO consents (application_id, submission_id, user_id, kind, agreement_id, text_version, text_hash, accepted_at, language)
        SELECT application_id, id, submitted_by, k.kind, ${agreement.id}::uuid, ${agreement.version}, k.hash, submitted_at, 'en'
        FROM unnest(${subs[0]}::uuid[], ${subs[1]}::uuid[], ${subs[2]}::uuid[], ${subs[3]}::timestamptz[])
          AS t(id, application_id, submitted_by, submitted_at)
        CROSS JOIN (VALUES ('signature_authority', ${agreement.hashes.authority}), ('icpa', ${agreement.hashes.body}),
          ('release_of_information', ${agreement.hashes.release})) AS k(kind, hash)`.execute(trx);
      await sql`INSERT INTO application_decisions (id, application_id, decision, internal_reason, question, decided_by, decided_at)
        SELECT * FROM unnest(${decisions[0]}::uuid[], ${decisions[1]}::uuid[], ${decisions[2]}::text[], ${decisions[3]}::text[],
          ${decisions[4]}::text[], ${decisions[5]}::uuid[], ${decisions[6]}::timestamptz[])`.execute(trx);
      await sql`INSERT INTO application_assignments (application_id, reviewer_id, claimed_at)
        SELECT * FROM unnest(${assignments[0]}::uuid[], ${assignments[1]}::uuid[], ${assignments[2]}::timestamptz[])`.execute(
        trx,
      );
    });
    loader.report('applications', start + n, total);
  }
}

/**
 * PICA-1 support contracts through `import contracts` for about one registered partner in a
 * hundred (one or two each; most of the qualifying type; at most 500, as the import writes a
 * row per transaction), with the contract types they need.
 */
export async function loadContracts(loader: Loader, staff: Staff, db: Db): Promise<number> {
  const { plan } = loader;
  const r = stream(plan.sizes.seed, 'contracts');
  await db
    .insertInto('pica_contract_types')
    .values([
      {
        code: 'PSS',
        name: 'Partner Support Service (own brand)',
        qualifies_pica: true,
        entitlements: ['software_downloads', 'support_cases', 'bug_search', 'documentation'],
      },
      {
        code: 'SNT',
        name: 'Hardware replacement, next business day',
        qualifies_pica: false,
        entitlements: ['documentation'],
      },
    ])
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const lines = ['number,partner_id,type,starts_on,ends_on,customer,status'];
  const day = (d: Date) => d.toISOString().slice(0, 10);
  let n = 0;
  for (const p of plan.partners) {
    if (n >= 500) break;
    if (p.status !== 'registered' || !r.chance(1 / 100)) continue;
    for (let k = r.chance(0.7) ? 1 : 2; k > 0; k -= 1) {
      n += 1;
      const type = r.chance(0.75) ? 'PSS' : 'SNT';
      const starts = daysFrom(plan.now, -r.between(0, 700));
      const ends = daysFrom(starts, r.pick([365, 730, 1095]));
      lines.push(
        [
          `${type}-${starts.getUTCFullYear()}-${String(n).padStart(6, '0')}`,
          p.id,
          type,
          day(starts),
          day(ends),
          companyName(r, p.country).name,
          r.chance(0.95) ? 'active' : 'suspended',
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  if (n === 0) return 0;
  loader.report('contracts', 0, n);
  const report = await importContracts(loader.ctx, staff.actor, Readable.from([lines.join('\n')]), META, (p) =>
    loader.report('contracts', p.rowsRead, n),
  );
  if (report.rejected > 0)
    throw new Error(`import contracts rejected rows: ${JSON.stringify(report.problems.slice(0, 5))}`);
  return report.created;
}
