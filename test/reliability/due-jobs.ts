import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/platform/db.ts';

const DAY_MS = 86_400_000;

export const personEmail = (i: number) => `person-${i}@jobs.example`;
export const adminEmail = (i: number) => `admin-${i}@jobs.example`;

/**
 * Scheduled work due now, for #16.3: `reminders` open training assignments due in five days
 * (each owed the 7-day reminder, REG-10), one per key person (personEmail(i)); `notices`
 * registered partners whose term ends in 45 days (each owed the 60-day renewal notice, issue
 * #12), each with one administrator (adminEmail(i)) and a confirmed distributor account, so
 * no restriction notice is due. Every job queues exactly one email to its own address.
 * Written in one transaction, so that processes find all of it in the same pass.
 */
export async function seedDueJobs(db: Db, counts: { reminders: number; notices: number }): Promise<void> {
  const now = Date.now();
  const partners = Array.from({ length: counts.notices }, (_, i) => ({
    id: randomUUID(),
    admin: randomUUID(),
    name: `Jobs Partner ${i} Ltd`,
    i,
  }));
  const people = Array.from({ length: counts.reminders }, (_, i) => ({
    id: randomUUID(),
    partner: partners[i % partners.length]!.id,
    i,
  }));
  const inChunks = async <T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) => {
    for (let i = 0; i < rows.length; i += 1000) await insert(rows.slice(i, i + 1000));
  };
  await db.transaction().execute(async (trx) => {
    const distributor = await trx
      .insertInto('organisations')
      .values({ kind: 'distributor', name: 'Jobs Distribution' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: distributorId } = await trx
      .insertInto('distributors')
      .values({
        organisation_id: distributor.id,
        code: 'D-JOBS',
        legal_name: 'Jobs Distribution',
        hq_country: 'GB',
        website: 'https://distributor.example',
        phone: '+44 20 7946 0000',
        email: 'sales@distributor.example',
        accepts_new_resellers: true,
        status: 'active',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await inChunks(partners, (chunk) =>
      trx
        .insertInto('organisations')
        .values(chunk.map((p) => ({ id: p.id, kind: 'partner' as const, name: p.name })))
        .execute(),
    );
    await inChunks(partners, (chunk) =>
      trx
        .insertInto('partners')
        .values(
          chunk.map((p) => ({
            organisation_id: p.id,
            legal_name: p.name,
            country: 'GB',
            status: 'registered' as const,
            registered_at: new Date(now - 300 * DAY_MS),
            initial_distributor_id: distributorId,
            distributor_info_reviewed_at: new Date(now),
            renewal_due_at: new Date(now + 45 * DAY_MS),
            contact_name: 'Pat Contact',
            contact_email: `contact-${p.i}@jobs.example`,
            contact_phone: '+44 20 7946 0000',
          })),
        )
        .execute(),
    );
    await inChunks(partners, (chunk) =>
      trx
        .insertInto('account_claims')
        .values(
          chunk.map((p) => ({
            partner_id: p.id,
            distributor_id: distributorId,
            account_number: `JOBS-${p.i}`,
            status: 'confirmed' as const,
            decided_at: new Date(now),
            decision_source: 'distributor' as const,
          })),
        )
        .execute(),
    );
    await inChunks(partners, (chunk) =>
      trx
        .insertInto('users')
        .values(
          chunk.map((p) => ({
            id: p.admin,
            email: adminEmail(p.i),
            name: `Admin ${p.i}`,
            password_hash: 'not-a-real-hash',
            language: 'en',
            email_verified_at: new Date(now),
          })),
        )
        .execute(),
    );
    await inChunks(partners, (chunk) =>
      trx
        .insertInto('user_roles')
        .values(
          chunk.map((p) => ({
            user_id: p.admin,
            role: 'partner_admin' as const,
            organisation_id: p.id,
            granted_by: null,
          })),
        )
        .execute(),
    );
    await inChunks(people, (chunk) =>
      trx
        .insertInto('key_personnel')
        .values(
          chunk.map((k) => ({
            id: k.id,
            partner_id: k.partner,
            name: `Person ${k.i}`,
            email: personEmail(k.i),
            role: null,
            added_at: new Date(now - 30 * DAY_MS),
          })),
        )
        .execute(),
    );
    await inChunks(people, (chunk) =>
      trx
        .insertInto('training_assignments')
        .values(
          chunk.map((k) => ({
            partner_id: k.partner,
            key_person_id: k.id,
            person_name: `Person ${k.i}`,
            person_email: personEmail(k.i),
            due_at: new Date(now + 5 * DAY_MS),
          })),
        )
        .execute(),
    );
  });
}
