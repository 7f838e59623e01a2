import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createUser, sessionFor, testMeta } from '../../../test/helpers/fixtures.ts';
import { addMember } from './registration.repository.ts';
import { getApplication, saveStep, startApplication } from './registration.service.ts';

// Decision 064: every wizard page reads the application as one of its people sees it; that view
// is kept for a few seconds per application and person, and every write that changes it drops it
// at once. These tests read the view (so it is kept), change it, and read again.

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const company = {
  legalName: 'Cached Views GmbH',
  legalForm: 'limited_company',
  country: 'DE',
  website: 'https://cached-views.example',
  registrationNumber: 'HRB 654321',
};

describe('#15/REG-13: the cached view of an application', () => {
  it('#15/REG-13: a saved step is what the next page reads, with the new version', async () => {
    const applicant = await createUser(t.ctx);
    const started = await startApplication(t.ctx, applicant, testMeta);
    const before = await getApplication(t.ctx, applicant, started.id);
    expect(before.answers.company).toBeUndefined();
    await saveStep(t.ctx, applicant, started.id, 'company', company, before.version, testMeta);
    const after = await getApplication(t.ctx, applicant, started.id);
    expect(after.answers.company).toEqual(company);
    expect(after.version).toBe(before.version + 1);
  });

  it('#15/REG-13: the view is kept per person: someone not on the application still gets 404', async () => {
    const applicant = await createUser(t.ctx);
    const stranger = await createUser(t.ctx);
    const { id } = await startApplication(t.ctx, applicant, testMeta);
    await getApplication(t.ctx, applicant, id);
    await expect(getApplication(t.ctx, stranger, id)).rejects.toMatchObject({ status: 404 });
  });

  it('#15/REG-1: someone added sees the application, and the others see them, at once; a new name shows at once', async () => {
    const applicant = await createUser(t.ctx);
    const colleague = await createUser(t.ctx);
    const { id } = await startApplication(t.ctx, applicant, testMeta);
    await expect(getApplication(t.ctx, colleague, id)).rejects.toMatchObject({ status: 404 });
    expect((await getApplication(t.ctx, applicant, id)).members.map((m) => m.email)).toEqual([applicant.email]);

    await addMember(t.ctx.db, id, colleague.userId, 'signatory');
    expect((await getApplication(t.ctx, colleague, id)).members.map((m) => m.email)).toEqual([
      applicant.email,
      colleague.email,
    ]);
    expect((await getApplication(t.ctx, applicant, id)).members.map((m) => m.email)).toEqual([
      applicant.email,
      colleague.email,
    ]);

    // The colleague renames themselves on their account page.
    const b = browser(t.app);
    b.jar.set('pp_session', await sessionFor(t.ctx, colleague));
    await b.get('/account');
    expect((await b.post('/account', { name: 'Renamed Colleague', language: 'en' })).statusCode).toBe(303);
    expect((await getApplication(t.ctx, applicant, id)).members.find((m) => m.email === colleague.email)?.name).toBe(
      'Renamed Colleague',
    );
  });
});
