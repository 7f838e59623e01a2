import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createPartner, createStaffAdmin, createUser, testMeta } from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import { requestAdministrator, decideAdminRequest, sendAdministratorReminders } from './administrators.service.ts';
import { createContract, saveContractType, setPartnerSettings, updateContract } from './contracts.service.ts';
import { confirmRegistration, startRegistration, submitDetails, verifyRegistrationKey } from './end-users.service.ts';
import {
  decideToolRequest,
  endLapsedEntitlements,
  myAccess,
  reconfirmCustomer,
  requestTool,
  setToolAccess,
  sponsoredUsers,
  revokeAccess,
} from './entitlements.service.ts';
import {
  getSponsorship,
  listSponsorships,
  reissueKey,
  revokeSponsorship,
  sponsorCustomer,
} from './sponsorships.service.ts';

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);

let t: TestApp;
let staff: Actor;
let seq = 0;

/** An eligible partner (qualifying contract, agreement, own brand) with a PICA administrator. */
async function picaPartner(endsInDays = 200) {
  seq += 1;
  const partner = await createPartner(t.ctx, { country: 'DE' });
  const contract = await createContract(
    t.ctx,
    staff,
    {
      number: `SC-${seq}-${Date.now() % 100000}`,
      partnerId: partner.id,
      typeCode: 'PICA',
      startsOn: iso(new Date(Date.now() - 30 * DAY)),
      endsOn: iso(new Date(Date.now() + endsInDays * DAY)),
    },
    testMeta,
  );
  await setPartnerSettings(
    t.ctx,
    staff,
    partner.id,
    { ownBrandSupport: true, agreementSignedOn: '2026-01-01' },
    testMeta,
  );
  const admin = await createUser(t.ctx, [
    { role: 'pica_admin', organisationId: partner.id },
    { role: 'partner_member', organisationId: partner.id },
  ]);
  return { partner, contract, admin };
}

const sponsor = (admin: Actor, contractNumber: string, over: Partial<Parameters<typeof sponsorCustomer>[2]> = {}) =>
  sponsorCustomer(
    t.ctx,
    admin,
    {
      customerName: 'Fabrikam Ltd',
      country: 'ES',
      emailDomains: 'fabrikam.example',
      purchaseReference: 'PO-7',
      attestPurchase: true,
      contractNumber,
      ...over,
    },
    testMeta,
  );

async function registerEndUser(
  number: string,
  key: string,
  email = `ana-${seq}-${Math.random().toString(36).slice(2, 8)}@fabrikam.example`,
) {
  const { draft } = await startRegistration(
    t.ctx,
    null,
    {
      you: { name: 'Ana García', email, password: 'correct horse battery', language: 'es' },
      accessType: 'pica_customer',
      registrationNumber: number,
      verificationKey: key,
    },
    testMeta,
  );
  await submitDetails(t.ctx, draft, { jobTitle: 'Network engineer', attestEmployment: false }, testMeta);
  const message = await t.ctx.db
    .selectFrom('outbox')
    .select('text_body')
    .where('recipient', '=', email)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const token = /token=([\w-]+)/.exec(message.text_body)![1]!;
  await confirmRegistration(t.ctx, token, testMeta);
  const user = await t.ctx.db
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  const grants = await t.ctx.db
    .selectFrom('user_roles')
    .select(['role', 'organisation_id'])
    .where('user_id', '=', user.id)
    .execute();
  return {
    userId: user.id,
    email,
    name: user.name,
    language: 'es' as const,
    emailVerified: true,
    grants: grants.map((g) => ({ role: g.role as 'end_user', organisationId: g.organisation_id })),
  } satisfies Actor;
}

beforeAll(async () => {
  t = await createTestApp();
  staff = await createStaffAdmin(t.ctx);
  await saveContractType(
    t.ctx,
    staff,
    {
      code: 'PICA',
      name: 'Partner support with PICA',
      qualifiesPica: true,
      entitlements: ['software_downloads', 'support_cases', 'bug_search'],
    },
    testMeta,
  );
}, 60_000);
afterAll(() => t.close());

describe('PICA-4 administrator registration', () => {
  it('PICA-4: refuses wrong, foreign and inactive numbers one by one and points out omitted ones; approval grants the role and emails from the help mailbox', async () => {
    const { partner, contract } = await picaPartner();
    const other = await picaPartner();
    const applicant = await createUser(t.ctx, [{ role: 'partner_member', organisationId: partner.id }]);
    const refused = await requestAdministrator(
      t.ctx,
      applicant,
      { partnerId: partner.id, contractNumbers: `${other.contract.number}\nSC-NOPE`, jobTitle: 'Support lead' },
      testMeta,
    ).catch((e: unknown) => e);
    const rules = (refused as { violations: { rule: string; params?: Record<string, unknown> }[] }).violations.map(
      (v) => `${v.rule}:${String(v.params?.number ?? v.params?.numbers)}`,
    );
    expect(rules).toEqual([
      `contract_other_company:${other.contract.number}`,
      'contract_unknown:SC-NOPE',
      `contract_omitted:${contract.number}`,
    ]);

    const request = await requestAdministrator(
      t.ctx,
      applicant,
      { partnerId: partner.id, contractNumbers: contract.number, jobTitle: 'Support lead' },
      testMeta,
    );
    await decideAdminRequest(t.ctx, staff, request.id, { decision: 'approve' }, testMeta);
    const roles = await t.ctx.db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', applicant.userId)
      .where('organisation_id', '=', partner.id)
      .execute();
    expect(roles.map((r) => r.role)).toContain('pica_admin');
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select(['sender', 'subject'])
      .where('recipient', '=', applicant.email)
      .executeTakeFirstOrThrow();
    expect(mail.sender).toBe(t.ctx.config.helpMailbox);
    await expect(
      decideAdminRequest(t.ctx, staff, request.id, { decision: 'decline', internalReason: 'late' }, testMeta),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('PICA-2: an eligible partner without an administrator is reminded once a month, even by two runs at once', async () => {
    const partner = await createPartner(t.ctx, { country: 'FR' });
    await createContract(
      t.ctx,
      staff,
      {
        number: `SC-R-${Date.now() % 100000}`,
        partnerId: partner.id,
        typeCode: 'PICA',
        startsOn: '2026-01-01',
        endsOn: iso(new Date(Date.now() + 100 * DAY)),
      },
      testMeta,
    );
    await setPartnerSettings(
      t.ctx,
      staff,
      partner.id,
      { ownBrandSupport: true, agreementSignedOn: '2026-01-01' },
      testMeta,
    );
    const boss = await createUser(t.ctx, [{ role: 'partner_admin', organisationId: partner.id }]);
    await Promise.all([sendAdministratorReminders(t.ctx), sendAdministratorReminders(t.ctx)]);
    await sendAdministratorReminders(t.ctx);
    const mails = await t.ctx.db.selectFrom('outbox').select('id').where('recipient', '=', boss.email).execute();
    expect(mails).toHaveLength(1);
  });
});

describe('PICA-5 sponsorships', () => {
  it('PICA-5: no table holds a verification key in clear (every text column of every table scanned)', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const reissued = await reissueKey(t.ctx, admin, issued.sponsorship.id, {}, testMeta);
    const columns = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'character')`.execute(
      t.ctx.db,
    );
    expect(columns.rows.length).toBeGreaterThan(20);
    for (const key of [issued.verificationKey, reissued.verificationKey]) {
      const bare = key.replace(/-/g, '');
      for (const { table_name, column_name } of columns.rows) {
        const hits = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM ${sql.table(table_name)} WHERE ${sql.ref(column_name)}::text LIKE ${`%${key}%`} OR replace(${sql.ref(column_name)}::text, '-', '') LIKE ${`%${bare}%`}`.execute(
          t.ctx.db,
        );
        expect(hits.rows[0]!.n, `${table_name}.${column_name}`).toBe(0);
      }
    }
  });

  it('PICA-5: the expiry is capped at the end of the linked contract', async () => {
    const { admin, contract } = await picaPartner(10);
    const issued = await sponsor(admin, contract.number, { validDays: 365 });
    expect(issued.expiryCapped).toBe(true);
    expect(issued.sponsorship.expiresAt.getTime()).toBe(contract.endsOn.getTime() + DAY);
    await expect(sponsor(admin, contract.number, { validDays: 400 })).rejects.toMatchObject({
      violations: [{ field: 'valid_days', rule: 'between' }],
    });
  });

  it('PICA-5: revocation stops the number at once; a reissued key replaces the old one at once', async () => {
    const { admin, contract } = await picaPartner();
    const first = await sponsor(admin, contract.number);
    const number = first.sponsorship.registrationNumber;
    await expect(
      verifyRegistrationKey(
        t.ctx,
        { registrationNumber: number, verificationKey: first.verificationKey },
        { ip: '10.0.0.1', userAgent: null },
      ),
    ).resolves.toMatchObject({ customerName: 'Fabrikam Ltd' });
    const second = await reissueKey(t.ctx, admin, first.sponsorship.id, {}, testMeta);
    await expect(
      verifyRegistrationKey(
        t.ctx,
        { registrationNumber: number, verificationKey: first.verificationKey },
        { ip: '10.0.0.2', userAgent: null },
      ),
    ).rejects.toMatchObject({ code: 'registration_invalid' });
    await expect(
      verifyRegistrationKey(
        t.ctx,
        { registrationNumber: number, verificationKey: second.verificationKey.toLowerCase() },
        { ip: '10.0.0.2', userAgent: null },
      ),
    ).resolves.toBeTruthy();
    await revokeSponsorship(t.ctx, admin, first.sponsorship.id, testMeta);
    await expect(
      verifyRegistrationKey(
        t.ctx,
        { registrationNumber: number, verificationKey: second.verificationKey },
        { ip: '10.0.0.3', userAgent: null },
      ),
    ).rejects.toMatchObject({ code: 'registration_unavailable' });
    await expect(reissueKey(t.ctx, admin, first.sponsorship.id, {}, testMeta)).rejects.toMatchObject({ status: 409 });
  });

  it('PICA-5: an expired sponsorship never blocks issuing a new key', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    await t.ctx.db
      .updateTable('pica_sponsorships')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', issued.sponsorship.id)
      .execute();
    expect((await getSponsorship(t.ctx, admin, issued.sponsorship.id)).state).toBe('expired');
    const again = await reissueKey(t.ctx, admin, issued.sponsorship.id, {}, testMeta);
    expect(again.sponsorship.state).toBe('pending');
    expect((await sponsor(admin, contract.number)).sponsorship.state).toBe('pending');
  });

  it("PICA-5: one partner's administrator can neither see nor act on another partner's sponsorships (404)", async () => {
    const a = await picaPartner();
    const b = await picaPartner();
    const issued = await sponsor(a.admin, a.contract.number);
    expect((await listSponsorships(t.ctx, b.admin)).map((s) => s.id)).not.toContain(issued.sponsorship.id);
    await expect(getSponsorship(t.ctx, b.admin, issued.sponsorship.id)).rejects.toMatchObject({ status: 404 });
    await expect(revokeSponsorship(t.ctx, b.admin, issued.sponsorship.id, testMeta)).rejects.toMatchObject({
      status: 404,
    });
    await expect(reissueKey(t.ctx, b.admin, issued.sponsorship.id, {}, testMeta)).rejects.toMatchObject({
      status: 404,
    });
    await expect(listSponsorships(t.ctx, b.admin, a.partner.id)).rejects.toMatchObject({ status: 404 });
    const user = await registerEndUser(issued.sponsorship.registrationNumber, issued.verificationKey);
    const [access] = await myAccess(t.ctx, user);
    await expect(revokeAccess(t.ctx, b.admin, { accessId: access!.id }, testMeta)).rejects.toMatchObject({
      status: 404,
    });
    expect(await sponsoredUsers(t.ctx, b.admin)).toHaveLength(0);
  });
});

describe('PICA-6 guessing', () => {
  it('PICA-6: a wrong number or key gets one answer; five misses lock the number for 15 minutes, even for the right key; every failure is audited', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const number = issued.sponsorship.registrationNumber;
    const wrongKey = await verifyRegistrationKey(
      t.ctx,
      { registrationNumber: number, verificationKey: 'AAAA-BBBB-CCCC-DDDD-EEEE' },
      { ip: '10.1.0.1', userAgent: null },
    ).catch((e: unknown) => e as Error);
    const wrongNumber = await verifyRegistrationKey(
      t.ctx,
      { registrationNumber: '1234 5678 9012', verificationKey: issued.verificationKey },
      { ip: '10.1.0.2', userAgent: null },
    ).catch((e: unknown) => e as Error);
    expect(wrongKey).toMatchObject({ code: 'registration_invalid' });
    expect(wrongNumber).toMatchObject({ code: 'registration_invalid', message: (wrongKey as Error).message });
    for (let i = 0; i < 4; i += 1)
      await verifyRegistrationKey(
        t.ctx,
        { registrationNumber: number, verificationKey: `WRONG-${i}` },
        { ip: `10.1.1.${i}`, userAgent: null },
      ).catch(() => undefined);
    await expect(
      verifyRegistrationKey(
        t.ctx,
        { registrationNumber: number, verificationKey: issued.verificationKey },
        { ip: '10.1.2.1', userAgent: null },
      ),
    ).rejects.toMatchObject({ code: 'registration_locked', status: 429, params: { minutes: 15 } });
    const later = new Date(Date.now() + 16 * 60_000);
    await expect(
      verifyRegistrationKey(
        t.ctx,
        { registrationNumber: number, verificationKey: issued.verificationKey },
        { ip: '10.1.2.1', userAgent: null },
        later,
      ),
    ).resolves.toBeTruthy();
    const audited = await t.ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'pica.registration_key_failed')
      .where('subject_id', '=', number.replace(/ /g, ''))
      .execute();
    expect(audited).toHaveLength(5);
  });

  it('PICA-6: guesses from one address are throttled across numbers', async () => {
    const ip = { ip: '10.9.9.9', userAgent: null };
    for (let i = 0; i < 20; i += 1)
      await verifyRegistrationKey(
        t.ctx,
        { registrationNumber: `0000 0000 ${String(1000 + i)}`, verificationKey: 'X' },
        ip,
      ).catch(() => undefined);
    await expect(
      verifyRegistrationKey(t.ctx, { registrationNumber: '0000 0000 0000', verificationKey: 'X' }, ip),
    ).rejects.toMatchObject({ code: 'registration_locked' });
  });
});

describe('PICA-8 entitlements', () => {
  it('PICA-8: the end user sees the sponsorship entitlements and turns a tool off', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const user = await registerEndUser(issued.sponsorship.registrationNumber, issued.verificationKey);
    const [access] = await myAccess(t.ctx, user);
    expect(access!.tools.map((x) => x.tool)).toEqual(['bug_search', 'software_downloads', 'support_cases']);
    const changed = await setToolAccess(t.ctx, user, access!.id, 'bug_search', false, testMeta);
    expect(changed.tools.find((x) => x.tool === 'bug_search')!.enabled).toBe(false);
    expect((await sponsoredUsers(t.ctx, admin))[0]!.userEmail).toBe(user.email);
  });

  it('PICA-8: when the contract ends, its entitlements end exactly once, even with two job runs at once, and the user is told in their language', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const user = await registerEndUser(issued.sponsorship.registrationNumber, issued.verificationKey);
    await updateContract(
      t.ctx,
      staff,
      contract.id,
      {
        number: contract.number,
        partnerId: contract.partnerId,
        typeCode: 'PICA',
        startsOn: iso(contract.startsOn),
        endsOn: iso(new Date(Date.now() - 2 * DAY)),
      },
      contract.version,
      testMeta,
    );
    const runs = await Promise.all([endLapsedEntitlements(t.ctx), endLapsedEntitlements(t.ctx)]);
    expect(runs.reduce((n, r) => n + r.ended, 0)).toBeGreaterThanOrEqual(1);
    const [access] = await myAccess(t.ctx, user);
    expect(access).toMatchObject({ status: 'ended', endReason: 'contract_ended' });
    const mails = await t.ctx.db
      .selectFrom('outbox')
      .select(['language', 'template'])
      .where('recipient', '=', user.email)
      .where('template', '=', 'pica.email.access_ended')
      .execute();
    expect(mails).toEqual([{ language: 'es', template: 'pica.email.access_ended' }]);
  });

  it('PICA-8: when the partner loses PICA eligibility, the entitlements it sponsored end', async () => {
    const { partner, admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const user = await registerEndUser(issued.sponsorship.registrationNumber, issued.verificationKey);
    await setPartnerSettings(
      t.ctx,
      staff,
      partner.id,
      { ownBrandSupport: false, agreementSignedOn: '2026-01-01' },
      testMeta,
    );
    await endLapsedEntitlements(t.ctx);
    expect((await myAccess(t.ctx, user))[0]).toMatchObject({ status: 'ended', endReason: 'partner_ineligible' });
    await expect(sponsor(admin, contract.number)).rejects.toMatchObject({
      code: 'pica_not_eligible',
      params: { gaps: 'no_own_brand_support' },
    });
  });

  it('PICA-8: the end user asks for a tool the sponsorship lacks; the administrator grants it and the user is told', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const user = await registerEndUser(issued.sponsorship.registrationNumber, issued.verificationKey);
    const [access] = await myAccess(t.ctx, user);
    expect(access!.requestable).toEqual(['documentation']);
    const asked = await requestTool(t.ctx, user, access!.id, { tool: 'documentation' }, testMeta);
    await expect(requestTool(t.ctx, user, access!.id, { tool: 'documentation' }, testMeta)).rejects.toMatchObject({
      status: 409,
    });
    await decideToolRequest(t.ctx, admin, asked.requests[0]!.id, 'grant', testMeta);
    const [after] = await myAccess(t.ctx, user);
    expect(after!.tools.map((x) => x.tool)).toContain('documentation');
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select(['subject'])
      .where('recipient', '=', user.email)
      .where('template', '=', 'pica.email.tool_granted')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Acceso concedido: Documentación');
  });

  it('PICA-8: access of a customer not re-confirmed within a year is suspended with notice, and resumes on re-confirmation', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const user = await registerEndUser(issued.sponsorship.registrationNumber, issued.verificationKey);
    await t.ctx.db
      .updateTable('pica_customers')
      .set({ last_confirmed_at: new Date(Date.now() - 366 * DAY) })
      .where('id', '=', issued.sponsorship.customer.id)
      .execute();
    const run = await endLapsedEntitlements(t.ctx);
    expect(run.suspended).toBeGreaterThanOrEqual(1);
    expect((await myAccess(t.ctx, user))[0]).toMatchObject({ status: 'suspended', endReason: 'not_reconfirmed' });
    await reconfirmCustomer(t.ctx, admin, issued.sponsorship.customer.id, testMeta);
    expect((await myAccess(t.ctx, user))[0]!.status).toBe('active');
  });
});

describe('PICA-7 end users', () => {
  it('PICA-7: a signed-in person adds the access to their existing account instead of creating a second one', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const existing = await createUser(t.ctx, [], `existing-${Date.now()}@fabrikam.example`);
    const { draft } = await startRegistration(
      t.ctx,
      existing,
      {
        you: { name: '', email: '', password: '', language: 'en' },
        accessType: 'pica_customer',
        registrationNumber: issued.sponsorship.registrationNumber,
        verificationKey: issued.verificationKey,
      },
      testMeta,
    );
    await submitDetails(t.ctx, draft, { jobTitle: 'Buyer', attestEmployment: false }, testMeta);
    const message = await t.ctx.db
      .selectFrom('outbox')
      .select('text_body')
      .where('recipient', '=', existing.email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const result = await confirmRegistration(t.ctx, /token=([\w-]+)/.exec(message.text_body)![1]!, testMeta);
    expect(result).toEqual({ email: existing.email, newAccount: false });
    const accounts = await t.ctx.db.selectFrom('users').select('id').where('email', '=', existing.email).execute();
    expect(accounts).toHaveLength(1);
    expect(await myAccess(t.ctx, existing)).toHaveLength(1);
  });

  it('PICA-7: an address outside the customer domains needs an attestation, which the administrator sees flagged', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const email = `contractor-${Date.now()}@elsewhere.example`;
    const { draft } = await startRegistration(
      t.ctx,
      null,
      {
        you: { name: 'Cai Contractor', email, password: 'correct horse battery', language: 'fr' },
        accessType: 'pica_customer',
        registrationNumber: issued.sponsorship.registrationNumber,
        verificationKey: issued.verificationKey,
      },
      testMeta,
    );
    await expect(
      submitDetails(t.ctx, draft, { jobTitle: 'Consultant', attestEmployment: false }, testMeta),
    ).rejects.toMatchObject({ violations: [{ field: 'attest_employment', rule: 'attestation_required' }] });
    await submitDetails(t.ctx, draft, { jobTitle: 'Consultant', attestEmployment: true }, testMeta);
    const message = await t.ctx.db
      .selectFrom('outbox')
      .select('text_body')
      .where('recipient', '=', email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    await confirmRegistration(t.ctx, /token=([\w-]+)/.exec(message.text_body)![1]!, testMeta);
    const [seen] = await sponsoredUsers(t.ctx, admin);
    expect(seen).toMatchObject({ userEmail: email, employmentAttested: true });
    expect((await getSponsorship(t.ctx, admin, issued.sponsorship.id)).registrations).toEqual([
      expect.objectContaining({ email, employmentAttested: true }),
    ]);
  });

  it('PICA-6, PICA-7: a one-request registration (the API) whose details are refused writes nothing', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const email = `one-go-${Date.now()}@elsewhere.example`;
    const registrations = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pica_registrations`.execute(t.ctx.db)).rows[0]!.n;
    const audits = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(t.ctx.db)).rows[0]!.n;
    const [before, auditsBefore] = [await registrations(), await audits()];
    await expect(
      startRegistration(
        t.ctx,
        null,
        {
          you: { name: 'Oli One-Go', email, password: 'correct horse battery', language: 'en' },
          accessType: 'pica_customer',
          registrationNumber: issued.sponsorship.registrationNumber,
          verificationKey: issued.verificationKey,
        },
        testMeta,
        { jobTitle: 'x'.repeat(121), attestEmployment: false },
      ),
    ).rejects.toMatchObject({
      violations: [
        { field: 'job_title', rule: 'too_long' },
        { field: 'attest_employment', rule: 'attestation_required' },
      ],
    });
    expect(await registrations()).toBe(before);
    expect(await audits()).toBe(auditsBefore);
  });

  it('PICA-6: the link is single use and expires after 24 hours', async () => {
    const { admin, contract } = await picaPartner();
    const issued = await sponsor(admin, contract.number);
    const email = `late-${Date.now()}@fabrikam.example`;
    const { draft } = await startRegistration(
      t.ctx,
      null,
      {
        you: { name: 'Lea Late', email, password: 'correct horse battery', language: 'ja' },
        accessType: 'pica_customer',
        registrationNumber: issued.sponsorship.registrationNumber,
        verificationKey: issued.verificationKey,
      },
      testMeta,
    );
    await submitDetails(t.ctx, draft, { jobTitle: 'Analyst', attestEmployment: false }, testMeta);
    const message = await t.ctx.db
      .selectFrom('outbox')
      .select(['text_body', 'language'])
      .where('recipient', '=', email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(message.language).toBe('ja');
    const token = /token=([\w-]+)/.exec(message.text_body)![1]!;
    await expect(
      confirmRegistration(t.ctx, token, testMeta, new Date(Date.now() + 25 * 3600_000)),
    ).rejects.toMatchObject({ code: 'token_invalid' });
    await confirmRegistration(t.ctx, token, testMeta);
    await expect(confirmRegistration(t.ctx, token, testMeta)).rejects.toMatchObject({ code: 'token_invalid' });
  });
});
