import { isDeepStrictEqual } from 'node:util';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../src/platform/db.ts';
import { verifyPassword } from '../../src/platform/passwords.ts';
import { verifyAuditChain } from '../../src/modules/audit/index.ts';
import { call, HARNESS_DOMAIN, type ApplicationRecord, type Ledger, type Setting } from './crash-workload.ts';

/**
 * What the crash harness proves after every restart (decision 057). Each function answers the
 * violations it found, as sentences; an empty list is a pass.
 */

interface AuditRow {
  actor: string;
  actorUserId: string | null;
  action: string;
  subjectId: string;
}

/** JSON equality regardless of key order (jsonb keeps none). */
const sameJson = (a: unknown, b: unknown) =>
  isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));

/**
 * Through the restarted server's API, as its users and staff see it: every acknowledged change is
 * there with what was sent, with its audit row, and the audit chain verifies. Changes in flight at
 * the kill are settled here to whichever outcome the server shows (both were allowed); later
 * rounds then hold the server to it.
 */
export async function checkThroughApi(base: string, setting: Setting, ledger: Ledger): Promise<string[]> {
  const problems: string[] = [];
  const staff = { session: setting.staffSession };
  const verdict = await call(base, 'GET', '/api/v1/staff/audit/verify', staff);
  if (verdict.status !== 200 || !(verdict.body as { ok: boolean }).ok)
    problems.push(`audit chain (GET /staff/audit/verify): ${JSON.stringify(verdict.body)}`);
  const audit = await call(base, 'GET', '/api/v1/staff/audit?limit=10000', staff);
  if (audit.status !== 200) return [...problems, `GET /staff/audit answered ${audit.status}`];
  const rows = audit.body as AuditRow[];
  const bySubject = new Set(rows.map((a) => `${a.action}|${a.subjectId}`));
  const byLabel = new Set(rows.map((a) => `${a.action}|${a.actor}`));
  const userOf = new Map(rows.filter((a) => a.action === 'account.created').map((a) => [a.actor, a.subjectId]));

  for (const account of ledger.accounts.values()) {
    const userId = userOf.get(account.email);
    if (!userId) {
      problems.push(`acknowledged sign-up of ${account.email} has no account.created audit row`);
      continue;
    }
    const verifiedRow = bySubject.has(`account.email_verified|${userId}`);
    if (account.verified === 'maybe') account.verified = verifiedRow ? 'yes' : 'no';
    else if (verifiedRow !== (account.verified === 'yes'))
      problems.push(
        `${account.email}: confirmation acknowledged ${account.verified}, audit row present ${verifiedRow}`,
      );
    if (account.session) {
      if (!bySubject.has(`session.started|${userId}`))
        problems.push(`acknowledged sign-in of ${account.email} has no session.started audit row`);
      const me = await call(base, 'GET', '/api/v1/me', { session: account.session });
      const body = me.body as { email: string; name: string; language: string; emailVerified: boolean };
      if (
        me.status !== 200 ||
        body.email !== account.email ||
        body.name !== account.name ||
        body.language !== account.language ||
        !body.emailVerified
      )
        problems.push(`GET /me of ${account.email} after the restart: ${me.status} ${JSON.stringify(me.body)}`);
    }
  }

  for (const application of ledger.applications.values())
    problems.push(...(await checkApplicationApi(base, application, bySubject, rows)));

  const admin = { session: setting.picaAdminSession };
  const sponsorships = (await call(base, 'GET', '/api/v1/pica/sponsorships', admin)).body as {
    id: string;
    registrationNumber: string;
    customer: { name: string; country: string; emailDomains: string[] };
    purchaseReference: string;
    maxUses: number | null;
    uses: number;
    registrations: { name: string; email: string; at: string | null }[];
  }[];
  const access = (await call(base, 'GET', '/api/v1/pica/sponsored-users', admin)).body as {
    userEmail: string;
    status: string;
  }[];
  for (const s of ledger.sponsorships.values()) {
    const seen = sponsorships.find((x) => x.id === s.id);
    if (
      !seen ||
      seen.registrationNumber !== s.registrationNumber ||
      seen.customer.name !== s.customerName ||
      seen.customer.country !== s.country ||
      !sameJson(seen.customer.emailDomains, [s.domain]) ||
      seen.purchaseReference !== s.purchaseReference ||
      seen.maxUses !== s.maxUses
    ) {
      problems.push(`acknowledged sponsorship ${s.registrationNumber} (${s.customerName}): ${JSON.stringify(seen)}`);
      continue;
    }
    if (seen.uses !== seen.registrations.length || seen.uses > s.maxUses)
      problems.push(`sponsorship ${s.registrationNumber}: ${seen.uses} uses, ${seen.registrations.length} registered`);
    if (!bySubject.has(`pica.customer_sponsored|${s.id}`))
      problems.push(`acknowledged sponsorship ${s.registrationNumber} has no pica.customer_sponsored audit row`);
  }
  for (const user of ledger.endUsers.values()) {
    const sponsorship = sponsorships.find((x) => x.id === user.sponsorshipId);
    const listed = sponsorship?.registrations.find((x) => x.email === user.email);
    if (user.confirmed === 'maybe') user.confirmed = listed ? 'yes' : 'no';
    if (
      !byLabel.has(`pica.registration_started|${user.email}`) ||
      !byLabel.has(`pica.registration_submitted|${user.email}`)
    )
      problems.push(`acknowledged PICA registration of ${user.email} lacks its audit rows`);
    if (user.confirmed === 'yes') {
      if (!listed || listed.name !== user.name || !listed.at)
        problems.push(`acknowledged PICA confirmation of ${user.email} is not in its sponsorship's ledger`);
      if (!access.some((a) => a.userEmail === user.email && a.status === 'active'))
        problems.push(`acknowledged PICA confirmation of ${user.email} has no active access`);
      if (!byLabel.has(`pica.registration_confirmed|${user.email}`))
        problems.push(`acknowledged PICA confirmation of ${user.email} has no pica.registration_confirmed audit row`);
    } else if (listed) problems.push(`PICA registration of ${user.email} confirmed although its confirmation was not`);
  }
  return problems;
}

async function checkApplicationApi(
  base: string,
  a: ApplicationRecord,
  bySubject: Set<string>,
  audit: AuditRow[],
): Promise<string[]> {
  const res = await call(base, 'GET', `/api/v1/applications/${a.id}`, { session: a.session });
  const seen = res.body as {
    status: string;
    version: number;
    answers: unknown;
    signatory: { name: string; title: string } | null;
  };
  if (res.status !== 200) return [`acknowledged application ${a.reference}: GET answered ${res.status}`];
  const state = (x: { version: number; answers: unknown; submitted: boolean; signatory?: unknown }) =>
    seen.version === x.version &&
    sameJson(seen.answers, x.answers) &&
    (seen.status === 'submitted') === x.submitted &&
    sameJson(seen.signatory, x.signatory ?? null);
  if (a.pending && state(a.pending)) Object.assign(a, a.pending, { pending: undefined });
  else if (!state(a))
    return [`application ${a.reference} after the restart is not as acknowledged: ${JSON.stringify(seen)}`];
  delete a.pending;
  const problems: string[] = [];
  if (!bySubject.has(`application.created|${a.id}`))
    problems.push(`application ${a.reference}: no application.created`);
  const saves = audit.filter((x) => x.action === 'application.step_saved' && x.subjectId === a.id).length;
  if (saves !== a.version - 1 - (a.submitted ? 1 : 0))
    problems.push(`application ${a.reference}: version ${a.version} but ${saves} application.step_saved audit rows`);
  if (a.submitted !== bySubject.has(`application.submitted|${a.id}`))
    problems.push(`application ${a.reference}: submitted ${a.submitted}, audit row disagrees`);
  return problems;
}

/**
 * In the database itself: every acknowledged change with what was sent (rows, snapshot, consents,
 * audit and outbox rows), and — over every row the harness's clients caused, acknowledged or
 * not — nothing half-written: each change has its audit row and email, each audit row and email
 * its change, no orphans, and the audit hash chain verifies.
 */
export async function checkDatabase(db: Db, ledger: Ledger, round: number): Promise<string[]> {
  const problems: string[] = [];
  const like = `%.${HARNESS_DOMAIN}`;
  const verdict = await verifyAuditChain(db);
  if (!verdict.ok) problems.push(`audit chain broken at row ${verdict.brokenAtId} (${verdict.reason})`);

  // ---- acknowledged: present and intact ----
  const users = new Map(
    (
      await sql<{
        id: string;
        email: string;
        name: string;
        language: string;
        verified: boolean;
        password_hash: string;
      }>`SELECT id, email, name, language, email_verified_at IS NOT NULL AS verified, password_hash
         FROM users WHERE email LIKE ${like}`.execute(db)
    ).rows.map((u) => [u.email, u]),
  );
  for (const account of ledger.accounts.values()) {
    const user = users.get(account.email);
    if (!user || user.name !== account.name || user.language !== account.language) {
      problems.push(`acknowledged sign-up of ${account.email}: row ${JSON.stringify(user)}`);
      continue;
    }
    if (account.verified !== 'maybe' && user.verified !== (account.verified === 'yes'))
      problems.push(
        `${account.email}: email_verified_at ${user.verified}, confirmation acknowledged ${account.verified}`,
      );
    // argon2 is slow on purpose: each password is checked once, in the round that made it.
    if (account.round === round && !account.passwordChecked) {
      if (!(await verifyPassword(user.password_hash, account.password)))
        problems.push(`${account.email}: the stored password hash does not match the password signed up with`);
      account.passwordChecked = true;
    }
  }

  for (const a of ledger.applications.values()) {
    const row = (
      await sql<{
        status: string;
        version: number;
        answers: unknown;
        partner_id: string | null;
        legal_name: string | null;
      }>`SELECT a.status, a.version, a.answers, a.partner_id, p.legal_name
         FROM applications a LEFT JOIN partners p ON p.organisation_id = a.partner_id WHERE a.id = ${a.id}`.execute(db)
    ).rows[0];
    const states = [a, ...(a.pending ? [a.pending] : [])];
    const matches = states.some(
      (s) =>
        row &&
        row.version === s.version &&
        sameJson(row.answers, s.answers) &&
        (row.status !== 'draft') === s.submitted,
    );
    if (!row || !matches) {
      problems.push(`acknowledged application ${a.reference}: row ${JSON.stringify(row)}`);
      continue;
    }
    if (row.status === 'draft') continue;
    const company = (row.answers as { company: { legalName: string } }).company;
    if (row.legal_name !== company.legalName)
      problems.push(`submitted application ${a.reference}: partner ${JSON.stringify(row.legal_name)}`);
    const snapshot = (
      await sql<{ answers: unknown; signatory_name: string; consents: number }>`
        SELECT s.answers, s.signatory_name,
               (SELECT count(*)::int FROM consents c WHERE c.submission_id = s.id) AS consents
        FROM application_submissions s WHERE s.application_id = ${a.id}`.execute(db)
    ).rows;
    if (snapshot.length !== 1 || !sameJson(snapshot[0]!.answers, row.answers) || snapshot[0]!.consents !== 3)
      problems.push(`submitted application ${a.reference}: snapshot ${JSON.stringify(snapshot)}`);
    const receipts = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM outbox WHERE template = 'application_receipt' AND recipient = ${a.applicant}`.execute(
      db,
    );
    if (receipts.rows[0]!.n !== 1)
      problems.push(`submitted application ${a.reference}: ${receipts.rows[0]!.n} receipts`);
  }

  for (const s of ledger.sponsorships.values()) {
    const row = (
      await sql<{ number: string; name: string; country: string; domains: string[]; reference: string; max: number }>`
        SELECT s.registration_number AS number, c.name, c.country, c.email_domains AS domains,
               s.purchase_reference AS reference, s.max_uses AS max
        FROM pica_sponsorships s JOIN pica_customers c ON c.id = s.customer_id WHERE s.id = ${s.id}`.execute(db)
    ).rows[0];
    if (
      !row ||
      row.number !== s.registrationNumber ||
      row.name !== s.customerName ||
      row.country !== s.country ||
      !sameJson(row.domains, [s.domain]) ||
      row.reference !== s.purchaseReference ||
      row.max !== s.maxUses
    )
      problems.push(`acknowledged sponsorship ${s.registrationNumber}: row ${JSON.stringify(row)}`);
  }

  for (const u of ledger.endUsers.values()) {
    const row = (
      await sql<{ status: string; name: string; job_title: string | null; user_id: string | null; emails: number }>`
        SELECT r.status, r.name, r.job_title, r.user_id,
               (SELECT count(*)::int FROM outbox o
                 WHERE o.recipient = r.email AND o.template = 'pica.email.confirm_registration') AS emails
        FROM pica_registrations r WHERE r.email = ${u.email}`.execute(db)
    ).rows[0];
    const expected =
      u.confirmed === 'yes'
        ? ['confirmed']
        : u.confirmed === 'no'
          ? ['awaiting_confirmation']
          : ['awaiting_confirmation', 'confirmed'];
    if (!row || row.name !== u.name || row.job_title !== u.jobTitle || !expected.includes(row.status) || row.emails < 1)
      problems.push(`acknowledged PICA registration of ${u.email}: row ${JSON.stringify(row)}`);
  }

  // ---- nothing half-written, acknowledged or not ----
  const invariants: [string, RawBuilder<{ what: string }>][] = [
    [
      'a user without the audit row of its creation',
      sql`SELECT u.email AS what FROM users u WHERE u.email LIKE ${like}
          AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'account.created' AND a.subject_id = u.id::text)
          AND NOT EXISTS (SELECT 1 FROM pica_registrations r JOIN audit_log a
                          ON a.action = 'pica.registration_confirmed' AND a.subject_id = r.id::text
                          WHERE r.user_id = u.id)`,
    ],
    [
      'a signed-up user without its confirmation email or link',
      sql`SELECT u.email AS what FROM users u WHERE u.email LIKE ${like}
          AND EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'account.created' AND a.subject_id = u.id::text)
          AND (NOT EXISTS (SELECT 1 FROM outbox o WHERE o.recipient = u.email AND o.template = 'verify')
               OR NOT EXISTS (SELECT 1 FROM email_tokens t WHERE t.user_id = u.id AND t.purpose = 'verify_email'))`,
    ],
    [
      'a signed-up user whose confirmation and its audit row disagree',
      sql`SELECT u.email AS what FROM users u WHERE u.email LIKE ${like}
          AND EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'account.created' AND a.subject_id = u.id::text)
          AND (u.email_verified_at IS NOT NULL) <> EXISTS (SELECT 1 FROM audit_log a
                 WHERE a.action = 'account.email_verified' AND a.subject_id = u.id::text)`,
    ],
    [
      'an audit row of a change that is not there',
      sql`SELECT a.action || ' ' || a.subject_id AS what FROM audit_log a
          WHERE (a.action IN ('account.created', 'account.email_verified', 'session.started')
                 AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id::text = a.subject_id))
             OR (a.action IN ('application.created', 'application.step_saved', 'application.submitted')
                 AND NOT EXISTS (SELECT 1 FROM applications x WHERE x.id::text = a.subject_id))
             OR (a.action = 'pica.customer_sponsored'
                 AND NOT EXISTS (SELECT 1 FROM pica_sponsorships s WHERE s.id::text = a.subject_id))
             OR (a.action IN ('pica.registration_started', 'pica.registration_submitted', 'pica.registration_confirmed')
                 AND NOT EXISTS (SELECT 1 FROM pica_registrations r WHERE r.id::text = a.subject_id))`,
    ],
    [
      'more sessions than session.started audit rows',
      sql`SELECT u.email AS what FROM users u WHERE u.email LIKE ${like}
          AND (SELECT count(*) FROM sessions s WHERE s.user_id = u.id)
            > (SELECT count(*) FROM audit_log a WHERE a.action = 'session.started' AND a.subject_id = u.id::text)`,
    ],
    [
      'an application whose audit rows do not account for its state',
      sql`SELECT x.reference AS what FROM applications x JOIN users u ON u.id = x.created_by
          WHERE u.email LIKE ${like} AND (
            NOT EXISTS (SELECT 1 FROM application_members m
                        WHERE m.application_id = x.id AND m.user_id = x.created_by AND m.role = 'preparer')
            OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'application.created' AND a.subject_id = x.id::text)
            OR (SELECT count(*) FROM audit_log a WHERE a.action = 'application.step_saved' AND a.subject_id = x.id::text)
               <> x.version - 1 - CASE WHEN x.status = 'draft' THEN 0 ELSE 1 END)`,
    ],
    [
      'an application half submitted (status, snapshot, consents, partner, claim, audit row and receipt disagree)',
      sql`SELECT x.reference AS what FROM applications x JOIN users u ON u.id = x.created_by
          WHERE u.email LIKE ${like} AND (
            CASE WHEN x.status = 'draft' THEN
              x.partner_id IS NOT NULL
              OR EXISTS (SELECT 1 FROM application_submissions s WHERE s.application_id = x.id)
              OR EXISTS (SELECT 1 FROM consents c WHERE c.application_id = x.id)
              OR EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'application.submitted' AND a.subject_id = x.id::text)
              OR EXISTS (SELECT 1 FROM outbox o WHERE o.recipient = u.email AND o.template = 'application_receipt')
            ELSE
              (SELECT count(*) FROM application_submissions s WHERE s.application_id = x.id) <> 1
              OR (SELECT count(*) FROM consents c WHERE c.application_id = x.id) <> 3
              OR NOT EXISTS (SELECT 1 FROM partners p WHERE p.organisation_id = x.partner_id)
              OR NOT EXISTS (SELECT 1 FROM account_claims c WHERE c.partner_id = x.partner_id)
              OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'application.submitted' AND a.subject_id = x.id::text)
              OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.recipient = u.email AND o.template = 'application_receipt')
            END)`,
    ],
    [
      'a partner organisation without the submitted application that made it',
      sql`SELECT p.legal_name AS what FROM partners p WHERE p.contact_email LIKE ${like}
          AND NOT EXISTS (SELECT 1 FROM applications x WHERE x.partner_id = p.organisation_id AND x.status <> 'draft')`,
    ],
    [
      'a sponsored customer without its sponsorship, or a sponsorship without its audit row',
      sql`SELECT c.name AS what FROM pica_customers c
          WHERE array_to_string(c.email_domains, ',') LIKE ${like}
          AND NOT EXISTS (SELECT 1 FROM pica_sponsorships s WHERE s.customer_id = c.id
                          AND EXISTS (SELECT 1 FROM audit_log a
                                      WHERE a.action = 'pica.customer_sponsored' AND a.subject_id = s.id::text))`,
    ],
    [
      'a customer organisation without its sponsored customer',
      sql`SELECT o.name AS what FROM organisations o WHERE o.kind = 'customer' AND o.name LIKE 'Crash %'
          AND NOT EXISTS (SELECT 1 FROM pica_customers c WHERE c.organisation_id = o.id)`,
    ],
    [
      'a sponsorship whose uses disagree with its confirmed registrations or exceed its limit',
      sql`SELECT s.registration_number AS what FROM pica_sponsorships s JOIN pica_customers c ON c.id = s.customer_id
          WHERE array_to_string(c.email_domains, ',') LIKE ${like}
          AND (s.uses <> (SELECT count(*) FROM pica_registrations r WHERE r.sponsorship_id = s.id AND r.status = 'confirmed')
               OR s.uses > coalesce(s.max_uses, s.uses))`,
    ],
    [
      'a PICA registration whose state, audit rows, email, account, role and access disagree',
      sql`SELECT r.email AS what FROM pica_registrations r JOIN pica_sponsorships s ON s.id = r.sponsorship_id
          JOIN pica_customers c ON c.id = s.customer_id
          WHERE r.email LIKE ${like} AND (
            NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'pica.registration_started' AND a.subject_id = r.id::text)
            OR (r.status <> 'details') <> EXISTS (SELECT 1 FROM audit_log a
                  WHERE a.action = 'pica.registration_submitted' AND a.subject_id = r.id::text)
            OR (r.status <> 'details') <> EXISTS (SELECT 1 FROM outbox o
                  WHERE o.recipient = r.email AND o.template = 'pica.email.confirm_registration')
            OR (r.status = 'confirmed') <> EXISTS (SELECT 1 FROM audit_log a
                  WHERE a.action = 'pica.registration_confirmed' AND a.subject_id = r.id::text)
            OR (r.status = 'confirmed') <> (r.user_id IS NOT NULL)
            OR (r.status = 'confirmed' AND NOT (
                  EXISTS (SELECT 1 FROM users u WHERE u.id = r.user_id AND u.email = r.email)
                  AND EXISTS (SELECT 1 FROM user_roles g WHERE g.user_id = r.user_id AND g.role = 'end_user'
                              AND g.organisation_id = c.organisation_id)
                  AND EXISTS (SELECT 1 FROM pica_access x WHERE x.user_id = r.user_id AND x.customer_id = c.id))))`,
    ],
    [
      'an email to a harness address without the change that sent it',
      sql`SELECT o.template || ' to ' || o.recipient AS what FROM outbox o WHERE o.recipient LIKE ${like} AND NOT (
            (o.template = 'verify' AND EXISTS (SELECT 1 FROM users u WHERE u.email = o.recipient))
            OR (o.template = 'application_receipt' AND EXISTS (SELECT 1 FROM applications x JOIN users u
                  ON u.id = x.created_by WHERE u.email = o.recipient AND x.status <> 'draft'))
            OR (o.template = 'pica.email.confirm_registration' AND EXISTS (SELECT 1 FROM pica_registrations r
                  WHERE r.email = o.recipient AND r.status <> 'details')))`,
    ],
  ];
  for (const [what, query] of invariants) {
    const found = (await query.execute(db)).rows.map((r) => r.what);
    if (found.length > 0) problems.push(`${what}: ${found.slice(0, 5).join(', ')}${found.length > 5 ? ', …' : ''}`);
  }
  return problems;
}

/** How many rows the harness's clients caused, for the round's line in the log. */
export async function harnessCounts(db: Db): Promise<Record<string, number>> {
  const like = `%.${HARNESS_DOMAIN}`;
  const row = (
    await sql<Record<string, number>>`SELECT
      (SELECT count(*)::int FROM users WHERE email LIKE ${like}) AS users,
      (SELECT count(*)::int FROM applications x JOIN users u ON u.id = x.created_by
        WHERE u.email LIKE ${like} AND x.status <> 'draft') AS submitted,
      (SELECT count(*)::int FROM pica_registrations WHERE email LIKE ${like} AND status = 'confirmed') AS "picaConfirmed",
      (SELECT count(*)::int FROM audit_log) AS "auditRows"`.execute(db)
  ).rows[0]!;
  return row;
}
