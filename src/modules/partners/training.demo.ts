import type { Trx } from '../../platform/db.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import * as partners from './partners.repository.ts';
import * as repo from './training.repository.ts';

const DAY_MS = 86_400_000;
/** A one-page PDF, so that the demo's awaiting record has a certificate to download. */
const DEMO_CERTIFICATE = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

type DemoState = 'verified' | 'due_soon' | 'awaiting' | 'assigned' | 'overdue' | 'rejected';
const PEOPLE: { name: string; email: string; role: string; state: DemoState }[][] = [
  [
    { name: 'Klara Kranich', email: 'klara@kranich-systemhaus.example', role: 'Managing director', state: 'verified' },
    {
      name: 'Jonas Weber',
      email: 'jonas.weber@kranich-systemhaus.example',
      role: 'Account manager',
      state: 'due_soon',
    },
  ],
  [
    { name: 'Anton Alpenblick', email: 'anton@alpenblick-it.example', role: 'Managing director', state: 'awaiting' },
    { name: 'Lena Huber', email: 'lena.huber@alpenblick-it.example', role: 'Sales engineer', state: 'assigned' },
  ],
  [
    { name: 'Zoe Zürcher', email: 'zoe@zuerich-netzwerk.example', role: 'Sales director', state: 'overdue' },
    {
      name: 'Marco Keller',
      email: 'marco.keller@zuerich-netzwerk.example',
      role: 'Account manager',
      state: 'rejected',
    },
  ],
];

/**
 * REG-10 demo data: the vendor's course in four languages and a third-party course, and key
 * personnel of the demo registered partners in every state (verified, due soon, awaiting
 * verification, assigned, overdue for 45 days so the partner is flagged, rejected with a reason).
 */
export async function seedTrainingDemo(trx: Trx, now = new Date()): Promise<void> {
  const day = (n: number) => new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + n * DAY_MS);
  const vendorCourse = await repo.insertCourse(trx, {
    name: 'Northwind anticorruption and FCPA essentials',
    provider: 'vendor',
    languages: ['en', 'es', 'fr', 'ja'],
    link: 'https://learning.northwind.example/fcpa',
    validity_months: 12,
  });
  await repo.insertCourse(trx, {
    name: 'TRACE anti-bribery e-learning',
    provider: 'third_party',
    languages: ['en', 'fr'],
    link: 'https://www.trace.example/anti-bribery',
    validity_months: 24,
  });
  // Each group belongs to the demo partner whose contact shares its email domain.
  const domain = (email: string | null) => email?.split('@')[1] ?? '';
  const registered = await partners.partnersByStatus(trx, 'registered');
  for (const [i, group] of PEOPLE.entries()) {
    const partner = registered.find((r) => domain(r.contact_email) === domain(group[0]!.email));
    if (!partner) continue;
    for (const p of group) {
      const due = {
        verified: day(200),
        due_soon: day(20),
        awaiting: day(40),
        assigned: day(150),
        overdue: day(-45),
        rejected: day(60),
      }[p.state];
      const person = await repo.insertKeyPerson(trx, {
        partner_id: partner.organisation_id,
        name: p.name,
        email: p.email,
        role: p.role,
        added_at: day(-300),
      });
      const assignment = (await repo.insertAssignment(trx, {
        partner_id: partner.organisation_id,
        key_person_id: person.id,
        person_name: p.name,
        person_email: p.email,
        person_role: p.role,
        due_at: due,
      }))!;
      if (p.state === 'verified' || p.state === 'awaiting' || p.state === 'rejected') {
        const completedAt = day(p.state === 'verified' ? -60 : -5);
        await repo.insertCompletion(trx, {
          assignment_id: assignment.id,
          course_id: vendorCourse.id,
          course_name: vendorCourse.name,
          provider: 'vendor',
          completed_at: completedAt,
          certificate_number: `NW-FCPA-${1000 + i * 10 + group.indexOf(p)}`,
          certificate: p.state === 'awaiting' ? DEMO_CERTIFICATE : null,
          certificate_type: p.state === 'awaiting' ? 'application/pdf' : null,
          certificate_name: p.state === 'awaiting' ? 'certificate.pdf' : null,
          status: p.state === 'verified' ? 'verified' : p.state === 'rejected' ? 'rejected' : 'submitted',
          review_reason:
            p.state === 'rejected'
              ? 'The certificate number does not match our course records; please upload the certificate.'
              : null,
          reviewed_at: p.state === 'awaiting' ? null : day(-2),
          recorded_at: day(-4),
        });
        if (p.state !== 'rejected') await repo.setAssignmentCompleted(trx, assignment.id, completedAt);
      }
    }
    await recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      action: 'demo.training_seeded',
      subject: { type: 'partner', id: partner.organisation_id },
      organisationId: partner.organisation_id,
      data: { people: group.length },
    });
  }
}
