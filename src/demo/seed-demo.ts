import type { Config } from '../config.ts';
import type { Db, Trx } from '../platform/db.ts';
import { addMonths } from '../platform/dates.ts';
import type { Language } from '../platform/i18n.ts';
import { hashPassword } from '../platform/passwords.ts';
import { hashSecret } from '../platform/tokens.ts';
import { findAccountByEmail, insertGrant, insertOrganisation, insertUser } from '../modules/accounts/index.ts';
import { recordAudit, SYSTEM_ACTOR } from '../modules/audit/index.ts';
import { claimAccount, insertDistributorIn } from '../modules/distributors/index.ts';
import { createRegisteredPartner, seedLocatorDemo, seedTrainingDemo } from '../modules/partners/index.ts';
import { recordAgreement } from '../modules/registration/index.ts';
import { normalisePartyName } from '../modules/review/index.ts';
import { DEMO_END_USER, DEMO_PICA_ADMIN, seedPicaDemo } from '../modules/pica/index.ts';
import { DEMO_LOGINS } from './demo-logins.ts';
import { seedDemoApplications, seedDemoRenewals } from './seed-demo-programme.ts';
import { DEMO_DISTRIBUTORS } from './demo-distributors.ts';

/** The password of every demo account; printed in the README. Demo data is never loaded in production. */
export const DEMO_PASSWORD = 'demo-password-2026';

export const DEMO_ACCOUNTS = [
  { email: 'admin@northwind.example', name: 'Ada Admin', role: 'staff_admin' as const },
  { email: 'reviewer@northwind.example', name: 'Rui Reviewer', role: 'staff_reviewer' as const },
  { email: 'applicant@contoso-systems.example', name: 'Carla Applicant', role: null },
];

/** The demo partner administrator (partner_admin of Kranich Systemhaus GmbH): Partner Self Service. */
export const DEMO_PARTNER_ACCOUNT = {
  email: 'partner@kranich-systemhaus.example',
  name: 'Klara Kranich',
  partner: 'Kranich Systemhaus GmbH',
};

/** The demo distributor's administrator (distributor_admin of EuroDist Networks GmbH). */
export const DEMO_DISTRIBUTOR_ACCOUNT = { email: 'distributor@eurodist.example', name: 'Dana Distributor' };

// What `serve` prints, one sign-in per role (demo-logins.ts).
DEMO_LOGINS.push(
  { role: 'applicant', email: DEMO_ACCOUNTS[2]!.email },
  { role: 'partner administrator', email: DEMO_PARTNER_ACCOUNT.email },
  { role: 'PICA administrator', email: DEMO_PICA_ADMIN.email },
  { role: 'end user', email: DEMO_END_USER.email },
  { role: 'distributor', email: DEMO_DISTRIBUTOR_ACCOUNT.email },
  { role: 'reviewer', email: DEMO_ACCOUNTS[1]!.email },
  { role: 'programme administrator', email: DEMO_ACCOUNTS[0]!.email },
);

/**
 * The demo API key of EuroDist Networks GmbH. It is public (README) and therefore only ever
 * part of demo data, which seedDemo refuses to load in production. Real keys are random and
 * shown once (createApiKey).
 */
export const DEMO_API_KEY = 'pp_demokey0_EuroDistDemoKey-NotSecret-NeverInProduction';

/** EuroDist's customer account list: what the eligibility API answers about. */
export const DEMO_ACCOUNT_LIST = [
  { account_number: 'EDN-100001', reseller_name: 'Kranich Systemhaus GmbH', country: 'DE', active: true },
  { account_number: 'EDN-100002', reseller_name: 'Zürich Netzwerk AG', country: 'CH', active: true },
  { account_number: 'EDN-100003', reseller_name: 'Donau Digital KG', country: 'AT', active: false },
  { account_number: 'EDN-100004', reseller_name: 'Bodensee Büro-IT GmbH', country: 'DE', active: true },
  { account_number: 'EDN-100005', reseller_name: 'Elbe Cloud Services GmbH', country: 'DE', active: true },
  { account_number: 'EDN-100006', reseller_name: 'Matterhorn Informatik GmbH', country: 'CH', active: true },
  { account_number: 'EDN-100007', reseller_name: 'Wiener Netzwerktechnik GmbH', country: 'AT', active: true },
  { account_number: 'EDN-100008', reseller_name: 'Hanse Datentechnik OHG', country: 'DE', active: true },
];

/**
 * Demo resellers at EuroDist, one per eligibility situation (REG-4): eligible; claim pending
 * (the number is not on the list); distributor information review overdue.
 */
const DEMO_RESELLERS = [
  {
    legalName: 'Kranich Systemhaus GmbH',
    country: 'DE',
    account: 'EDN-100001',
    reviewed: 'now',
    contact: ['Klara Kranich', 'klara@kranich-systemhaus.example', '+49 40 5550 3000'],
  },
  {
    legalName: 'Alpenblick IT GmbH',
    country: 'AT',
    account: 'AT-2026-0042',
    reviewed: 'now',
    contact: ['Anton Alpenblick', 'anton@alpenblick-it.example', '+43 1 5550 4000'],
  },
  {
    legalName: 'Zürich Netzwerk AG',
    country: 'CH',
    account: 'EDN-100002',
    reviewed: 'overdue',
    contact: ['Zoe Zürcher', 'zoe@zuerich-netzwerk.example', '+41 44 555 50 00'],
  },
] as const;

export interface DemoSummary {
  accounts: number;
  distributors: number;
  resellers: number;
}

/**
 * Loads the demo programme into an empty database: the fictional vendor and its staff, authorised
 * distributors in many countries, a distributor user with an API key, resellers with claims and
 * an account list. Does nothing when the database already has accounts, so restarts never
 * duplicate or overwrite. Everything is written, with its audit rows, in one transaction.
 */
export async function seedDemo({ db, config }: { db: Db; config: Config }): Promise<DemoSummary | undefined> {
  if (config.isProduction) return undefined;
  // Demo data goes only into an empty database. A restart asks this every time: one row read
  // (LIMIT 1) answers it however many accounts there are, where counting them read them all
  // (decision 063).
  const anyUser = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (anyUser) return undefined;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction().execute(async (trx) => {
    const vendor = await insertOrganisation(trx, { kind: 'vendor', name: config.vendorName });
    for (const account of DEMO_ACCOUNTS) {
      const user = await insertUser(trx, {
        email: account.email,
        name: account.name,
        password_hash: passwordHash,
        language: 'en',
        email_verified_at: new Date(),
      });
      if (account.role)
        await insertGrant(trx, { user_id: user.id, role: account.role, organisation_id: null, granted_by: null });
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'demo.account_created',
        subject: { type: 'user', id: user.id },
        organisationId: account.role ? vendor.id : null,
        data: { role: account.role },
      });
    }
    const distributors = new Map<string, { id: string; organisationId: string }>();
    for (const d of DEMO_DISTRIBUTORS) {
      const created = await insertDistributorIn(trx, { ...d, acceptsNewResellers: d.acceptsNewResellers ?? true });
      distributors.set(d.code, created);
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'distributor.created',
        subject: { type: 'distributor', id: created.id },
        organisationId: created.organisationId,
        data: { ...d, source: 'demo' },
      });
    }
    await seedEuroDist(trx, config, distributors.get('EURODIST')!, passwordHash);
    await seedTrainingDemo(trx);
    await seedPicaDemo(trx, passwordHash);
    // REG-11: applicants accept the current agreement version, so the demo has one, and the
    // version it superseded (partners registered under it keep it until they renew).
    // in all four languages, English governing; the statements are the programme's defaults.
    const agreements: Record<string, string> = {};
    for (const [version, effective] of [
      ['2025.1', '2025-01-01T00:00:00Z'],
      ['2026.1', '2026-01-01T00:00:00Z'],
    ] as const) {
      agreements[version] = await recordAgreement(
        trx,
        config.vendorName,
        null,
        {
          version,
          governingLanguage: 'en',
          texts: demoAgreementTexts(config.vendorName, version),
          effectiveAt: new Date(effective),
        },
        { ip: null, userAgent: null },
      );
    }
    const eurodist = distributors.get('EURODIST')!;
    const reviewer = (await findAccountByEmail(trx, DEMO_ACCOUNTS[1]!.email))!;
    await seedDemoApplications(trx, {
      agreementId: agreements['2026.1']!,
      distributorId: eurodist.id,
      reviewerId: reviewer.id,
      passwordHash,
    });
    await seedDemoRenewals(trx, {
      agreementId: agreements['2025.1']!,
      agreementEffectiveAt: new Date('2025-01-01T00:00:00Z'),
      distributorId: eurodist.id,
    });
    // Screening: the fictional sample denied-party list, so reviewers see how hits look.
    for (const party of DEMO_DENIED_PARTIES) {
      await trx
        .insertInto('denied_parties')
        .values({
          name: party.name,
          normalised_name: normalisePartyName(party.name),
          country: party.country,
          source: 'Fictional sample list',
          list_date: new Date('2026-11-01T00:00:00Z'),
        })
        .execute();
    }
    // REG-4, REG-14: the Locator lists only partners in good standing, so each demo partner has an
    // account at a distributor serving its country, confirmed by that distributor.
    for (const [i, located] of (await seedLocatorDemo(trx)).entries()) {
      const code = DEMO_DISTRIBUTORS.find(
        (d) => d.hqCountry === located.country || d.territories?.includes(located.country),
      )?.code;
      const distributor = code ? distributors.get(code) : undefined;
      if (!distributor) throw new Error(`demo data: no demo distributor serves ${located.country}`);
      await trx
        .insertInto('account_claims')
        .values({
          partner_id: located.partnerId,
          distributor_id: distributor.id,
          account_number: `${code}-${String(7001 + i)}`,
          status: 'confirmed',
          decided_at: new Date(),
          decision_source: 'distributor',
        })
        .execute();
    }
  });
  return {
    accounts: DEMO_ACCOUNTS.length + 1,
    distributors: DEMO_DISTRIBUTORS.length,
    resellers: DEMO_RESELLERS.length,
  };
}

async function seedEuroDist(
  trx: Trx,
  config: Config,
  eurodist: { id: string; organisationId: string },
  passwordHash: string,
): Promise<void> {
  const { email, name } = DEMO_DISTRIBUTOR_ACCOUNT;
  const user = await insertUser(trx, {
    email,
    name,
    password_hash: passwordHash,
    language: 'en',
    email_verified_at: new Date(),
  });
  await insertGrant(trx, {
    user_id: user.id,
    role: 'distributor_admin',
    organisation_id: eurodist.organisationId,
    granted_by: null,
  });
  await recordAudit(trx, {
    actor: SYSTEM_ACTOR,
    action: 'demo.account_created',
    subject: { type: 'user', id: user.id },
    organisationId: eurodist.organisationId,
    data: { role: 'distributor_admin' },
  });

  // Inserted as a hash like every key; the secret itself is the documented DEMO_API_KEY.
  const prefix = DEMO_API_KEY.split('_')[1]!;
  const key = await trx
    .insertInto('api_keys')
    .values({
      organisation_id: eurodist.organisationId,
      name: 'Demo ERP integration',
      prefix,
      key_hash: hashSecret(DEMO_API_KEY),
      created_by: user.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actor: SYSTEM_ACTOR,
    action: 'api_key.created',
    subject: { type: 'api_key', id: key.id },
    organisationId: eurodist.organisationId,
    data: { name: 'Demo ERP integration', prefix, source: 'demo' },
  });

  // The account list first, so that claims of listed active accounts are confirmed by it (REG-2).
  const upload = await trx
    .insertInto('account_uploads')
    .values({
      distributor_id: eurodist.id,
      filename: 'demo-accounts.csv',
      status: 'done',
      rows_read: DEMO_ACCOUNT_LIST.length,
      rows_written: DEMO_ACCOUNT_LIST.length,
      uploaded_by: user.id,
      finished_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('distributor_accounts')
    .values(DEMO_ACCOUNT_LIST.map((row) => ({ ...row, distributor_id: eurodist.id, upload_id: upload.id })))
    .execute();
  await recordAudit(trx, {
    actor: SYSTEM_ACTOR,
    action: 'account_list.uploaded',
    subject: { type: 'account_upload', id: upload.id },
    organisationId: eurodist.organisationId,
    data: { rowsRead: DEMO_ACCOUNT_LIST.length, rowsWritten: DEMO_ACCOUNT_LIST.length, source: 'demo' },
  });

  const overdue = addMonths(new Date(), -config.distributorReviewMonths - 1);
  for (const reseller of DEMO_RESELLERS) {
    const reviewedAt = reseller.reviewed === 'now' ? new Date() : overdue;
    const [contactName, contactEmail, contactPhone] = reseller.contact;
    const partnerId = await createRegisteredPartner(trx, {
      legalName: reseller.legalName,
      country: reseller.country,
      initialDistributorId: eurodist.id,
      contact: { name: contactName, email: contactEmail, phone: contactPhone },
      registeredAt: reviewedAt,
      distributorInfoReviewedAt: reviewedAt,
    });
    await recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      action: 'demo.partner_created',
      subject: { type: 'partner', id: partnerId },
      organisationId: partnerId,
      data: {
        legalName: reseller.legalName,
        country: reseller.country,
        status: 'registered',
        initialDistributorId: eurodist.id,
        distributorInfoReviewedAt: reviewedAt.toISOString(),
      },
    });
    await claimAccount(
      trx,
      { id: partnerId, country: reseller.country },
      { distributorId: eurodist.id, accountNumber: reseller.account },
      SYSTEM_ACTOR,
    );
    if (reseller.legalName === DEMO_PARTNER_ACCOUNT.partner) {
      const admin = await insertUser(trx, {
        email: DEMO_PARTNER_ACCOUNT.email,
        name: DEMO_PARTNER_ACCOUNT.name,
        password_hash: passwordHash,
        language: 'en',
        email_verified_at: new Date(),
      });
      await insertGrant(trx, {
        user_id: admin.id,
        role: 'partner_admin',
        organisation_id: partnerId,
        granted_by: null,
      });
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'demo.account_created',
        subject: { type: 'user', id: admin.id },
        organisationId: partnerId,
        data: { role: 'partner_admin' },
      });
    }
  }
}

const DEMO_DENIED_PARTIES = [
  { name: 'Blackwater Trading Company Ltd', country: 'AE' },
  { name: 'ООО «Северный Экспорт»', country: 'RU' },
  { name: 'Global Parts Diversion GmbH', country: 'DE' },
];

/** A short, fictional agreement text in each language: the real one is the vendor's to publish (staff console). */
function demoAgreementTexts(vendor: string, version: string): Record<Language, { title: string; body: string }> {
  return {
    en: {
      title: `${vendor} Indirect Channel Partner Agreement`,
      body: [
        `${vendor} Indirect Channel Partner Agreement — demo version ${version}`,
        '',
        `1. The partner resells ${vendor} products and services purchased only through ${vendor} Authorized Distributors or other ${vendor} Authorized Sources.`,
        '2. The partner maintains its distributor account information in Partner Self Service; purchases may be restricted when it is not kept current.',
        `3. The partner demonstrates ${vendor} products at the end user's location and makes professional services available with each resale.`,
        '4. Key personnel who support the account complete anticorruption training (including the U.S. Foreign Corrupt Practices Act) within 12 months of the effective date.',
        `5. ${vendor} may approve or decline an application and is not obliged to disclose the reasons for a decline.`,
        '',
        'This text is demo data and has no legal effect.',
      ].join('\n'),
    },
    es: {
      title: `Acuerdo de Socio de Canal Indirecto de ${vendor}`,
      body: [
        `Acuerdo de Socio de Canal Indirecto de ${vendor} — versión de demostración ${version}`,
        '',
        `1. El socio revende productos y servicios de ${vendor} adquiridos únicamente a través de Distribuidores Autorizados de ${vendor} u otras Fuentes Autorizadas de ${vendor}.`,
        '2. El socio mantiene actualizada la información de sus cuentas de distribuidor en Partner Self Service; las compras pueden restringirse si no la mantiene al día.',
        `3. El socio hace demostraciones de los productos de ${vendor} en las instalaciones del usuario final y ofrece servicios profesionales con cada reventa.`,
        '4. El personal clave que atiende la cuenta completa una formación anticorrupción (incluida la Ley de Prácticas Corruptas en el Extranjero de EE. UU.) en un plazo de 12 meses desde la fecha de entrada en vigor.',
        `5. ${vendor} puede aprobar o rechazar una solicitud y no está obligado a comunicar los motivos de un rechazo.`,
        '',
        'Este texto es un dato de demostración y no tiene efecto jurídico.',
      ].join('\n'),
    },
    fr: {
      title: `Accord de partenaire de distribution indirecte ${vendor}`,
      body: [
        `Accord de partenaire de distribution indirecte ${vendor} — version de démonstration ${version}`,
        '',
        `1. Le partenaire revend des produits et services ${vendor} achetés uniquement auprès de distributeurs agréés ${vendor} ou d’autres sources agréées ${vendor}.`,
        '2. Le partenaire tient à jour les informations de ses comptes distributeur dans Partner Self Service ; les achats peuvent être restreints si elles ne sont pas à jour.',
        `3. Le partenaire présente les produits ${vendor} dans les locaux de l’utilisateur final et propose des services professionnels avec chaque revente.`,
        '4. Le personnel clé qui suit le compte suit une formation anticorruption (y compris sur la loi américaine Foreign Corrupt Practices Act) dans les 12 mois suivant la date d’entrée en vigueur.',
        `5. ${vendor} peut approuver ou refuser une demande et n’est pas tenu d’indiquer les motifs d’un refus.`,
        '',
        'Ce texte est une donnée de démonstration et n’a aucun effet juridique.',
      ].join('\n'),
    },
    ja: {
      title: `${vendor} 間接チャネルパートナー契約`,
      body: [
        `${vendor} 間接チャネルパートナー契約 — デモ版 ${version}`,
        '',
        `1. パートナーは、${vendor} 認定ディストリビューターまたはその他の ${vendor} 認定供給元からのみ購入した ${vendor} の製品およびサービスを再販します。`,
        '2. パートナーは、Partner Self Service でディストリビューターのアカウント情報を最新に保ちます。最新でない場合、購入が制限されることがあります。',
        `3. パートナーは、エンドユーザーの拠点で ${vendor} 製品のデモを行い、再販ごとにプロフェッショナルサービスを提供します。`,
        '4. アカウントを担当する主要な担当者は、発効日から 12 か月以内に腐敗防止研修（米国海外腐敗行為防止法を含む）を修了します。',
        `5. ${vendor} は申請を承認または却下することができ、却下の理由を開示する義務を負いません。`,
        '',
        'この本文はデモデータであり、法的効力はありません。',
      ].join('\n'),
    },
  };
}
