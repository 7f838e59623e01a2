import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createPartner, createStaffAdmin, createUser, sessionFor } from '../../../test/helpers/fixtures.ts';

describe('REG-10 training JSON API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("REG-10: every step through the API, for the partner's own users and staff", async () => {
    const partner = await createPartner(t.ctx, { country: 'ES' });
    await t.ctx.db
      .updateTable('partners')
      .set({ agreement_effective_at: new Date('2026-06-01T00:00:00Z') })
      .where('organisation_id', '=', partner.id)
      .execute();
    const admin = await sessionFor(
      t.ctx,
      await createUser(t.ctx, [{ role: 'partner_admin', organisationId: partner.id }]),
    );
    const staff = await sessionFor(t.ctx, await createStaffAdmin(t.ctx));
    const call = (cookie: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
      t.app.inject({ method, url: `/api/v1${url}`, payload: payload as never, cookies: { pp_session: cookie } });

    const added = await call(admin, 'POST', `/partners/${partner.id}/training/people`, {
      name: 'Elena Ruiz',
      email: 'elena@p.example',
      role: 'Ventas',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json().dueAt).toBe('2027-06-01T00:00:00.000Z');
    const bad = await call(admin, 'POST', `/partners/${partner.id}/training/people`, { name: '', email: 'nope' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.fields.map((f: { field: string }) => f.field)).toEqual(['name', 'email']);
    const view = await call(admin, 'GET', `/partners/${partner.id}/training`);
    expect(view.statusCode).toBe(200);
    const [person] = view.json().people;
    expect(person).toMatchObject({ name: 'Elena Ruiz', status: 'assigned', latest: null, version: 1 });
    expect(
      (
        await call(admin, 'PUT', `/partners/${partner.id}/training/people/${person.keyPersonId}`, {
          name: 'Elena Ruiz Gómez',
          email: 'elena@p.example',
          version: 1,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await call(admin, 'PUT', `/partners/${partner.id}/training/people/${person.keyPersonId}`, {
          name: 'Stale',
          email: 'elena@p.example',
          version: 1,
        })
      ).statusCode,
    ).toBe(409);

    const recorded = await call(
      admin,
      'POST',
      `/partners/${partner.id}/training/assignments/${person.assignmentId}/completions`,
      { courseName: 'Compliance 101', provider: 'third_party', completedOn: '2026-09-01' },
    );
    expect(recorded.statusCode).toBe(201);
    const future = await call(
      admin,
      'POST',
      `/partners/${partner.id}/training/assignments/${person.assignmentId}/completions`,
      { courseName: 'X', provider: 'third_party', completedOn: '2999-01-01' },
    );
    expect(future.json().error.fields).toEqual([
      expect.objectContaining({ field: 'completed_on', rule: 'not_in_future' }),
    ]);
    expect((await call(admin, 'GET', `/partners/${partner.id}/training/completions`)).json()).toHaveLength(1);

    const queue = await call(staff, 'GET', '/staff/training/completions');
    const record = queue.json().find((c: { id: string }) => c.id === recorded.json().id);
    const rejected = await call(staff, 'POST', `/staff/training/completions/${record.id}/review`, {
      decision: 'reject',
      reason: 'Please attach the certificate.',
      version: record.version,
    });
    expect(rejected.json()).toMatchObject({ status: 'rejected', reviewReason: 'Please attach the certificate.' });
    expect((await call(admin, 'GET', `/partners/${partner.id}/training`)).json().people[0]).toMatchObject({
      status: 'rejected',
      latest: { reviewReason: 'Please attach the certificate.' },
    });
    expect(
      (await call(admin, 'POST', `/staff/training/completions/${record.id}/review`, { decision: 'verify', version: 2 }))
        .statusCode,
    ).toBe(403);

    const list = await call(staff, 'GET', `/staff/training?country=es&status=at_risk`);
    expect(list.json().map((p: { partnerId: string }) => p.partnerId)).toContain(partner.id);

    const settings = (await call(staff, 'GET', '/staff/training/settings')).json();
    expect(settings).toMatchObject({ graceDays: 90, flagAfterDays: 30, restrictNonCompliant: false });
    expect(
      (await call(staff, 'PUT', '/staff/training/settings', { ...settings, flagAfterDays: 45 })).json(),
    ).toMatchObject({ flagAfterDays: 45 });
    expect(
      (await call(admin, 'PUT', '/staff/training/settings', { ...settings, version: settings.version + 1 })).statusCode,
    ).toBe(403);
    await call(staff, 'PUT', '/staff/training/settings', { ...settings, version: settings.version + 1 });

    const course = await call(staff, 'POST', '/staff/training/courses', {
      name: 'Curso anticorrupción',
      provider: 'vendor',
      languages: ['es'],
    });
    expect(course.statusCode).toBe(201);
    expect(course.json()).toMatchObject({ validityMonths: 12, active: true });
    expect(
      (
        await call(staff, 'PUT', `/staff/training/courses/${course.json().id}`, {
          name: 'Curso anticorrupción',
          provider: 'vendor',
          languages: ['es'],
          validityMonths: 24,
          active: false,
        })
      ).json(),
    ).toMatchObject({ validityMonths: 24, active: false });
    expect((await call(admin, 'GET', '/training/courses')).json().map((c: { id: string }) => c.id)).not.toContain(
      course.json().id,
    );

    expect(
      (await call(admin, 'DELETE', `/partners/${partner.id}/training/people/${person.keyPersonId}?version=2`))
        .statusCode,
    ).toBe(204);
    expect((await call(admin, 'GET', `/partners/${partner.id}/training/former`)).json()).toMatchObject([
      { name: 'Elena Ruiz Gómez' },
    ]);
    expect((await call(admin, 'GET', `/partners/${partner.id}/training`)).json().people).toEqual([]);
  });

  it('REG-10, X-3: the training API is in the OpenAPI document; learning systems authenticate with an API key only', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    for (const path of [
      '/api/v1/partners/{partnerId}/training',
      '/api/v1/partners/{partnerId}/training/assignments/{id}/completions',
      '/api/v1/staff/training',
      '/api/v1/staff/training/completions/{id}/review',
      '/api/v1/training/completions',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/v1/training/completions'].post.security).toEqual([{ apiKey: [] }]);
  });
});
