import { sql, type Insertable, type Selectable } from 'kysely';
import type { Language } from '../../platform/i18n.ts';
import { AGREEMENTS_TOPIC, announceChange, APPLICATION_VIEWS_TOPIC, APPLICATIONS_TOPIC } from '../../platform/cache.ts';
import type { Executor } from '../../platform/db.ts';
import { isUuid } from '../../platform/ids.ts';
import { type ApplicationAnswers, type Finding } from './registration.rules.ts';
import { EDITABLE_STATUSES } from './application-status.rules.ts';
import type { AgreementsTable, AgreementTextsTable, ApplicationsTable } from './registration.table.ts';

export type AgreementRow = Selectable<AgreementsTable>;
export type ApplicationRow = Selectable<ApplicationsTable>;

export async function currentAgreement(
  db: Executor,
  kind: 'icpa' | 'pica' = 'icpa',
  now = new Date(),
): Promise<AgreementRow | undefined> {
  return db
    .selectFrom('agreements')
    .selectAll()
    .where('kind', '=', kind)
    .where('effective_at', '<=', now)
    .orderBy('effective_at', 'desc')
    .orderBy('published_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function agreementVersions(db: Executor, kind: 'icpa' | 'pica' = 'icpa') {
  return db
    .selectFrom('agreements as a')
    .leftJoin('users as u', 'u.id', 'a.published_by')
    .select([
      'a.id',
      'a.version',
      'a.title',
      'a.body_hash',
      'a.effective_at',
      'a.published_at',
      'u.name as published_by_name',
    ])
    .where('a.kind', '=', kind)
    .orderBy('a.effective_at', 'desc')
    .orderBy('a.published_at', 'desc')
    .limit(500)
    .execute();
}

export async function findAgreement(db: Executor, id: string) {
  return db.selectFrom('agreements').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAgreementByVersion(db: Executor, version: string, kind: 'icpa' | 'pica' = 'icpa') {
  return db
    .selectFrom('agreements')
    .selectAll()
    .where('kind', '=', kind)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function insertAgreement(
  db: Executor,
  row: {
    kind: 'icpa' | 'pica';
    version: string;
    title: string;
    body: string;
    body_hash: string;
    effective_at: Date;
    published_by: string | null;
    governing_language: Language;
  },
) {
  const inserted = await db.insertInto('agreements').values(row).returning(['id']).executeTakeFirstOrThrow();
  await announceChange(db, AGREEMENTS_TOPIC);
  return inserted;
}

export type AgreementTextRow = Selectable<AgreementTextsTable>;

/** every language's texts of one agreement version. */
export async function agreementTexts(db: Executor, agreementId: string): Promise<AgreementTextRow[]> {
  return db
    .selectFrom('agreement_texts')
    .selectAll()
    .where('agreement_id', '=', agreementId)
    .orderBy('language')
    .execute();
}

export async function insertAgreementTexts(db: Executor, rows: Insertable<AgreementTextsTable>[]) {
  if (rows.length === 0) return;
  await db.insertInto('agreement_texts').values(rows).execute();
  await announceChange(db, AGREEMENTS_TOPIC);
}

export async function insertApplication(db: Executor, row: { reference: string; created_by: string }) {
  return db.insertInto('applications').values(row).returning(['id']).executeTakeFirstOrThrow();
}

export async function addMember(db: Executor, applicationId: string, userId: string, role: 'preparer' | 'signatory') {
  await db
    .insertInto('application_members')
    .values({ application_id: applicationId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['application_id', 'user_id']).doNothing())
    .execute();
  // The other people's cached view lists who works on the application.
  await announceChange(db, APPLICATION_VIEWS_TOPIC);
}

export async function members(db: Executor, applicationId: string) {
  return db
    .selectFrom('application_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name', 'u.email', 'm.role'])
    .where('m.application_id', '=', applicationId)
    .orderBy('m.added_at')
    .execute();
}

/**
 * The application with the people working on it (as `members` returns them), in one round trip,
 * when `userId` is one of them: what every wizard page reads first (#15).
 */
export async function findApplicationOfMember(
  db: Executor,
  id: string,
  userId: string,
): Promise<(ApplicationRow & { people: Awaited<ReturnType<typeof members>> }) | undefined> {
  return db
    .selectFrom('applications as a')
    .selectAll('a')
    .select(
      sql<Awaited<ReturnType<typeof members>>>`(
        SELECT coalesce(json_agg(json_build_object('id', u.id, 'name', u.name, 'email', u.email, 'role', m.role)
                                 ORDER BY m.added_at), '[]'::json)
        FROM application_members m JOIN users u ON u.id = m.user_id
        WHERE m.application_id = a.id)`.as('people'),
    )
    .where('a.id', '=', id)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('application_members as me')
          .select('me.user_id')
          .whereRef('me.application_id', '=', 'a.id')
          .where('me.user_id', '=', userId),
      ),
    )
    .executeTakeFirst();
}

export async function applicationsOfUser(db: Executor, userId: string) {
  return db
    .selectFrom('applications as a')
    .innerJoin('application_members as m', 'm.application_id', 'a.id')
    .select(['a.id', 'a.reference', 'a.status', 'a.legal_name', 'a.country', 'a.updated_at', 'a.submitted_at'])
    .where('m.user_id', '=', userId)
    .orderBy('a.created_at', 'desc')
    .execute();
}

/** Saves a step's answers; conditional on the version read, so a concurrent save gets a 409. */
export async function saveAnswers(
  db: Executor,
  id: string,
  expectedVersion: number,
  changes: {
    answers: ApplicationAnswers;
    completed_steps: string[];
    legal_name: string | null;
    country: string | null;
  },
) {
  const saved = await db
    .updateTable('applications')
    .set((eb) => ({
      answers: JSON.stringify(changes.answers),
      completed_steps: changes.completed_steps,
      legal_name: changes.legal_name,
      country: changes.country,
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('status', 'in', EDITABLE_STATUSES)
    .returning(['version', 'status'])
    .executeTakeFirst();
  if (saved) await announceChange(db, APPLICATION_VIEWS_TOPIC);
  // Staff list an application waiting for an answer under its (perhaps new) name and country.
  if (saved?.status === 'info_requested') await announceChange(db, APPLICATIONS_TOPIC);
  return saved && { version: saved.version };
}

/**
 * Moves a draft (or an application with a question from staff) to submitted. Only one of two
 * simultaneous submissions gets the row back; the other sees it already submitted.
 */
export async function markSubmitted(
  db: Executor,
  id: string,
  change: {
    partner_id: string;
    signatory_user_id: string;
    signatory_name: string;
    signatory_title: string;
    applicant_answer: string | null;
  },
) {
  const submitted = await db
    .updateTable('applications')
    .set((eb) => ({
      ...change,
      status: 'submitted',
      submitted_at: new Date(),
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .where('status', 'in', EDITABLE_STATUSES)
    // The whole row: the submission's answer is made from it instead of reading it again.
    .returningAll()
    .executeTakeFirst();
  if (submitted) {
    await announceChange(db, APPLICATIONS_TOPIC);
    await announceChange(db, APPLICATION_VIEWS_TOPIC);
  }
  return submitted;
}

/**
 * The snapshot of a submission, numbered after the application's earlier ones in the same
 * statement (issue #15: one round trip less than reading the number first). The caller holds the
 * application's row lock (markSubmitted), so two submissions of one application never race here;
 * the unique (application_id, sequence) would refuse it if they did.
 */
export async function insertSubmission(
  db: Executor,
  row: {
    application_id: string;
    submitted_by: string;
    answers: ApplicationAnswers;
    findings: Finding[];
    agreement_id: string;
    signatory_name: string;
    signatory_title: string;
  },
) {
  return db
    .insertInto('application_submissions')
    .values({
      ...row,
      sequence: sql<number>`(SELECT coalesce(max(s.sequence), 0) + 1 FROM application_submissions s
        WHERE s.application_id = ${row.application_id})`,
      answers: JSON.stringify(row.answers),
      findings: JSON.stringify(row.findings),
    })
    .returning(['id', 'submitted_at', 'sequence'])
    .executeTakeFirstOrThrow();
}

export async function latestSubmission(db: Executor, applicationId: string) {
  return db
    .selectFrom('application_submissions')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('sequence', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** A submission's consent records, in one statement (in the order given). */
export async function insertConsents(
  db: Executor,
  rows: {
    application_id: string;
    submission_id: string;
    user_id: string;
    kind: 'icpa' | 'release_of_information' | 'signature_authority';
    agreement_id: string | null;
    text_version: string;
    text_hash: string;
    language: Language;
    ip: string | null;
    user_agent: string | null;
  }[],
) {
  await db.insertInto('consents').values(rows).execute();
}

export async function consentsOf(db: Executor, applicationId: string) {
  return db
    .selectFrom('consents')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('accepted_at')
    .execute();
}

export async function insertInvitation(
  db: Executor,
  row: { application_id: string; email: string; token_hash: string; invited_by: string; expires_at: Date },
) {
  await db.insertInto('signatory_invitations').values(row).execute();
}

/** An invitation that can still be used, with the application it is for and who sent it. */
export async function openInvitation(db: Executor, tokenHash: string) {
  return db
    .selectFrom('signatory_invitations as i')
    .innerJoin('applications as a', 'a.id', 'i.application_id')
    .innerJoin('users as u', 'u.id', 'i.invited_by')
    .select(['i.id', 'i.application_id', 'i.email', 'a.reference', 'a.legal_name', 'u.name as inviter_name'])
    .where('i.token_hash', '=', tokenHash)
    .where('i.accepted_at', 'is', null)
    .where('i.expires_at', '>', new Date())
    .executeTakeFirst();
}

/** Uses an invitation once (the conditional update is the guard). */
export async function acceptInvitation(db: Executor, invitationId: string, userId: string) {
  return db
    .updateTable('signatory_invitations')
    .set({ accepted_by: userId, accepted_at: new Date() })
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning(['application_id', 'email'])
    .executeTakeFirst();
}

export async function watchlistEntries(db: Executor) {
  return db.selectFrom('address_watchlist').select(['kind', 'name']).execute();
}

export async function distributorsByIds(db: Executor, ids: string[]) {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  return db
    .selectFrom('distributors as d')
    .select([
      'd.id',
      'd.legal_name',
      'd.hq_country',
      'd.status',
      sql<
        string[]
      >`coalesce((SELECT array_agg(t.country ORDER BY t.country) FROM distributor_territories t WHERE t.distributor_id = d.id), '{}')`.as(
        'territories',
      ),
    ])
    .where('d.id', 'in', valid)
    .execute();
}
