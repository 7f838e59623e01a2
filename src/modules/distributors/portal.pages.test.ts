import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  bearer,
  createDistributor,
  createPartner,
  createStaffAdmin,
  createUser,
  insertClaim,
  sessionFor,
  testMeta,
  type DistributorFixture,
  type PartnerFixture,
} from '../../../test/helpers/fixtures.ts';
import { csrfTokenOf, postFile } from '../../../test/helpers/forms.ts';
import type { Actor } from '../../platform/auth.ts';
import { startAccountListUpload } from './account-lists.service.ts';
import type * as AccountLists from './account-lists.service.ts';

// A gate in front of the background processing of uploads. Closed, it holds the job before it
// reads a row, so a test can see the "processing" state without racing the job.
const jobGate = vi.hoisted(() => ({ wait: Promise.resolve() }));
vi.mock('./account-lists.service.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof AccountLists>();
  return {
    ...actual,
    processAccountList: async (...args: Parameters<typeof actual.processAccountList>) => {
      await jobGate.wait;
      return actual.processAccountList(...args);
    },
  };
});

let t: TestApp;
let eurodist: DistributorFixture; // DE, authorised for AT
let nordic: DistributorFixture; // SE
let austrian: PartnerFixture; // named EuroDist (claims there, initial distributor)
let swede: PartnerFixture; // named Nordic only

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['AT'], legalName: 'EuroDist GmbH' });
  nordic = await createDistributor(t.ctx, { hqCountry: 'SE', legalName: 'Nordic Dist AB' });
  austrian = await createPartner(t.ctx, {
    country: 'AT',
    legalName: 'Wiener Systemhaus GmbH',
    initialDistributorId: eurodist.id,
  });
  swede = await createPartner(t.ctx, { country: 'SE', legalName: 'Stockholm IT AB', initialDistributorId: nordic.id });
});
afterAll(() => t.close());

async function signedIn(actor: Actor) {
  const b = browser(t.app);
  b.jar.set('pp_session', await sessionFor(t.ctx, actor));
  return b;
}

const claimStatus = async (id: string) =>
  (await t.ctx.db.selectFrom('account_claims').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

describe('distributor portal: access', () => {
  it('sends an anonymous visitor to sign in', async () => {
    const res = await browser(t.app).get(`/distributor/${eurodist.id}/claims`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/sign-in?return_to=${encodeURIComponent(`/distributor/${eurodist.id}/claims`)}`);
    expect((await browser(t.app).get('/distributor')).headers.location).toBe('/sign-in?return_to=%2Fdistributor');
  });

  it('takes a user who works for one distributor straight to it, lists several, and refuses others', async () => {
    const b = await signedIn(eurodist.admin);
    const res = await b.get('/distributor');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/distributor/${eurodist.id}`);
    const overview = await b.get(`/distributor/${eurodist.id}`);
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain('<a href="/distributor">Distributor portal</a>');
    expect(overview.body).toContain(`href="/distributor/${eurodist.id}/api-keys"`);

    const both = await signedIn(
      await createUser(t.ctx, [
        { role: 'distributor_user', organisationId: eurodist.organisationId },
        { role: 'distributor_user', organisationId: nordic.organisationId },
      ]),
    );
    const list = await both.get('/distributor');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/distributor/${eurodist.id}"`);
    expect(list.body).toContain(`href="/distributor/${nordic.id}"`);

    const reseller = await signedIn(await createUser(t.ctx, [{ role: 'partner_admin', organisationId: austrian.id }]));
    expect((await reseller.get('/distributor')).statusCode).toBe(403);
    expect((await reseller.get(`/distributor/${eurodist.id}`)).statusCode).toBe(404);
  });

  it('REG-6: a user of one distributor gets 404 on every page of another', async () => {
    const claimAtNordic = await insertClaim(t.ctx, swede.id, nordic.id, 'SE-404');
    const nordicUpload = await startAccountListUpload(t.ctx, nordic.admin, nordic.id, 'nordic.csv', testMeta);
    const b = await signedIn(eurodist.admin);
    for (const url of [
      `/distributor/${nordic.id}`,
      `/distributor/${nordic.id}/claims`,
      `/distributor/${nordic.id}/onboarding`,
      `/distributor/${nordic.id}/account-lists`,
      `/distributor/${nordic.id}/account-lists/${nordicUpload}`,
      `/distributor/${nordic.id}/api-keys`,
      `/distributor/${nordic.id}/resellers/${swede.id}`,
      // Its own pages do not show another distributor's records either.
      `/distributor/${eurodist.id}/account-lists/${nordicUpload}`,
      `/distributor/${eurodist.id}/resellers/${swede.id}`,
    ]) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('Stockholm IT AB');
    }
    const token = csrfTokenOf((await b.get(`/distributor/${eurodist.id}/claims`)).body);
    for (const url of [
      `/distributor/${nordic.id}/claims/${claimAtNordic}/decision`,
      `/distributor/${eurodist.id}/claims/${claimAtNordic}/decision`,
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        payload: `_csrf=${encodeURIComponent(token)}&decision=confirm`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
          cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      expect(res.statusCode, url).toBe(404);
    }
    expect(await claimStatus(claimAtNordic)).toBe('pending');
  });
});

describe('REG-2 account claims page', () => {
  it('REG-2: a distributor user sees pending claims first and confirms one', async () => {
    const older = await insertClaim(t.ctx, austrian.id, eurodist.id, 'AT-1000', 'confirmed');
    const pending = await insertClaim(t.ctx, austrian.id, eurodist.id, 'AT-2000');
    const user = await createUser(t.ctx, [{ role: 'distributor_user', organisationId: eurodist.organisationId }]);
    const b = await signedIn(user);
    const page = await b.get(`/distributor/${eurodist.id}/claims`);
    expect(page.statusCode).toBe(200);
    expect(page.body.indexOf('AT-2000')).toBeLessThan(page.body.indexOf('AT-1000'));
    expect(page.body).toContain(`action="/distributor/${eurodist.id}/claims/${pending}/decision"`);
    expect(page.body).not.toContain(`action="/distributor/${eurodist.id}/claims/${older}/decision"`);
    expect(page.body).toContain(
      'Confirm<span class="visually-hidden"> account AT-2000 of Wiener Systemhaus GmbH</span>',
    );
    // A distributor user is not an administrator: no API keys.
    expect(page.body).not.toContain(`href="/distributor/${eurodist.id}/api-keys"`);

    const res = await b.post(`/distributor/${eurodist.id}/claims/${pending}/decision`, { decision: 'confirm' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/distributor/${eurodist.id}/claims?notice=confirmed`);
    expect(await claimStatus(pending)).toBe('confirmed');
    const after = await b.get(res.headers.location as string);
    expect(after.body).toContain('The claim is confirmed.');
    expect(after.body).toContain('No claims are waiting for your decision.');
  });

  it('REG-2: a claim decided meanwhile by someone else answers 409 "already decided"', async () => {
    const claim = await insertClaim(t.ctx, austrian.id, eurodist.id, 'AT-3000');
    const alice = await signedIn(eurodist.admin);
    const bob = await signedIn(
      await createUser(t.ctx, [{ role: 'distributor_user', organisationId: eurodist.organisationId }]),
    );
    await alice.get(`/distributor/${eurodist.id}/claims`);
    await bob.get(`/distributor/${eurodist.id}/claims`);
    expect(
      (await alice.post(`/distributor/${eurodist.id}/claims/${claim}/decision`, { decision: 'reject' })).statusCode,
    ).toBe(303);
    const late = await bob.post(`/distributor/${eurodist.id}/claims/${claim}/decision`, { decision: 'confirm' });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('This claim was already decided');
    expect(late.body).toContain(`name="return_to" value="/distributor/${eurodist.id}/claims"`);
    expect(await claimStatus(claim)).toBe('rejected');
  });
});

describe('REG-6 released reseller information, REG-3 on-boarding queue', () => {
  it('REG-6: shows name, contacts and account numbers of a reseller that named the distributor', async () => {
    const b = await signedIn(eurodist.admin);
    const res = await b.get(`/distributor/${eurodist.id}/resellers/${austrian.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Wiener Systemhaus GmbH');
    expect(res.body).toContain('Pat Contact');
    expect(res.body).toMatch(/mailto:pat-[0-9a-f]+@reseller\.example/);
    expect(res.body).toContain('AT-1000');
    expect(res.body).toContain('Austria');
  });

  it('REG-3: lists the registered partners that designated the distributor for on-boarding', async () => {
    await createPartner(t.ctx, {
      country: 'AT',
      legalName: 'Graz Applicant GmbH',
      status: 'applicant',
      initialDistributorId: eurodist.id,
    });
    const b = await signedIn(eurodist.admin);
    const res = await b.get(`/distributor/${eurodist.id}/onboarding`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Wiener Systemhaus GmbH');
    expect(res.body).toContain(`href="/distributor/${eurodist.id}/resellers/${austrian.id}"`);
    expect(res.body).not.toContain('Graz Applicant GmbH');
    expect(res.body).not.toContain('Stockholm IT AB');
    const overview = await b.get(`/distributor/${eurodist.id}`);
    expect(overview.body).toContain('1 new partner designated you for on-boarding.');
  });
});

describe('REG-2 account list upload page', () => {
  const csv = [
    'account_number,reseller_name,country,status',
    'AT-5000,Wiener Systemhaus,AT,active',
    'AT-5001,Bad Country,XX,active',
    'not valid!,Bad Number,,active',
    'AT-5002,Too,AT,active,many',
    'AT-5003,Closed One,AT,closed',
    'AT-5000,Wiener Systemhaus GmbH,AT,active',
  ].join('\n');

  it('REG-2: uploads a list, redirects at once to its progress page, which reaches "done" with counts, problems and claims confirmed', async () => {
    const claim = await insertClaim(t.ctx, austrian.id, eurodist.id, 'AT-5000');
    const b = await signedIn(eurodist.admin);
    const page = await b.get(`/distributor/${eurodist.id}/account-lists`);
    expect(page.body).toContain('enctype="multipart/form-data"');
    const res = await postFile(t.app, b.jar, `/distributor/${eurodist.id}/account-lists`, csrfTokenOf(page.body), {
      filename: 'accounts.csv',
      content: csv,
    });
    expect(res.statusCode).toBe(303);
    const location = res.headers.location as string;
    expect(location).toMatch(new RegExp(`^/distributor/${eurodist.id}/account-lists/[0-9a-f-]{36}$`));
    const uploadId = location.split('/').pop()!;

    await expect
      .poll(async () => (await b.get(location)).body, { timeout: 10_000, interval: 100 })
      .toContain('Done: 2 rows saved.');
    const done = await b.get(location);
    const count = (key: string) => new RegExp(`data-count="${key}">(\\d+)<`).exec(done.body)?.[1];
    expect({
      read: count('rowsRead'),
      written: count('rowsWritten'),
      rejected: count('rowsRejected'),
      duplicates: count('duplicates'),
    }).toEqual({ read: '5', written: '2', rejected: '3', duplicates: '1' });
    expect(done.body).toMatch(/<dt>Pending claims confirmed<\/dt><dd>1<\/dd>/);
    expect(done.body).toContain('<progress id="upload-progress-bar" value="1" max="1"');
    expect(done.body).not.toContain('upload-progress.js');
    const problems = [
      ...done.body.matchAll(/<tr><td>([\d—]+)<\/td><td>([^<]+)<\/td><td[^>]*>([^<]+)<\/td><\/tr>/g),
    ].map((m) => [m[1], m[2]]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['3', 'Country'],
        ['4', 'Account number'],
        ['5', 'Whole line'],
        ['—', 'Account number'],
      ]),
    );
    expect(await claimStatus(claim)).toBe('confirmed');

    // The JSON the page's script polls answers with the session cookie too.
    const status = await b.json('GET', `/api/v1/distributor/${eurodist.id}/account-lists/${uploadId}`);
    expect(status.json()).toMatchObject({ status: 'done', rowsRead: 5, rowsWritten: 2 });
    // The temporary file is gone once the upload is processed.
    expect(readdirSync(path.join(t.ctx.config.dataDir, 'uploads'))).toEqual([]);
    // And the upload is in the recent uploads.
    expect((await b.get(`/distributor/${eurodist.id}/account-lists`)).body).toContain(`href="${location}"`);
  });

  it('REG-2: the upload request answers before the rows are read; the list is processed in the background', async () => {
    const rows = 2_000;
    const list = ['account_number,status', ...Array.from({ length: rows }, (_, i) => `BIG-${i},active`)].join('\n');
    const b = await signedIn(eurodist.admin);
    const token = csrfTokenOf((await b.get(`/distributor/${eurodist.id}/account-lists`)).body);
    let open = () => {};
    jobGate.wait = new Promise<void>((resolve) => (open = resolve));
    let uploadId: string;
    const upload = () =>
      t.ctx.db.selectFrom('account_uploads').selectAll().where('id', '=', uploadId).executeTakeFirstOrThrow();
    try {
      const res = await postFile(t.app, b.jar, `/distributor/${eurodist.id}/account-lists`, token, {
        filename: 'big.csv',
        content: list,
      });
      expect(res.statusCode).toBe(303);
      uploadId = (res.headers.location as string).split('/').pop()!;
      expect(await upload()).toMatchObject({ status: 'processing', rows_read: 0 });
    } finally {
      open();
      jobGate.wait = Promise.resolve();
    }
    await expect.poll(async () => (await upload()).status, { timeout: 30_000, interval: 50 }).toBe('done');
    expect(await upload()).toMatchObject({
      rows_read: rows,
      rows_written: rows,
      rows_rejected: 0,
      filename: 'big.csv',
    });
  });

  it('REG-2: while an upload is processing, its page shows progress, a live status region, the polling script and a Refresh link', async () => {
    const uploadId = await startAccountListUpload(t.ctx, eurodist.admin, eurodist.id, 'in-progress.csv', testMeta);
    const b = await signedIn(eurodist.admin);
    const res = await b.get(`/distributor/${eurodist.id}/account-lists/${uploadId}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('role="status" aria-live="polite"');
    expect(res.body).toContain('Processing: 0 rows read so far.');
    expect(res.body).toMatch(/<progress id="upload-progress-bar" aria-describedby="upload-status"><\/progress>/);
    expect(res.body).toContain(`data-poll-url="/api/v1/distributor/${eurodist.id}/account-lists/${uploadId}"`);
    expect(res.body).toContain('<script type="module" src="/assets/upload-progress.js"></script>');
    expect(res.body).toMatch(
      new RegExp(`<a href="/distributor/${eurodist.id}/account-lists/${uploadId}"[^>]*>Refresh</a>`),
    );
    const script = await t.app.inject({ method: 'GET', url: '/assets/upload-progress.js' });
    expect(script.statusCode).toBe(200);
  });

  it('REG-2: refuses an empty or non-CSV file clearly, without starting an upload', async () => {
    const uploads = async () =>
      (await t.ctx.db.selectFrom('account_uploads').select('id').where('distributor_id', '=', eurodist.id).execute())
        .length;
    const before = await uploads();
    const b = await signedIn(eurodist.admin);
    const token = csrfTokenOf((await b.get(`/distributor/${eurodist.id}/account-lists`)).body);
    const empty = await postFile(t.app, b.jar, `/distributor/${eurodist.id}/account-lists`, token, {
      filename: 'empty.csv',
      content: '',
    });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('CSV file: the file is empty.');
    const blank = await postFile(t.app, b.jar, `/distributor/${eurodist.id}/account-lists`, token, {
      filename: 'blank.csv',
      content: '\n\n',
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('The file is empty: it needs a header line and at least one row.');
    const pdf = await postFile(t.app, b.jar, `/distributor/${eurodist.id}/account-lists`, token, {
      filename: 'list.pdf',
      content: Buffer.from('%PDF-1.4\n\u0000\u0001binary'),
      type: 'application/pdf',
    });
    expect(pdf.statusCode).toBe(400);
    expect(pdf.body).toMatch(/The file (is not a CSV text file|does not have the expected header line)/);
    const wrong = await postFile(t.app, b.jar, `/distributor/${eurodist.id}/account-lists`, token, {
      filename: 'wrong.csv',
      content: 'customer,name\n1,x\n',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain(
      'Its first line must name the columns: account_number, reseller_name, country, status.',
    );
    expect(await uploads()).toBe(before);
  });
});

describe('X-3 API keys page', () => {
  it('X-3: a distributor administrator creates a key, sees the secret once, and revokes it', async () => {
    const b = await signedIn(eurodist.admin);
    await b.get(`/distributor/${eurodist.id}/api-keys`);
    const invalid = await b.post(`/distributor/${eurodist.id}/api-keys`, { key_name: '' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Key name is required.');

    const created = await b.post(`/distributor/${eurodist.id}/api-keys`, { key_name: 'ERP production' });
    expect(created.statusCode).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toContain('It is shown only once');
    const secret = /id="new-api-key" type="text" readonly value="(pp_[A-Za-z0-9]{8}_[A-Za-z0-9_-]+)"/.exec(
      created.body,
    )?.[1];
    expect(secret).toBeDefined();
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/distributor', headers: bearer(secret!) })).statusCode,
    ).toBe(200);

    const later = await b.get(`/distributor/${eurodist.id}/api-keys`);
    expect(later.body).toContain('ERP production');
    expect(later.body).not.toContain(secret!);
    const keyId = (
      await t.ctx.db.selectFrom('api_keys').select('id').where('name', '=', 'ERP production').executeTakeFirstOrThrow()
    ).id;
    const revoked = await b.post(`/distributor/${eurodist.id}/api-keys/${keyId}/revoke`, {});
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe(`/distributor/${eurodist.id}/api-keys?notice=key_revoked`);
    expect((await b.get(revoked.headers.location as string)).body).toContain('The key is revoked');
    await expect
      .poll(
        async () =>
          (await t.app.inject({ method: 'GET', url: '/api/v1/distributor', headers: bearer(secret!) })).statusCode,
      )
      .toBe(401);
    // Revoking twice finds no active key.
    expect((await b.post(`/distributor/${eurodist.id}/api-keys/${keyId}/revoke`, {})).statusCode).toBe(404);
  });

  it('X-3: distributor users who are not administrators, and programme staff, cannot manage keys', async () => {
    const user = await signedIn(
      await createUser(t.ctx, [{ role: 'distributor_user', organisationId: eurodist.organisationId }]),
    );
    expect((await user.get(`/distributor/${eurodist.id}/api-keys`)).statusCode).toBe(404);
    const staff = await signedIn(await createStaffAdmin(t.ctx));
    expect((await staff.get(`/distributor/${eurodist.id}/api-keys`)).statusCode).toBe(404);
  });
});
