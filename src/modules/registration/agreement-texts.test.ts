import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  createDistributor,
  createStaffAdmin,
  createUser,
  sessionFor,
  testMeta,
  type DistributorFixture,
} from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import { translator, type Language } from '../../platform/i18n.ts';
import { type ApplicationAnswers, type Step } from './registration.rules.ts';
import { releaseOfInformationText } from './agreement-texts.rules.ts';
import { saveStep, startApplication } from './registration.service.ts';
import { currentAgreementView, publishAgreement } from './agreements.service.ts';

// X-1, REG-6, REG-11 (#9 item 2): the binding texts are read in the applicant's language, the
// governing one is a link away, and the consent keeps the language and hash of what was shown.

let t: TestApp;
let eurodist: DistributorFixture;
let staff: Actor;
const VENDOR = 'Northwind Networks';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const decode = (s: string) =>
  s
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
const JA_AUTHORITY = '私はこの法人を代表して署名する権限を有します（テスト用の表明）。';

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE', legalName: 'EuroDist GmbH' });
  staff = await createStaffAdmin(t.ctx);
  // English governs; Spanish takes the programme's statements; Japanese brings its own; French has no text.
  await publishAgreement(
    t.ctx,
    staff,
    {
      version: '2026.1',
      governingLanguage: 'en',
      effectiveAt: new Date('2026-01-01'),
      texts: {
        en: { title: 'Indirect Channel Partner Agreement', body: 'The terms of the agreement.' },
        es: { title: 'Acuerdo de Socio de Canal Indirecto', body: 'Los términos del acuerdo.' },
        ja: { title: '間接チャネルパートナー契約', body: '契約の条件。', signatureAuthority: JA_AUTHORITY },
      },
    },
    testMeta,
  );
});
afterAll(() => t.close());

function answers(email: string): ApplicationAnswers {
  const domain = email.split('@')[1]!;
  return {
    company: {
      legalName: `Reseller ${domain}`,
      legalForm: 'limited_company',
      country: 'DE',
      website: `https://${domain}`,
      registrationNumber: 'HRB 1',
    },
    contacts: { primary: { name: 'Applicant Person', email, phone: '+49 30 901820', title: 'CEO' } },
    locations: {
      items: [{ lines: ['Friedrichstraße 1'], city: 'Berlin', postcode: '10117', country: 'DE', type: 'office' }],
    },
    distributors: {
      items: [{ distributorId: eurodist.id, accountNumber: `ACC-${domain}` }],
      initialDistributorId: eurodist.id,
    },
    added_value: {
      canDemonstrate: true,
      providesServices: true,
      servicesDescription: 'Demonstrations on site and professional services with every sale.',
    },
    personnel: { items: [{ name: 'Key Person', email: `key@${domain}`, role: 'Account manager' }] },
  };
}

/** A completed application, and a browser signed in as its applicant, speaking `language`. */
async function completed(language: Language) {
  const email = `carla@reseller-${language}-${Math.random().toString(36).slice(2, 8)}.example`;
  const actor = await createUser(t.ctx, [], email);
  const app = await startApplication(t.ctx, actor, testMeta);
  let version = app.version;
  const all = answers(email);
  for (const step of Object.keys(all) as Step[])
    version = (await saveStep(t.ctx, actor, app.id, step, all[step], version, testMeta)).application.version;
  const b = browser(t.app);
  b.jar.set('pp_session', await sessionFor(t.ctx, actor));
  await b.get('/apply');
  await b.post('/language', { language, return_to: '/apply' });
  return { id: app.id, b };
}

const hidden = (html: string, name: string) =>
  new RegExp(`name="${name.replace('.', '\\.')}" value="([^"]*)"`).exec(html)?.[1] ?? '';
const signing = (html: string) => ({
  'sign.confirms_authority': 'yes',
  'sign.signatory_name': 'Carla Applicant',
  'sign.signatory_title': 'Directora',
  'sign.agreement': 'yes',
  'sign.agreement_version': hidden(html, 'sign.agreement_version'),
  'sign.release_consent': 'yes',
  'sign.text_language': hidden(html, 'sign.text_language'),
  'sign.text_hash': hidden(html, 'sign.text_hash'),
});

describe('X-1: agreement and consent texts per language', () => {
  it('X-1, REG-6, REG-11: the Spanish review step shows the Spanish agreement, release of information and authority statement, and links to the governing text', async () => {
    const { id, b } = await completed('es');
    const page = await b.get(`/apply/${id}/review`);
    expect(page.statusCode).toBe(200);
    const text = decode(page.body);
    const es = translator('es');
    expect(text).toContain('Acuerdo de Socio de Canal Indirecto, versión 2026.1');
    expect(page.body).toMatch(/<div class="agreement-text"[^>]*lang="es">Los términos del acuerdo.<\/div>/);
    expect(text).toContain(es('consent.release_of_information', { vendor: VENDOR }));
    expect(text).toContain(es('consent.signature_authority', { vendor: VENDOR }));
    expect(text).not.toContain(releaseOfInformationText(VENDOR));
    expect(text).not.toContain('The terms of the agreement.');
    expect(page.body).toContain('href="/agreements/2026.1?lang=en"');
    expect(text).toContain('El texto en inglés es el que prevalece.');
    expect(hidden(page.body, 'sign.text_language')).toBe('es');

    // The governing text, one link away.
    const governing = await b.get('/agreements/2026.1?lang=en');
    expect(governing.statusCode).toBe(200);
    expect(governing.body).toContain('The terms of the agreement.');
    expect(decode(governing.body)).toContain(releaseOfInformationText(VENDOR));
    expect((await b.get('/agreements/1999.9?lang=en')).statusCode).toBe(404);
  });

  it('X-1, REG-6: the consent records keep the language shown and the hash of exactly the words consented to', async () => {
    const { id, b } = await completed('ja');
    const page = await b.get(`/apply/${id}/review`);
    expect(decode(page.body)).toContain(JA_AUTHORITY);
    const res = await b.post(`/apply/${id}/submit`, signing(page.body));
    expect(res.statusCode).toBe(303);
    const consents = await t.ctx.db
      .selectFrom('consents')
      .select(['kind', 'language', 'text_hash', 'text_version'])
      .where('application_id', '=', id)
      .orderBy('kind')
      .execute();
    const ja = translator('ja');
    expect(consents).toEqual([
      { kind: 'icpa', language: 'ja', text_hash: sha256('契約の条件。'), text_version: '2026.1' },
      {
        kind: 'release_of_information',
        language: 'ja',
        text_hash: sha256(ja('consent.release_of_information', { vendor: VENDOR })),
        text_version: '2026.1',
      },
      { kind: 'signature_authority', language: 'ja', text_hash: sha256(JA_AUTHORITY), text_version: '2026.1' },
    ]);
  });

  it('X-1: a language without a published text shows the governing text with a plain statement that it is the binding version', async () => {
    const { id, b } = await completed('fr');
    const page = await b.get(`/apply/${id}/review`);
    const text = decode(page.body);
    expect(text).toContain(
      'Cet accord n’est pas publié dans votre langue. Le texte ci-dessous est en anglais, la langue qui fait foi pour cette version : c’est la version qui engage les parties.',
    );
    expect(page.body).toMatch(/<div class="agreement-text"[^>]*lang="en">The terms of the agreement.<\/div>/);
    expect(text).toContain(releaseOfInformationText(VENDOR));
    expect(hidden(page.body, 'sign.text_language')).toBe('en');
    const res = await b.post(`/apply/${id}/submit`, signing(page.body));
    expect(res.statusCode).toBe(303);
    const languages = await t.ctx.db
      .selectFrom('consents')
      .select('language')
      .where('application_id', '=', id)
      .execute();
    expect(languages.map((c) => c.language)).toEqual(['en', 'en', 'en']);
  });

  it('X-1, REG-11: the API returns the texts per language with their hashes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/agreements/current' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      version: '2026.1',
      governingLanguage: 'en',
      title: 'Indirect Channel Partner Agreement',
    });
    expect(body.texts.map((x: { language: string }) => x.language)).toEqual(['en', 'es', 'ja']);
    expect(body.texts[1]).toMatchObject({
      language: 'es',
      body: 'Los términos del acuerdo.',
      releaseOfInformation: translator('es')('consent.release_of_information', { vendor: VENDOR }),
    });
    expect(body.texts[1].textHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('X-1: staff publish through the API with texts per language; statements left out are the programme’s wording', async () => {
    const b = browser(t.app);
    b.jar.set('pp_session', await sessionFor(t.ctx, staff));
    const res = await b.json('POST', '/api/v1/staff/agreements', {
      version: '2098.1',
      governingLanguage: 'fr',
      effectiveAt: '2098-01-01T00:00:00Z',
      texts: {
        fr: { title: 'Accord', body: 'Conditions.' },
        ja: { title: '契約', body: '条件。', signatureAuthority: '権限があります。' },
      },
    });
    expect(res.statusCode).toBe(201);
    const texts = await t.ctx.db
      .selectFrom('agreement_texts')
      .select(['language', 'title', 'authority_text', 'release_text'])
      .where('agreement_id', '=', res.json().id)
      .orderBy('language')
      .execute();
    expect(texts).toEqual([
      {
        language: 'fr',
        title: 'Accord',
        authority_text: translator('fr')('consent.signature_authority', { vendor: VENDOR }),
        release_text: translator('fr')('consent.release_of_information', { vendor: VENDOR }),
      },
      {
        language: 'ja',
        title: '契約',
        authority_text: '権限があります。',
        release_text: translator('ja')('consent.release_of_information', { vendor: VENDOR }),
      },
    ]);
    // Not in effect yet: its texts are not public.
    expect((await b.get('/agreements/2098.1?lang=fr')).statusCode).toBe(404);
  });

  // Last: it publishes a newer version.
  it('X-1, REG-11: a submission with a text that is no longer current is refused with 409 naming the field, and nothing is recorded', async () => {
    const { id, b } = await completed('es');
    const page = await b.get(`/apply/${id}/review`);
    const form = signing(page.body);
    await publishAgreement(
      t.ctx,
      staff,
      {
        version: '2026.2',
        governingLanguage: 'en',
        effectiveAt: new Date(Date.now() - 1000),
        texts: { en: { title: 'ICPA', body: 'New terms.' }, es: { title: 'ICPA', body: 'Términos nuevos.' } },
      },
      testMeta,
    );
    const res = await b.post(`/apply/${id}/submit`, form);
    expect(res.statusCode).toBe(409);
    const text = decode(res.body);
    expect(text).toContain(translator('es')('rules.agreement_text_changed'));
    expect(res.body).toContain('href="#field-sign.text_hash"');
    expect(res.body).toContain('Términos nuevos.');
    expect(await t.ctx.db.selectFrom('consents').select('id').where('application_id', '=', id).execute()).toEqual([]);

    // The API says the same, naming the field.
    const current = (await currentAgreementView(t.ctx))!;
    const api = await b.json('POST', `/api/v1/applications/${id}/submit`, {
      confirmsAuthority: true,
      name: 'Carla',
      title: 'CEO',
      acceptedAgreementVersion: current.version,
      consentsToRelease: true,
      textLanguage: 'es',
      textHash: form['sign.text_hash'],
    });
    expect(api.statusCode).toBe(409);
    expect(api.json().error).toMatchObject({ code: 'agreement_text_changed' });
    expect(JSON.stringify(api.json())).toContain('sign.text_hash');

    // Reading the current page and submitting it goes through.
    const fresh = await b.get(`/apply/${id}/review`);
    expect((await b.post(`/apply/${id}/submit`, signing(fresh.body))).statusCode).toBe(303);
  });
});
