import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  bearer,
  createDistributor,
  createPartner,
  createStaffAdmin,
  createUser,
  sessionFor,
  testMeta,
} from '../../../test/helpers/fixtures.ts';
import { csrfTokenOf, postFile } from '../../../test/helpers/forms.ts';
import { createApiKey, ensureVendorOrganisation } from '../accounts/index.ts';
import { saveCourse } from './training-admin.service.ts';
import { addKeyPerson, partnerTraining } from './training.service.ts';

const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('REG-10 training pages and API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function partnerWithPerson(legalName?: string) {
    const partner = await createPartner(t.ctx, { country: 'FR', ...(legalName ? { legalName } : {}) });
    await t.ctx.db
      .updateTable('partners')
      .set({ agreement_effective_at: new Date() })
      .where('organisation_id', '=', partner.id)
      .execute();
    const admin = await createUser(t.ctx, [{ role: 'partner_admin', organisationId: partner.id }]);
    await addKeyPerson(
      t.ctx,
      admin,
      partner.id,
      { name: 'Key Person', email: `key-${partner.id.slice(0, 6)}@p.example`, role: 'Sales' },
      testMeta,
    );
    const [person] = (await partnerTraining(t.ctx, admin, partner.id)).people;
    return { partner, admin, person: person! };
  }

  it('REG-10: a partner admin records a completion with a certificate; a file that is not a PDF or image is refused whatever its name', async () => {
    const { admin, person } = await partnerWithPerson();
    const client = browser(t.app);
    client.jar.set('pp_session', await sessionFor(t.ctx, admin));
    const page = await client.get('/partner/training');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Key Person');
    const form = await client.get(`/partner/training/assignments/${person.assignmentId}`);
    expect(form.statusCode).toBe(200);
    const token = csrfTokenOf(form.body);
    const fields = {
      course_id: '',
      course_name: 'Anti-bribery basics',
      provider: 'third_party',
      completed_on: '2026-11-01',
      certificate_number: 'AB-1',
    };
    const fake = await postFile(
      t.app,
      client.jar,
      `/partner/training/assignments/${person.assignmentId}`,
      token,
      {
        field: 'certificate',
        filename: 'certificate.pdf',
        content: '<html><script>alert(1)</script></html>',
        type: 'application/pdf',
      },
      fields,
    );
    expect(fake.statusCode).toBe(422);
    expect(fake.body).toContain('the file is not a PDF, PNG or JPEG');
    const empty = await postFile(
      t.app,
      client.jar,
      `/partner/training/assignments/${person.assignmentId}`,
      token,
      { field: 'certificate', filename: 'empty.pdf', content: '', type: 'application/pdf' },
      fields,
    );
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Certificate file: the file is empty.');
    const ok = await postFile(
      t.app,
      client.jar,
      `/partner/training/assignments/${person.assignmentId}`,
      token,
      { field: 'certificate', filename: 'my-cert.exe', content: PDF, type: 'application/octet-stream' },
      fields,
    );
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/partner/training?notice=recorded');
    const after = await client.get('/partner/training?notice=recorded');
    expect(after.body).toContain('Completed — awaiting verification');
  });

  it('REG-10: certificates are served as attachments with the checked type, only to the partner and staff', async () => {
    const { partner, admin, person } = await partnerWithPerson();
    const certificate = { filename: 'x.html', contentBase64: PDF.toString('base64') };
    const api = (cookie: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
      t.app.inject({ method, url, payload: payload as never, cookies: { pp_session: cookie } });
    const adminCookie = await sessionFor(t.ctx, admin);
    const created = await api(
      adminCookie,
      'POST',
      `/api/v1/partners/${partner.id}/training/assignments/${person.assignmentId}/completions`,
      { courseName: 'Course', provider: 'partner', completedOn: '2026-11-02', certificate },
    );
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const file = await api(adminCookie, 'GET', `/api/v1/training/completions/${id}/certificate`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="certificate-[0-9a-f]{8}\.pdf"$/);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.rawPayload.equals(PDF)).toBe(true);
    const other = await partnerWithPerson();
    const otherCookie = await sessionFor(t.ctx, other.admin);
    expect((await api(otherCookie, 'GET', `/api/v1/training/completions/${id}/certificate`)).statusCode).toBe(404);
    expect((await api(otherCookie, 'GET', `/api/v1/partners/${partner.id}/training`)).statusCode).toBe(404);
    const staffCookie = await sessionFor(t.ctx, await createStaffAdmin(t.ctx));
    expect((await api(staffCookie, 'GET', `/api/v1/training/completions/${id}/certificate`)).statusCode).toBe(200);
    const emptyUpload = await api(
      adminCookie,
      'POST',
      `/api/v1/partners/${partner.id}/training/assignments/${person.assignmentId}/completions`,
      {
        courseName: 'Course',
        provider: 'partner',
        completedOn: '2026-11-02',
        certificate: { filename: 'a.pdf', contentBase64: '' },
      },
    );
    expect(emptyUpload.statusCode).toBe(422);
    expect(emptyUpload.json().error.fields).toEqual([
      expect.objectContaining({ field: 'certificate', rule: 'certificate_empty' }),
    ]);
  });

  it('REG-10: staff verify on /staff/training, filter, and export CSV with formula-safe cells', async () => {
    const { partner, admin, person } = await partnerWithPerson('=HYPERLINK("http://evil") Ltd');
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/partners/${partner.id}/training/assignments/${person.assignmentId}/completions`,
      cookies: { pp_session: await sessionFor(t.ctx, admin) },
      payload: { courseName: 'Course', provider: 'vendor', completedOn: '2026-11-02' },
    });
    const staff = await createStaffAdmin(t.ctx);
    const client = browser(t.app);
    client.jar.set('pp_session', await sessionFor(t.ctx, staff));
    const page = await client.get('/staff/training?country=FR');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Verify the record of Key Person');
    const [completion] = await t.ctx.db
      .selectFrom('training_completions as c')
      .innerJoin('training_assignments as a', 'a.id', 'c.assignment_id')
      .select(['c.id', 'c.version'])
      .where('a.partner_id', '=', partner.id)
      .execute();
    const rejected = await client.post(`/staff/training/completions/${completion!.id}/review`, {
      decision: 'reject',
      reason: '',
      version: String(completion!.version),
    });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.body).toContain('Reason is required');
    const verified = await client.post(`/staff/training/completions/${completion!.id}/review`, {
      decision: 'verify',
      version: String(completion!.version),
    });
    expect(verified.statusCode).toBe(303);
    const again = await client.post(`/staff/training/completions/${completion!.id}/review`, {
      decision: 'verify',
      version: String(completion!.version),
    });
    expect(again.statusCode).toBe(409);
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/staff/training.csv?partnerId=${partner.id}`,
      cookies: { pp_session: await sessionFor(t.ctx, staff) },
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil"") Ltd"`);
    expect(csv.body).toContain('verified');
  });

  it("REG-10: learning systems report with the vendor's API key, once per completion id; a distributor's key is refused", async () => {
    const { partner, person } = await partnerWithPerson();
    const staff = await createStaffAdmin(t.ctx);
    const course = await saveCourse(
      t.ctx,
      staff,
      undefined,
      { name: 'Vendor course', provider: 'vendor', languages: ['fr'] },
      testMeta,
    );
    const key = await createApiKey(
      t.ctx,
      staff,
      await ensureVendorOrganisation(t.ctx.db, t.ctx.config.vendorName),
      'LMS',
      testMeta,
    );
    const body = {
      system: 'lms',
      completionId: `c-${partner.id}`,
      email: person.email,
      courseId: course.id,
      completedOn: '2026-10-10',
    };
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/v1/training/completions',
      headers: bearer(key.secret),
      payload: body,
    });
    expect(first.statusCode).toBe(201);
    const repeat = await t.app.inject({
      method: 'POST',
      url: '/api/v1/training/completions',
      headers: bearer(key.secret),
      payload: body,
    });
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json()).toEqual({ id: first.json().id, created: false });
    const distributor = await createDistributor(t.ctx, { hqCountry: 'FR' });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/training/completions',
      headers: bearer(distributor.apiKey),
      payload: { ...body, completionId: 'other' },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('REG-10: a partner admin designates a colleague, changes a person and removes one, who stays in the history', async () => {
    const { partner, admin, person } = await partnerWithPerson();
    const colleague = await createUser(t.ctx, [{ role: 'partner_member', organisationId: partner.id }]);
    const client = browser(t.app);
    client.jar.set('pp_session', await sessionFor(t.ctx, admin));
    const page = await client.get('/partner/training');
    expect(page.body).toContain(colleague.email);
    const added = await client.post('/partner/training/people', {
      user_id: colleague.userId,
      name: '',
      email: '',
      role: 'Presales',
    });
    expect(added.statusCode).toBe(303);
    const invalid = await client.post('/partner/training/people', {
      user_id: '',
      name: '',
      email: 'not-an-email',
      role: '',
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Full name is required.');
    const form = await client.get(`/partner/training/people/${person.keyPersonId}`);
    expect(form.statusCode).toBe(200);
    const changed = await client.post(`/partner/training/people/${person.keyPersonId}`, {
      name: 'Key Person Renamed',
      email: person.email,
      role: 'Director',
      version: String(person.version),
    });
    expect(changed.statusCode).toBe(303);
    const stale = await client.post(`/partner/training/people/${person.keyPersonId}`, {
      name: 'Again',
      email: person.email,
      role: '',
      version: String(person.version),
    });
    expect(stale.statusCode).toBe(409);
    const view = await partnerTraining(t.ctx, admin, partner.id);
    expect(view.people.map((p) => [p.name, p.role, p.userId])).toEqual([
      ['Key Person Renamed', 'Director', null],
      [colleague.name, 'Presales', colleague.userId],
    ]);
    await client.get('/partner/training');
    const renamed = view.people.find((p) => p.name === 'Key Person Renamed')!;
    const removed = await client.post(`/partner/training/people/${renamed.keyPersonId}/remove`, {
      version: String(renamed.version),
    });
    expect(removed.statusCode).toBe(303);
    const after = await client.get('/partner/training?notice=removed');
    expect(after.body).toContain('Former key personnel');
    expect(after.body).toContain('Key Person Renamed');
  });

  it('REG-10: staff change the settings and add, deactivate and reactivate a course on /staff/training/settings', async () => {
    const client = browser(t.app);
    client.jar.set('pp_session', await sessionFor(t.ctx, await createStaffAdmin(t.ctx)));
    const page = await client.get('/staff/training/settings');
    expect(page.statusCode).toBe(200);
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    expect(
      (await client.post('/staff/training/settings', { grace_days: '-1', flag_after_days: '30', version })).statusCode,
    ).toBe(422);
    expect(
      (await client.post('/staff/training/settings', { grace_days: '60', flag_after_days: '14', version })).statusCode,
    ).toBe(303);
    expect(
      (
        await client.post('/staff/training/courses', {
          name: 'Course to retire',
          provider: 'partner',
          languages: 'en, fr',
          link: '',
          validity_months: '18',
        })
      ).statusCode,
    ).toBe(303);
    const course = await t.ctx.db
      .selectFrom('training_courses')
      .select(['id', 'languages', 'validity_months'])
      .where('name', '=', 'Course to retire')
      .executeTakeFirstOrThrow();
    expect(course).toMatchObject({ languages: ['en', 'fr'], validity_months: 18 });
    await client.get('/staff/training/settings');
    expect((await client.post(`/staff/training/courses/${course.id}/deactivate`, {})).statusCode).toBe(303);
    expect(
      (
        await t.ctx.db
          .selectFrom('training_courses')
          .select('active')
          .where('id', '=', course.id)
          .executeTakeFirstOrThrow()
      ).active,
    ).toBe(false);
    await client.get('/staff/training/settings');
    expect((await client.post(`/staff/training/courses/${course.id}/activate`, {})).statusCode).toBe(303);
    expect(
      (
        await t.ctx.db
          .selectFrom('training_courses')
          .select('active')
          .where('id', '=', course.id)
          .executeTakeFirstOrThrow()
      ).active,
    ).toBe(true);
    const settings = await t.ctx.db
      .selectFrom('training_settings')
      .select(['grace_days', 'flag_after_days', 'restrict_non_compliant'])
      .executeTakeFirstOrThrow();
    expect(settings).toEqual({ grace_days: 60, flag_after_days: 14, restrict_non_compliant: false });
  });
});
