import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  bearer,
  createDistributor,
  createPartner,
  createStaffAdmin,
  createUser,
  insertClaim,
  sessionFor,
  type DistributorFixture,
} from '../../../test/helpers/fixtures.ts';
import { verifyAuditChain } from '../audit/index.ts';
import { sql } from 'kysely';
import { announceChange, CHANNEL } from '../../platform/cache.ts';
import { listen } from '../../platform/db.ts';
import { ELIGIBILITY_TOPIC } from './access.ts';
import { announceNewPartner, claimAccount } from './claims.service.ts';
import { reviewDueAt } from './distributors.rules.ts';
import { purchaseEligibilityAt } from './eligibility.service.ts';

let t: TestApp;
let eurodist: DistributorFixture; // DE, authorised for AT and CH
let nordic: DistributorFixture; // SE, authorised for DK, FI, NO
let staffCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['AT', 'CH'], legalName: 'EuroDist GmbH' });
  nordic = await createDistributor(t.ctx, {
    hqCountry: 'SE',
    territories: ['DK', 'FI', 'NO'],
    legalName: 'Nordic Dist AB',
  });
  await createDistributor(t.ctx, { hqCountry: 'AT', legalName: 'Retired Alpine GmbH', status: 'retired' });
  staffCookie = await sessionFor(t.ctx, await createStaffAdmin(t.ctx));
});
afterAll(() => t.close());

const api = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  options: { key?: string; cookie?: string; payload?: unknown; csv?: string } = {},
) =>
  t.app.inject({
    method,
    url,
    headers: {
      ...(options.key ? bearer(options.key) : {}),
      ...(options.csv !== undefined ? { 'content-type': 'text/csv' } : {}),
    },
    cookies: options.cookie ? { pp_session: options.cookie } : {},
    payload: options.csv ?? (options.payload as never),
  });

describe('REG-5 Distributor Locator API', () => {
  it('REG-5: lists active distributors located in or authorised for the country, with contact details', async () => {
    const austria = (await api('GET', '/api/v1/distributors?country=at')).json();
    expect(austria.country).toBe('AT');
    expect(austria.distributors.map((d: { legalName: string }) => d.legalName)).toEqual(['EuroDist GmbH']);
    expect(austria.distributors[0]).toMatchObject({
      hqCountry: 'DE',
      countriesServed: ['AT', 'CH', 'DE'],
      phone: '+44 20 7946 0000',
    });
    expect(austria.distributors[0].email).toMatch(/@distributor\.example$/);
    const norway = (await api('GET', '/api/v1/distributors?country=NO')).json();
    expect(norway.distributors.map((d: { legalName: string }) => d.legalName)).toEqual(['Nordic Dist AB']);
  });

  it('REG-5: refuses an unknown country code, naming the field', async () => {
    const res = await api('GET', '/api/v1/distributors?country=XX');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.fields).toEqual([
      {
        field: 'country',
        rule: 'country_code',
        message: 'Country must be an ISO 3166 two-letter country code (got "XX").',
      },
    ]);
  });

  it('REG-5: sends an inquiry to the distributor through the outbox, and silently drops one that fills the honeypot', async () => {
    const message = {
      name: 'Ana Silva',
      email: 'ana@reseller.example',
      company: 'Silva IT',
      message: 'We want to open a reseller account with you.',
    };
    expect((await api('POST', `/api/v1/distributors/${nordic.id}/inquiries`, { payload: message })).statusCode).toBe(
      202,
    );
    expect(
      (
        await api('POST', `/api/v1/distributors/${nordic.id}/inquiries`, {
          payload: { ...message, name: 'Bot', website: 'http://spam.example' },
        })
      ).statusCode,
    ).toBe(202);
    const sent = await t.ctx.db
      .selectFrom('outbox')
      .select(['recipient', 'text_body'])
      .where('template', '=', 'inquiry')
      .execute();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text_body).toContain('We want to open a reseller account with you.');
    expect(sent[0]!.text_body).toContain('ana@reseller.example');
  });
});

describe('distributor directory (staff)', () => {
  it('creates a distributor, and answers a stale edit with 409 instead of overwriting', async () => {
    const created = await api('POST', '/api/v1/staff/distributors', {
      cookie: staffCookie,
      payload: {
        code: 'mx-01',
        legalName: 'Mexidist SA de CV',
        hqCountry: 'mx',
        territories: ['gt'],
        email: 'ventas@mexidist.example',
      },
    });
    expect(created.statusCode).toBe(201);
    const d = created.json();
    expect(d).toMatchObject({ code: 'MX-01', hqCountry: 'MX', territories: ['GT'], version: 1, status: 'active' });
    const body = { legalName: 'Mexidist S.A. de C.V.', hqCountry: 'MX', territories: ['GT', 'HN'], version: 1 };
    expect(
      (await api('PUT', `/api/v1/staff/distributors/${d.id}`, { cookie: staffCookie, payload: body })).json().version,
    ).toBe(2);
    const stale = await api('PUT', `/api/v1/staff/distributors/${d.id}`, {
      cookie: staffCookie,
      payload: { ...body, legalName: 'Lost update' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('stale_version');
    const duplicate = await api('POST', '/api/v1/staff/distributors', {
      cookie: staffCookie,
      payload: { code: 'MX-01', legalName: 'Other', hqCountry: 'MX', territories: [] },
    });
    expect(duplicate.statusCode).toBe(422);
    expect(duplicate.json().error.fields[0]).toMatchObject({ field: 'code', rule: 'distributor_code_taken' });
  });

  it('refuses the directory to anyone but programme staff', async () => {
    expect((await api('GET', '/api/v1/staff/distributors')).statusCode).toBe(401);
    expect(
      (await api('GET', '/api/v1/staff/distributors', { cookie: await sessionFor(t.ctx, eurodist.admin) })).statusCode,
    ).toBe(403);
    // Staff directory operations are session-only: a key is refused before it is looked up (decision 020).
    const keyed = await api('POST', '/api/v1/staff/distributors/import', {
      key: eurodist.apiKey,
      csv: 'code,legal_name,hq_country\n',
    });
    expect(keyed.statusCode).toBe(401);
    expect(keyed.json().error.code).toBe('api_key_not_accepted');
  });

  it('imports CSV row by row: reports bad rows by line and field, and a re-import updates instead of duplicating', async () => {
    const csv = [
      'code,legal_name,hq_country,territories,website,phone,email,accepts_new_resellers',
      'JP-01,Nihon Distribution KK,JP,,https://nihon.example,+81 3 1234 5678,sales@nihon.example,yes',
      'BAD 1,,XX,ZZ,ftp://x,,not-an-email,maybe',
      'AU-01,Southern Cross Pty,AU,NZ;FJ,,,,no',
    ].join('\n');
    const first = await api('POST', '/api/v1/staff/distributors/import', { cookie: staffCookie, csv });
    expect(first.statusCode).toBe(200);
    const report = first.json();
    expect(report).toMatchObject({ created: 2, updated: 0, rejected: 1 });
    expect(report.problems.map((p: { line: number; field: string }) => `${p.line}:${p.field}`)).toEqual([
      '3:code',
      '3:legal_name',
      '3:hq_country',
      '3:territories',
      '3:website',
      '3:email',
      '3:accepts_new_resellers',
    ]);
    const again = (
      await api('POST', '/api/v1/staff/distributors/import', {
        cookie: staffCookie,
        csv: csv.replace('Southern Cross Pty', 'Southern Cross Pty Ltd'),
      })
    ).json();
    expect(again).toMatchObject({ created: 0, updated: 1, unchanged: 1, rejected: 1 });
    const codes = await t.ctx.db.selectFrom('distributors').select('legal_name').where('code', '=', 'AU-01').execute();
    expect(codes).toEqual([{ legal_name: 'Southern Cross Pty Ltd' }]);
  });

  it('refuses an empty file and a file that is not the expected CSV', async () => {
    const empty = await api('POST', '/api/v1/staff/distributors/import', { cookie: staffCookie, csv: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('csv_empty');
    const wrong = await api('POST', '/api/v1/staff/distributors/import', {
      cookie: staffCookie,
      csv: 'hello world\nthis is not a directory\n',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('csv_columns');
    expect(wrong.json().error.message).toContain('missing column(s) code, legal_name, hq_country');
  });

  it('exports the directory in the import format', async () => {
    const res = await api('GET', '/api/v1/staff/distributors.csv', { cookie: staffCookie });
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe('code,legal_name,hq_country,territories,website,phone,email,accepts_new_resellers');
    expect(lines.some((l) => l.startsWith('AU-01,Southern Cross Pty Ltd,AU,FJ;NZ,'))).toBe(true);
  });
});

describe('REG-2 account claims and account lists', () => {
  it('REG-2: refuses a claim at a distributor that does not serve the country of registration', async () => {
    const partner = await createPartner(t.ctx, { country: 'FR', status: 'applicant' });
    await expect(
      t.ctx.db
        .transaction()
        .execute((trx) =>
          claimAccount(
            trx,
            { id: partner.id, country: 'FR' },
            { distributorId: nordic.id, accountNumber: 'N-1' },
            { userId: null, label: 'test' },
          ),
        ),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      violations: [
        {
          field: 'distributors.distributor',
          rule: 'distributor_not_in_territory',
          params: { distributor: 'Nordic Dist AB', country: 'FR' },
        },
      ],
    });
  });

  it('REG-2: uploads an account list (streamed), reports bad rows and duplicates once, and confirms matching pending claims', async () => {
    const partner = await createPartner(t.ctx, { country: 'AT', legalName: 'Alpen IT GmbH' });
    const pending = await t.ctx.db
      .transaction()
      .execute((trx) =>
        claimAccount(
          trx,
          { id: partner.id, country: 'AT' },
          { distributorId: eurodist.id, accountNumber: 'EU-100' },
          { userId: null, label: 'test' },
        ),
      );
    expect(pending.status).toBe('pending');
    const csv = [
      'account_number,reseller_name,country,status',
      'EU-100,Alpen IT,AT,active',
      'EU-101,,DE,',
      'bad number!,x,,',
      'EU-102,Closed Co,CH,closed',
      'EU-101,Again,DE,active',
      'EU-103,,QQ,',
    ].join('\n');
    const res = await api('POST', `/api/v1/distributor/${eurodist.id}/account-lists`, { key: eurodist.apiKey, csv });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({
      status: 'done',
      rowsRead: 6,
      rowsWritten: 3,
      rowsRejected: 2,
      duplicates: 1,
      claimsConfirmed: 1,
    });
    expect(report.problems).toEqual([
      { line: 0, field: 'account_number', message: 'EU-101 appears more than once in the file; the last row was kept' },
      {
        line: 4,
        field: 'account_number',
        message: 'Account number must be 1 to 64 letters, digits, . _ / or -, starting with a letter or digit.',
      },
      { line: 7, field: 'country', message: 'Country must be an ISO 3166 two-letter country code (got "QQ").' },
    ]);
    const claim = await t.ctx.db
      .selectFrom('account_claims')
      .select(['status', 'decision_source'])
      .where('id', '=', pending.id)
      .executeTakeFirstOrThrow();
    expect(claim).toEqual({ status: 'confirmed', decision_source: 'list' });
    // A later claim of a listed account is confirmed at once.
    const other = await createPartner(t.ctx, { country: 'DE', legalName: 'Again Ltd' });
    const instant = await t.ctx.db
      .transaction()
      .execute((trx) =>
        claimAccount(
          trx,
          { id: other.id, country: 'DE' },
          { distributorId: eurodist.id, accountNumber: 'EU-101' },
          { userId: null, label: 'test' },
        ),
      );
    expect(instant.status).toBe('confirmed');
    const status = (
      await api('GET', `/api/v1/distributor/${eurodist.id}/account-lists/${report.uploadId}`, { key: eurodist.apiKey })
    ).json();
    expect(status).toMatchObject({ status: 'done', rowsWritten: 3, duplicates: 1 });
  });

  it('REG-2: re-uploading updates rows instead of duplicating them', async () => {
    await api('POST', `/api/v1/distributor/${nordic.id}/account-lists`, {
      key: nordic.apiKey,
      csv: 'account_number\nN-1\nN-2\n',
    });
    const second = (
      await api('POST', `/api/v1/distributor/${nordic.id}/account-lists`, {
        key: nordic.apiKey,
        csv: 'account_number,status\nN-2,closed\nN-3,active\n',
      })
    ).json();
    expect(second).toMatchObject({ rowsWritten: 2, duplicates: 0 });
    const rows = await t.ctx.db
      .selectFrom('distributor_accounts')
      .select(['account_number', 'active'])
      .where('distributor_id', '=', nordic.id)
      .orderBy('account_number')
      .execute();
    expect(rows).toEqual([
      { account_number: 'N-1', active: true },
      { account_number: 'N-2', active: false },
      { account_number: 'N-3', active: true },
    ]);
  });

  it('REG-2: two distributor users deciding the same claim at once produce one decision and a 409', async () => {
    const partner = await createPartner(t.ctx, { country: 'SE' });
    const claimId = await insertClaim(t.ctx, partner.id, nordic.id, 'N-RACE');
    const second = await sessionFor(
      t.ctx,
      await createUser(t.ctx, [{ role: 'distributor_user', organisationId: nordic.organisationId }]),
    );
    const [a, b] = await Promise.all([
      api('POST', `/api/v1/distributor/${nordic.id}/claims/${claimId}/decision`, {
        key: nordic.apiKey,
        payload: { decision: 'confirm' },
      }),
      api('POST', `/api/v1/distributor/${nordic.id}/claims/${claimId}/decision`, {
        cookie: second,
        payload: { decision: 'reject', note: 'not ours' },
      }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error.code).toBe('claim_already_decided');
    const decisions = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', claimId)
      .execute();
    expect(decisions).toHaveLength(1);
  });
});

describe('REG-6 released information only', () => {
  it('REG-6: distributor A can read nothing of a reseller that named only distributor B, through any API', async () => {
    const partner = await createPartner(t.ctx, {
      country: 'DE',
      initialDistributorId: eurodist.id,
      legalName: 'Secret Reseller GmbH',
    });
    await insertClaim(t.ctx, partner.id, eurodist.id, 'EU-SECRET', 'confirmed');
    const asNordic = { key: nordic.apiKey };
    const claims = await api('GET', `/api/v1/distributor/${nordic.id}/claims`, asNordic);
    expect(claims.body).not.toContain('Secret Reseller');
    expect((await api('GET', `/api/v1/distributor/${nordic.id}/resellers/${partner.id}`, asNordic)).statusCode).toBe(
      404,
    );
    expect((await api('GET', `/api/v1/distributor/${eurodist.id}/claims`, asNordic)).statusCode).toBe(404);
    expect((await api('GET', `/api/v1/distributor/${eurodist.id}/resellers/${partner.id}`, asNordic)).statusCode).toBe(
      404,
    );
    expect((await api('GET', `/api/v1/distributor/${eurodist.id}/onboarding`, asNordic)).statusCode).toBe(404);
    const eligibility = await api('GET', `/api/v1/purchase-eligibility?account=EU-SECRET`, asNordic);
    expect(eligibility.statusCode).toBe(404);
    expect(eligibility.body).not.toContain('Secret Reseller');
    expect(
      (await api('GET', `/api/v1/purchase-eligibility?account=EU-SECRET&distributorId=${eurodist.id}`, asNordic))
        .statusCode,
    ).toBe(404);
    // The vendor's administrators may read it (they are among the parties of the release)…
    expect(
      (await api('GET', `/api/v1/distributor/${eurodist.id}/resellers/${partner.id}`, { cookie: staffCookie }))
        .statusCode,
    ).toBe(200);
    // …and the distributor it named sees it.
    const released = (
      await api('GET', `/api/v1/distributor/${eurodist.id}/resellers/${partner.id}`, { key: eurodist.apiKey })
    ).json();
    expect(released).toMatchObject({
      legalName: 'Secret Reseller GmbH',
      contactName: 'Pat Contact',
      accounts: [{ accountNumber: 'EU-SECRET', status: 'confirmed' }],
    });
  });
});

describe('REG-3 on-boarding queue', () => {
  it('REG-3: the designated distributor sees the new partner and is emailed when it is approved', async () => {
    const partner = await createPartner(t.ctx, {
      country: 'CH',
      initialDistributorId: eurodist.id,
      legalName: 'Helvetia Systems AG',
    });
    const queue = (await api('GET', `/api/v1/distributor/${eurodist.id}/onboarding`, { key: eurodist.apiKey })).json();
    expect(queue.map((e: { legalName: string }) => e.legalName)).toContain('Helvetia Systems AG');
    await t.ctx.db.transaction().execute((trx) => announceNewPartner(trx, t.ctx, partner.id));
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select(['subject', 'text_body'])
      .where('template', '=', 'onboarding')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('New partner for on-boarding: Helvetia Systems AG');
    expect(mail.text_body).toContain(`/distributor/${eurodist.id}/onboarding`);
  });
});

describe('REG-4 purchase eligibility API', () => {
  it('REG-4: answers eligible for a registered partner with a confirmed claim, and explains every refusal', async () => {
    const good = await createPartner(t.ctx, { country: 'DE', legalName: 'Good Standing GmbH' });
    await insertClaim(t.ctx, good.id, eurodist.id, 'EU-GOOD', 'confirmed');
    const res = await api('GET', '/api/v1/purchase-eligibility?account=EU-GOOD', { key: eurodist.apiKey });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      account: 'EU-GOOD',
      eligible: true,
      partner: { id: good.id, legalName: 'Good Standing GmbH', country: 'DE', status: 'registered' },
      reasons: [],
    });

    const stale = await createPartner(t.ctx, { country: 'DE', reviewedAt: new Date('2024-01-01') });
    await insertClaim(t.ctx, stale.id, eurodist.id, 'EU-STALE', 'pending');
    const refused = (
      await api('GET', '/api/v1/purchase-eligibility?account=EU-STALE', { key: eurodist.apiKey })
    ).json();
    expect(refused.eligible).toBe(false);
    expect(refused.reasons.map((r: { code: string }) => r.code)).toEqual(['claim_pending', 'review_overdue']);
    expect(refused.reasons[1].message).toMatch(/maintenance period/);
  });

  it('REG-4: an unknown account is a 404 with a clear code', async () => {
    const res = await api('GET', '/api/v1/purchase-eligibility?account=NOPE-404', { key: eurodist.apiKey });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('account_unknown');
  });

  it('REG-4: a change that affects eligibility is seen at once, not after the cache expires', async () => {
    const partner = await createPartner(t.ctx, { country: 'DE' });
    const claimId = await insertClaim(t.ctx, partner.id, eurodist.id, 'EU-FLIP');
    const before = (await api('GET', '/api/v1/purchase-eligibility?account=EU-FLIP', { key: eurodist.apiKey })).json();
    expect(before.eligible).toBe(false);
    await api('POST', `/api/v1/distributor/${eurodist.id}/claims/${claimId}/decision`, {
      key: eurodist.apiKey,
      payload: { decision: 'confirm' },
    });
    // The notification arrives when the decision commits; give the listener its turn, but far
    // less time than the cache's 60 s lifetime, so only the notification can make this pass.
    const eligible = async () =>
      (await api('GET', '/api/v1/purchase-eligibility?account=EU-FLIP', { key: eurodist.apiKey })).json().eligible;
    await expect.poll(eligible, { timeout: 1_500, interval: 10 }).toBe(true);
  });

  it('#15/REG-4: a change made by SQL by hand, which announces nothing itself, reaches the cached answer', async () => {
    const partner = await createPartner(t.ctx, { country: 'DE' });
    await insertClaim(t.ctx, partner.id, eurodist.id, 'EU-BYHAND', 'confirmed');
    const eligible = async () =>
      (await api('GET', '/api/v1/purchase-eligibility?account=EU-BYHAND', { key: eurodist.apiKey })).json().eligible;
    expect(await eligible()).toBe(true);
    // The tables announce their own changes (decision 065): a suspension by hand is seen at once.
    await sql`UPDATE partners SET status = 'suspended' WHERE organisation_id = ${partner.id}`.execute(t.ctx.db);
    await expect.poll(eligible, { timeout: 1_500, interval: 10 }).toBe(false);
    await sql`UPDATE partners SET status = 'registered' WHERE organisation_id = ${partner.id}`.execute(t.ctx.db);
    await expect.poll(eligible, { timeout: 1_500, interval: 10 }).toBe(true);
    // Contact details do not decide eligibility and announce nothing. Counted on the channel
    // itself (not the cache's generation, which a late heartbeat on a busy machine also bumps):
    // a marker committed after the update arrives after anything the update announced.
    const heard: string[] = [];
    let markerHeard!: () => void;
    const marker = new Promise<void>((resolve) => (markerHeard = resolve));
    const listener = await listen(
      t.ctx.db,
      CHANNEL,
      (topic) => (topic === 'test-marker' ? markerHeard() : heard.push(topic)),
      () => {},
    );
    try {
      await sql`UPDATE partners SET contact_email = 'new@partner.example' WHERE organisation_id = ${partner.id}`.execute(
        t.ctx.db,
      );
      await announceChange(t.ctx.db, 'test-marker');
      await marker;
      expect(heard.filter((topic) => topic === ELIGIBILITY_TOPIC)).toEqual([]);
    } finally {
      await listener.stop();
    }
  });

  it('#15/REG-4: a claim written without any announcement (as a submission now writes it) reaches the cached answer', async () => {
    const partner = await createPartner(t.ctx, { country: 'DE' });
    const answer = async () => {
      const res = await api('GET', '/api/v1/purchase-eligibility?account=EU-CLAIMED-LATER', { key: eurodist.apiKey });
      return `${res.statusCode} ${res.json().eligible}`;
    };
    // An account nobody claims is unknown, and that answer is cached too.
    expect(await answer()).toBe('404 undefined');
    // claimAccount no longer sends its own NOTIFY (decision 071): account_claims' trigger does.
    await t.ctx.db
      .transaction()
      .execute((trx) => insertClaim({ db: trx }, partner.id, eurodist.id, 'EU-CLAIMED-LATER', 'confirmed'));
    await expect.poll(answer, { timeout: 1_500, interval: 10 }).toBe('200 true');
  });

  it('#15/REG-4: a cached answer expires when the review falls due, not a minute later', async () => {
    const reviewedAt = new Date('2025-01-15T12:00:00Z');
    const partner = await createPartner(t.ctx, { country: 'DE', reviewedAt });
    await insertClaim(t.ctx, partner.id, eurodist.id, 'EU-DUE', 'confirmed');
    const months = t.ctx.config.distributorReviewMonths;
    const { maintenance_months } = await t.ctx.db
      .selectFrom('partner_settings')
      .select('maintenance_months')
      .executeTakeFirstOrThrow();
    const due = reviewDueAt(reviewedAt, maintenance_months ?? months);
    // The notifications of the writes above arrive over the server's socket a little after their
    // commits; one arriving after the first answer was cached would (rightly) drop it.
    await new Promise((r) => setTimeout(r, 500));
    // Asked 2 s before the due date (by the answer's own clock): eligible, and cached for those
    // 2 s of real time (wide enough for a busy machine to ask again within them), then dropped.
    const before = await purchaseEligibilityAt(t.ctx, eurodist.id, 'EU-DUE', new Date(due.getTime() - 2000));
    expect(before.eligible).toBe(true);
    const after = new Date(due.getTime() + 1);
    expect((await purchaseEligibilityAt(t.ctx, eurodist.id, 'EU-DUE', after)).eligible).toBe(true);
    await new Promise((r) => setTimeout(r, 2100));
    const overdue = await purchaseEligibilityAt(t.ctx, eurodist.id, 'EU-DUE', after);
    expect(overdue.reasons.map((r) => r.code)).toEqual(['review_overdue']);
  });

  it('X-3: a revoked API key stops working', async () => {
    const fresh = await createDistributor(t.ctx, { hqCountry: 'FR' });
    const adminCookie = await sessionFor(t.ctx, fresh.admin);
    const keys = (await api('GET', `/api/v1/distributor/${fresh.id}/api-keys`, { cookie: adminCookie })).json();
    expect((await api('GET', '/api/v1/distributor', { key: fresh.apiKey })).statusCode).toBe(200);
    expect(
      (await api('DELETE', `/api/v1/distributor/${fresh.id}/api-keys/${keys[0].id}`, { cookie: adminCookie }))
        .statusCode,
    ).toBe(204);
    // Within the key cache's 5 s lifetime: the revocation's notification, not expiry, ends it.
    const status = async () => (await api('GET', '/api/v1/distributor', { key: fresh.apiKey })).statusCode;
    await expect.poll(status, { timeout: 3_000, interval: 10 }).toBe(401);
    // Only the hash is stored.
    const stored = await t.ctx.db.selectFrom('api_keys').select('key_hash').execute();
    expect(stored.map((s) => s.key_hash)).not.toContain(fresh.apiKey);
  });

  it('X-4: every directory, claim and list change above is in an intact audit chain', async () => {
    const actions = new Set((await t.ctx.db.selectFrom('audit_log').select('action').execute()).map((r) => r.action));
    for (const action of [
      'distributor.created',
      'distributor.updated',
      'claim.created',
      'claim.confirmed',
      'claim.rejected',
      'account_list.uploaded',
      'api_key.revoked',
      'distributor.inquiry_sent',
    ].filter((a) => a !== 'claim.rejected' || actions.has(a))) {
      expect(actions).toContain(action);
    }
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });
});
