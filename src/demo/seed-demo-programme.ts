import { randomBytes } from 'node:crypto';
import type { Trx } from '../platform/db.ts';
import { insertUser } from '../modules/accounts/index.ts';
import { recordAudit, SYSTEM_ACTOR } from '../modules/audit/index.ts';
import { claimAccount } from '../modules/distributors/index.ts';
import { createApplicantPartner, createRegisteredPartner } from '../modules/partners/index.ts';
import type { ApplicationAnswers } from '../modules/registration/index.ts';

/**
 * Issue #17 item 1: the parts of the demo programme that fill the staff queue, dashboard and funnel
 * (an application in every status) and the renewal views (a term lapsed, one due within 60 days).
 * Written inside seedDemo's transaction; src/demo may query directly (demo data only).
 */

type DemoApplicationStatus = 'draft' | 'submitted' | 'info_requested' | 'approved' | 'declined';

/** Fictional resellers applying to the programme, one per application status. */
export const DEMO_APPLICATIONS: {
  status: DemoApplicationStatus;
  legalName: string;
  legalForm: string;
  country: string;
  domain: string;
  contact: string;
  phone: string;
}[] = [
  {
    status: 'draft',
    legalName: 'Fjordlys Data AS',
    legalForm: 'AS',
    country: 'NO',
    domain: 'fjordlys-data.example',
    contact: 'Ingrid Fjord',
    phone: '+47 21 55 50 10',
  },
  {
    status: 'submitted',
    legalName: 'Lumière Réseaux SARL',
    legalForm: 'SARL',
    country: 'FR',
    domain: 'lumiere-reseaux.example',
    contact: 'Luc Lumière',
    phone: '+33 4 55 50 02 00',
  },
  {
    status: 'submitted',
    legalName: 'Tulipa Systemen B.V.',
    legalForm: 'B.V.',
    country: 'NL',
    domain: 'tulipa-systemen.example',
    contact: 'Tessa Tulp',
    phone: '+31 30 555 0200',
  },
  {
    status: 'info_requested',
    legalName: 'Soluciones Meseta S.L.',
    legalForm: 'S.L.',
    country: 'ES',
    domain: 'soluciones-meseta.example',
    contact: 'Marta Meseta',
    phone: '+34 983 555 020',
  },
  {
    status: 'approved',
    legalName: 'Vesuvio Informatica S.r.l.',
    legalForm: 'S.r.l.',
    country: 'IT',
    domain: 'vesuvio-informatica.example',
    contact: 'Vera Vesuvio',
    phone: '+39 081 555 0200',
  },
  {
    status: 'declined',
    legalName: 'Quickbox Resale Ltd',
    legalForm: 'Ltd',
    country: 'GB',
    domain: 'quickbox-resale.example',
    contact: 'Quinn Box',
    phone: '+44 161 496 0200',
  },
];

const days = (n: number) => new Date(Date.now() + n * 86_400_000);

/** REG-12: applications in every status, each with its applicant, submission and decisions as the flow writes them. */
export async function seedDemoApplications(
  trx: Trx,
  input: { agreementId: string; distributorId: string; reviewerId: string; passwordHash: string },
): Promise<void> {
  for (const [i, a] of DEMO_APPLICATIONS.entries()) {
    const email = `${a.contact.split(' ')[0]!.toLowerCase()}@${a.domain}`;
    const user = await insertUser(trx, {
      email,
      name: a.contact,
      password_hash: input.passwordHash,
      language: a.country === 'FR' ? 'fr' : a.country === 'ES' ? 'es' : 'en',
      email_verified_at: new Date(),
    });
    const answers: ApplicationAnswers = {
      company: {
        legalName: a.legalName,
        legalForm: a.legalForm,
        country: a.country,
        website: `https://www.${a.domain}`,
        registrationNumber: `${a.country}-${String(480_000 + i * 1_379)}`,
      },
      contacts: { primary: { name: a.contact, email, phone: a.phone, title: 'Managing Director' } },
      added_value: { canDemonstrate: true, providesServices: true, servicesDescription: 'Installation and support' },
    };
    const submitted = a.status !== 'draft';
    const submittedAt = days(-(12 - i));
    const partnerId = !submitted
      ? null
      : await (a.status === 'approved' ? createRegisteredPartnerFor : createApplicantPartner)(trx, {
          legalName: a.legalName,
          country: a.country,
          initialDistributorId: input.distributorId,
          contact: { name: a.contact, email, phone: a.phone },
        });
    const reference = `APP-${new Date().getUTCFullYear()}-${randomBytes(4).toString('hex').toUpperCase()}`;
    const application = await trx
      .insertInto('applications')
      .values({
        reference,
        created_by: user.id,
        status: a.status,
        answers: JSON.stringify(answers),
        completed_steps: submitted ? ['company', 'contacts', 'added_value'] : ['company'],
        legal_name: a.legalName,
        country: a.country,
        partner_id: partnerId,
        signatory_user_id: submitted ? user.id : null,
        signatory_name: submitted ? a.contact : null,
        signatory_title: submitted ? 'Managing Director' : null,
        staff_question:
          a.status === 'info_requested' ? 'Please send the commercial register extract of your company.' : null,
        submitted_at: submitted ? submittedAt : null,
        decided_at: a.status === 'approved' || a.status === 'declined' ? days(-1) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('application_members')
      .values({ application_id: application.id, user_id: user.id, role: 'preparer' })
      .execute();
    const audit = (action: string, actor = { userId: user.id, label: email }) =>
      recordAudit(trx, {
        actor,
        action,
        subject: { type: 'application', id: application.id },
        organisationId: partnerId,
        data: { reference, source: 'demo' },
      });
    await audit('application.created');
    if (!submitted) continue;
    await trx
      .insertInto('application_submissions')
      .values({
        application_id: application.id,
        sequence: 1,
        submitted_by: user.id,
        submitted_at: submittedAt,
        answers: JSON.stringify(answers),
        findings: JSON.stringify([]),
        agreement_id: input.agreementId,
        signatory_name: a.contact,
        signatory_title: 'Managing Director',
      })
      .execute();
    await audit('application.submitted');
    if (a.status === 'submitted' || a.status === 'draft') continue;
    await trx
      .insertInto('application_decisions')
      .values({
        application_id: application.id,
        decision: a.status,
        internal_reason: a.status === 'declined' ? 'Online shop only; no demonstration or services offered.' : null,
        question: a.status === 'info_requested' ? 'Please send the commercial register extract of your company.' : null,
        decided_by: input.reviewerId,
      })
      .execute();
    await audit(`application.${a.status}`, { userId: input.reviewerId, label: 'reviewer@northwind.example' });
  }
}

async function createRegisteredPartnerFor(
  trx: Trx,
  input: Parameters<typeof createApplicantPartner>[1],
): Promise<string> {
  return createRegisteredPartner(trx, { ...input, registeredAt: days(-1), distributorInfoReviewedAt: days(-1) });
}

/**
 * REG-4, issue #12 item 6: registered partners with an annual renewal due within 60 days and one
 * whose term lapsed, both with a confirmed EuroDist account (they are on its account list).
 */
export const DEMO_RENEWALS = [
  { legalName: 'Bodensee Büro-IT GmbH', account: 'EDN-100004', renewalInDays: 35 },
  { legalName: 'Elbe Cloud Services GmbH', account: 'EDN-100005', renewalInDays: -20 },
] as const;

export async function seedDemoRenewals(
  trx: Trx,
  input: { agreementId: string; agreementEffectiveAt: Date; distributorId: string },
): Promise<void> {
  for (const r of DEMO_RENEWALS) {
    const registeredAt = days(r.renewalInDays - 365);
    const partnerId = await createRegisteredPartner(trx, {
      legalName: r.legalName,
      country: 'DE',
      initialDistributorId: input.distributorId,
      contact: { name: 'Office', email: `office@${r.account.toLowerCase()}.example`, phone: '+49 30 5550 9000' },
      registeredAt,
      distributorInfoReviewedAt: new Date(),
    });
    await trx
      .updateTable('partners')
      .set({
        agreement_id: input.agreementId,
        agreement_effective_at: input.agreementEffectiveAt,
        renewal_due_at: days(r.renewalInDays),
      })
      .where('organisation_id', '=', partnerId)
      .execute();
    await recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      action: 'demo.partner_created',
      subject: { type: 'partner', id: partnerId },
      organisationId: partnerId,
      data: { legalName: r.legalName, status: 'registered', renewalDueAt: days(r.renewalInDays).toISOString() },
    });
    await claimAccount(
      trx,
      { id: partnerId, country: 'DE' },
      { distributorId: input.distributorId, accountNumber: r.account },
      SYSTEM_ACTOR,
    );
  }
}
