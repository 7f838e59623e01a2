import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createDistributor, createStaffAdmin, createUser, sessionFor } from '../../../test/helpers/fixtures.ts';
import { csrfTokenOf, postFile } from '../../../test/helpers/forms.ts';

let t: TestApp;
let staffSession: string;

beforeAll(async () => {
  t = await createTestApp();
  staffSession = await sessionFor(t.ctx, await createStaffAdmin(t.ctx));
});
afterAll(() => t.close());

const staffBrowser = () => {
  const b = browser(t.app);
  b.jar.set('pp_session', staffSession);
  return b;
};

const form = {
  code: 'ib-01',
  legal_name: 'Iberdist SL',
  hq_country: 'ES',
  territories: 'pt, ad',
  website: 'https://iberdist.example',
  phone: '+34 91 123 45 67',
  email: 'ventas@iberdist.example',
  accepts_new_resellers: 'yes',
};

const findByCode = (code: string) =>
  t.ctx.db.selectFrom('distributors').selectAll().where('code', '=', code).executeTakeFirst();
const territoriesOf = async (id: string) =>
  (
    await t.ctx.db
      .selectFrom('distributor_territories')
      .select('country')
      .where('distributor_id', '=', id)
      .orderBy('country')
      .execute()
  ).map((r) => r.country);

describe('distributor directory pages (programme staff)', () => {
  it('sends an anonymous visitor to sign in, and refuses people who are not programme staff', async () => {
    const anonymous = await browser(t.app).get('/staff/distributors');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?return_to=%2Fstaff%2Fdistributors');
    expect((await browser(t.app).get('/staff/distributors/new')).headers.location).toBe(
      '/sign-in?return_to=%2Fstaff%2Fdistributors%2Fnew',
    );

    const distributor = await createDistributor(t.ctx, { hqCountry: 'DE' });
    const reviewer = await createUser(t.ctx, [{ role: 'staff_reviewer', organisationId: null }]);
    for (const actor of [distributor.admin, reviewer]) {
      const b = browser(t.app);
      b.jar.set('pp_session', await sessionFor(t.ctx, actor));
      const res = await b.get('/staff/distributors');
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('You do not have permission to do that.');
      // Not in their navigation either.
      expect(res.body).not.toContain('href="/staff/distributors"');
      expect((await b.get(`/staff/distributors/${distributor.id}`)).statusCode).toBe(403);
    }
  });

  it('REG-2, REG-5: creates a distributor from the form with its authorised territories', async () => {
    const b = staffBrowser();
    const page = await b.get('/staff/distributors/new');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<option value="ES">Spain</option>');
    const res = await b.post('/staff/distributors', form);
    expect(res.statusCode).toBe(303);
    const created = (await findByCode('IB-01'))!;
    expect(res.headers.location).toBe(`/staff/distributors/${created.id}?notice=created`);
    expect(created).toMatchObject({
      legal_name: 'Iberdist SL',
      hq_country: 'ES',
      email: 'ventas@iberdist.example',
      accepts_new_resellers: true,
      status: 'active',
      version: 1,
    });
    expect(await territoriesOf(created.id)).toEqual(['AD', 'PT']);

    const edit = await b.get(res.headers.location as string);
    expect(edit.body).toContain('The distributor was added.');
    expect(edit.body).toContain('<option value="ES" selected>Spain</option>');
    expect(edit.body).toContain('value="AD PT"');
    expect(edit.body).toContain('name="version" value="1"');
    // The code is fixed after creation.
    expect(edit.body).not.toContain('name="code"');

    const list = await b.get('/staff/distributors');
    expect(list.body).toContain('Iberdist SL');
    expect(list.body).toContain('href="/api/v1/staff/distributors.csv"');
  });

  it('re-renders the form with every problem by field and keeps what was typed', async () => {
    const b = staffBrowser();
    await b.get('/staff/distributors/new');
    const res = await b.post('/staff/distributors', {
      ...form,
      code: 'IB-02',
      hq_country: '',
      territories: 'PT ZZ',
      website: 'iberdist.example',
      accepts_new_resellers: '',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('href="#field-hq_country"');
    expect(res.body).toContain('Headquarters country is required.');
    expect(res.body).toContain(
      'Authorised countries or territories must be an ISO 3166 two-letter country code (got &quot;ZZ&quot;).',
    );
    expect(res.body).toContain('Website must be a web address starting with http:// or https://.');
    expect(res.body).toContain('value="PT ZZ"');
    expect(res.body).toContain('value="IB-02"');
    expect(res.body).not.toMatch(/name="accepts_new_resellers" value="yes" checked/);
    expect(await findByCode('IB-02')).toBeUndefined();

    // A taken code is reported on the code field.
    const taken = await b.post('/staff/distributors', form);
    expect(taken.statusCode).toBe(422);
    expect(taken.body).toContain('A distributor with code IB-01 already exists.');
  });

  it('X-4: edits a distributor, and answers an edit made from a stale page with the 409 message instead of overwriting', async () => {
    const d = (await findByCode('IB-01'))!;
    const alice = staffBrowser();
    const bob = staffBrowser();
    await alice.get(`/staff/distributors/${d.id}`);
    await bob.get(`/staff/distributors/${d.id}`);

    const saved = await alice.post(`/staff/distributors/${d.id}`, {
      ...form,
      legal_name: 'Iberdist Distribución SL',
      accepts_new_resellers: '',
      version: '1',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/staff/distributors/${d.id}?notice=saved`);
    expect(await findByCode('IB-01')).toMatchObject({
      legal_name: 'Iberdist Distribución SL',
      accepts_new_resellers: false,
      version: 2,
    });

    const stale = await bob.post(`/staff/distributors/${d.id}`, { ...form, legal_name: 'Bob’s name', version: '1' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else changed this distributor since you opened it.');
    expect(stale.body).toContain('value="Bob’s name"');
    expect(stale.body).toContain(`href="/staff/distributors/${d.id}"`);
    expect(await findByCode('IB-01')).toMatchObject({ legal_name: 'Iberdist Distribución SL', version: 2 });
  });

  it('REG-5: retires a distributor (it leaves the locator) and reactivates it', async () => {
    const d = (await findByCode('IB-01'))!;
    const b = staffBrowser();
    await b.get(`/staff/distributors/${d.id}`);
    const stale = await b.post(`/staff/distributors/${d.id}/retire`, { version: '1' });
    expect(stale.statusCode).toBe(409);

    const page = await b.get(`/staff/distributors/${d.id}`);
    expect(page.body).toContain(`action="/staff/distributors/${d.id}/retire"`);
    const retired = await b.post(`/staff/distributors/${d.id}/retire`, { version: String(d.version) });
    expect(retired.statusCode).toBe(303);
    expect((await findByCode('IB-01'))!.status).toBe('retired');
    expect((await browser(t.app).get('/distributors?country=PT')).body).not.toContain('Iberdist');

    const again = await b.get(`/staff/distributors/${d.id}?notice=retired`);
    expect(again.body).toContain('it no longer appears in the Distributor Locator');
    const version = /name="version" value="(\d+)"/.exec(again.body)![1]!;
    const reactivated = await b.post(`/staff/distributors/${d.id}/reactivate`, { version });
    expect(reactivated.statusCode).toBe(303);
    expect((await browser(t.app).get('/distributors?country=PT')).body).toContain('Iberdist');
  });

  it('an unknown distributor id is a 404', async () => {
    const b = staffBrowser();
    expect((await b.get('/staff/distributors/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await b.get('/staff/distributors/nope')).statusCode).toBe(404);
  });
});

describe('distributor directory CSV import (programme staff page)', () => {
  const csv = [
    'code,legal_name,hq_country,territories,website,phone,email,accepts_new_resellers',
    'BX-01,Benelux Dist BV,NL,BE;LU,https://benelux.example,+31 20 123 4567,sales@benelux.example,yes',
    'BX-02,,XX,,,,,maybe',
    'BX-03,Nordsee GmbH,DE,,,,not-an-email,no',
    'BX-04,Danubia Kft,HU,SK,,,,',
  ].join('\n');

  it('REG-2: imports the rows that are valid and reports the others by line and field', async () => {
    const b = staffBrowser();
    const page = await b.get('/staff/distributors');
    const res = await postFile(t.app, b.jar, '/staff/distributors/import', csrfTokenOf(page.body), {
      filename: 'directory.csv',
      content: csv,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Import finished: 2 created, 0 updated, 0 unchanged, 2 rejected.');
    // The language switcher of this answer to a post comes back to the list, not to the post's address.
    expect(res.body).toContain('name="return_to" value="/staff/distributors"');
    const rows = [...res.body.matchAll(/<tr><td>(\d+)<\/td><td>([^<]+)<\/td><td[^>]*>([^<]+)<\/td><\/tr>/g)].map(
      (m) => [Number(m[1]), m[2], m[3]],
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        [3, 'Legal name', 'Legal name is required.'],
        [3, 'Headquarters country', expect.stringContaining('ISO 3166')],
        [3, 'Accepts new resellers', 'Accepts new resellers must be yes or no.'],
        [4, 'Email address', expect.stringContaining('must be an email address')],
      ]),
    );
    expect(await findByCode('BX-01')).toMatchObject({ legal_name: 'Benelux Dist BV', hq_country: 'NL' });
    expect(await territoriesOf((await findByCode('BX-01'))!.id)).toEqual(['BE', 'LU']);
    expect(await findByCode('BX-02')).toBeUndefined();
    expect(await findByCode('BX-03')).toBeUndefined();
    expect(res.body).toContain('Danubia Kft');
  });

  it('REG-2: a re-import updates the distributors it knows instead of duplicating them', async () => {
    const b = staffBrowser();
    const page = await b.get('/staff/distributors');
    const again = csv.replace('Benelux Dist BV', 'Benelux Distribution BV');
    const res = await postFile(t.app, b.jar, '/staff/distributors/import', csrfTokenOf(page.body), {
      filename: 'directory.csv',
      content: again,
    });
    expect(res.body).toContain('Import finished: 0 created, 1 updated, 1 unchanged, 2 rejected.');
    const benelux = await t.ctx.db
      .selectFrom('distributors')
      .select(['legal_name'])
      .where('code', 'like', 'BX-%')
      .execute();
    expect(benelux).toHaveLength(2);
    expect(benelux.map((r) => r.legal_name)).toContain('Benelux Distribution BV');
  });

  it('refuses an empty, a binary or a wrongly-headed file clearly, and a post without the form token', async () => {
    const b = staffBrowser();
    const token = csrfTokenOf((await b.get('/staff/distributors')).body);
    const empty = await postFile(t.app, b.jar, '/staff/distributors/import', token, {
      filename: 'empty.csv',
      content: '',
    });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('CSV file: the file is empty.');

    const none = await postFile(t.app, b.jar, '/staff/distributors/import', token);
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain('CSV file: choose a CSV file to upload.');
    // What a browser sends when no file was chosen.
    const unchosen = await postFile(t.app, b.jar, '/staff/distributors/import', token, {
      filename: '',
      content: '',
      type: 'application/octet-stream',
    });
    expect(unchosen.statusCode).toBe(422);
    expect(unchosen.body).toMatch(/CSV file: (choose a CSV file to upload|the file is empty)/);

    const binary = await postFile(t.app, b.jar, '/staff/distributors/import', token, {
      filename: 'list.xlsx',
      content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]),
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(binary.statusCode).toBe(400);
    expect(binary.body).toContain('The file is not a CSV text file.');

    const header = await postFile(t.app, b.jar, '/staff/distributors/import', token, {
      filename: 'wrong.csv',
      content: 'name,country\nX,DE\n',
    });
    expect(header.statusCode).toBe(400);
    expect(header.body).toContain(
      'The file does not have the expected header line. Its first line must name the columns: code, legal_name, hq_country',
    );

    const huge = await postFile(t.app, b.jar, '/staff/distributors/import', token, {
      filename: 'huge.csv',
      content: Buffer.alloc(21 * 1024 * 1024, 'a'),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.body).toContain('CSV file: the file is larger than 20 MB.');

    const forged = await postFile(t.app, b.jar, '/staff/distributors/import', 'forged-token', {
      filename: 'directory.csv',
      content: csv,
    });
    expect(forged.statusCode).toBe(403);
    // Nothing is left behind in the uploads folder (files are deleted once the response is sent).
    await expect.poll(() => readdirSync(path.join(t.ctx.config.dataDir, 'uploads'))).toEqual([]);
  });
});
