import { AGREEMENTS_TOPIC, cacheFor } from '../../platform/cache.ts';
import { auditActor, requirePermission, type Actor } from '../../platform/auth.ts';
import { type AppContext, type RequestMeta } from '../../platform/context.ts';
import type { Trx } from '../../platform/db.ts';
import { validationFailed } from '../../platform/errors.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { LANGUAGES, translator, type Language } from '../../platform/i18n.ts';
import { sha256 } from '../../platform/tokens.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import * as repo from './registration.repository.ts';
import {
  agreementTextHash,
  checkAgreement,
  isTextGiven,
  type AgreementInput,
  type ShownText,
  releaseOfInformationText,
  signatureAuthorityText,
} from './agreement-texts.rules.ts';

// ---- Agreements (REG-11, X-1) ----

/** one language's texts of a version, with the hash that names exactly them. */
export interface AgreementText extends ShownText {
  textHash: string;
}

/** REG-11: an agreement version as applicants read and accept it; title and body are the governing text. */
export interface AgreementView {
  id: string;
  version: string;
  title: string;
  body: string;
  effectiveAt: Date;
  governingLanguage: Language;
  texts: AgreementText[];
}

/** REG-11: one published version, as programme staff list them. */
export interface AgreementVersion {
  id: string;
  version: string;
  title: string;
  bodyHash: string;
  effectiveAt: Date;
  publishedAt: Date;
  publishedBy: string | null;
}

export type PublishAgreementInput = Omit<AgreementInput, 'governingLanguage'> & { governingLanguage: Language };

async function agreementView(ctx: AppContext, row: repo.AgreementRow | undefined): Promise<AgreementView | null> {
  if (!row) return null;
  const texts = (await repo.agreementTexts(ctx.db, row.id)).map((t) => ({
    language: t.language,
    title: t.title,
    body: t.body,
    // Versions published before the statements were versioned showed the English defaults.
    releaseOfInformation: t.release_text ?? releaseOfInformationText(ctx.config.vendorName),
    signatureAuthority: t.authority_text ?? signatureAuthorityText(ctx.config.vendorName),
    textHash: t.text_hash,
  }));
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    body: row.body,
    effectiveAt: row.effective_at,
    governingLanguage: row.governing_language,
    texts,
  };
}

export async function currentAgreementView(ctx: AppContext): Promise<AgreementView | null> {
  const cache = cacheFor<AgreementView | null>(ctx.db, AGREEMENTS_TOPIC, CURRENT_AGREEMENT_TTL_MS, 1, { eager: true });
  const kept = cache.get('current');
  if (kept !== undefined) return kept;
  const generation = cache.generation;
  const view = await agreementView(ctx, await repo.currentAgreement(ctx.db));
  if (cache.generation === generation) cache.set('current', view);
  return view;
}

/**
 * The current version is read by every wizard page and submission and changes when staff publish
 * one (AGREEMENTS_TOPIC), so it is kept this long; a version published to take effect later
 * becomes current at most this late (#15, decision 064). Callers must not change what they get.
 */
const CURRENT_AGREEMENT_TTL_MS = 5_000;

/** a version in effect (current or superseded), by its number, for the page that shows any of its languages. */
export async function agreementVersionView(ctx: AppContext, version: string): Promise<AgreementView | null> {
  const row = await repo.findAgreementByVersion(ctx.db, version);
  return row && row.effective_at <= new Date() ? agreementView(ctx, row) : null;
}

/** REG-11: every version of the agreement, the newest effective first, for programme staff. */
export async function listAgreementVersions(ctx: AppContext, actor: Actor | null): Promise<AgreementVersion[]> {
  requirePermission(actor, 'applications:review');
  const rows = await repo.agreementVersions(ctx.db);
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    title: r.title,
    bodyHash: r.body_hash,
    effectiveAt: r.effective_at,
    publishedAt: r.published_at,
    publishedBy: r.published_by_name,
  }));
}

/** the programme's statements in a language, used when staff publish a language without them. */
export function defaultStatements(
  language: Language,
  vendor: string,
): { releaseOfInformation: string; signatureAuthority: string } {
  const t = translator(language);
  return {
    releaseOfInformation: t('consent.release_of_information', { vendor }),
    signatureAuthority: t('consent.signature_authority', { vendor }),
  };
}

/** REG-11, X-1: writes a new agreement version and its texts inside the caller's transaction (demo data, staff console). */
export async function recordAgreement(
  trx: Trx,
  vendor: string,
  actor: Actor | null,
  input: PublishAgreementInput,
  meta: RequestMeta,
): Promise<string> {
  const texts = LANGUAGES.filter((l) => isTextGiven(input.texts[l])).map((language): AgreementText => {
    const given = input.texts[language]!;
    const defaults = defaultStatements(language, vendor);
    const shown = {
      title: given.title.trim(),
      body: given.body,
      releaseOfInformation: given.releaseOfInformation?.trim() || defaults.releaseOfInformation,
      signatureAuthority: given.signatureAuthority?.trim() || defaults.signatureAuthority,
    };
    return { language, ...shown, textHash: agreementTextHash(shown) };
  });
  const governing = texts.find((t) => t.language === input.governingLanguage);
  // Callers other than publishAgreement (demo data, fixtures) skip checkAgreement: the governing text is still required.
  if (!governing) throw validationFailed([{ field: `texts.${input.governingLanguage}.body`, rule: 'required' }]);
  const version = input.version.trim();
  const row = await repo.insertAgreement(trx, {
    kind: 'icpa',
    version,
    title: governing.title,
    body: governing.body,
    body_hash: sha256(governing.body),
    effective_at: input.effectiveAt,
    published_by: actor?.userId ?? null,
    governing_language: input.governingLanguage,
  });
  await repo.insertAgreementTexts(
    trx,
    texts.map((t) => ({
      agreement_id: row.id,
      language: t.language,
      title: t.title,
      body: t.body,
      release_text: t.releaseOfInformation,
      authority_text: t.signatureAuthority,
      text_hash: t.textHash,
    })),
  );
  const hashes = Object.fromEntries(texts.map((t) => [t.language, t.textHash]));
  await recordAudit(trx, {
    actor: actor ? auditActor(actor) : SYSTEM_ACTOR,
    action: 'agreement.published',
    subject: { type: 'agreement', id: row.id },
    ip: meta.ip,
    data: {
      version,
      effectiveAt: input.effectiveAt.toISOString(),
      bodyHash: sha256(governing.body),
      governingLanguage: input.governingLanguage,
      textHashes: hashes,
    },
  });
  return row.id;
}

/** REG-11, X-1: programme staff publish a new version of the Indirect Channel Partner Agreement, with its texts per language. */
export async function publishAgreement(
  ctx: AppContext,
  actor: Actor | null,
  input: AgreementInput,
  meta: RequestMeta,
): Promise<string> {
  requirePermission(actor, 'agreements:publish');
  const problems = checkAgreement(input);
  if (problems.length > 0) throw validationFailed(problems);
  const checked = { ...input, governingLanguage: input.governingLanguage as Language };
  try {
    return await ctx.db
      .transaction()
      .execute((trx) => recordAgreement(trx, ctx.config.vendorName, actor, checked, meta));
  } catch (error) {
    if (isUniqueViolation(error))
      throw validationFailed([{ field: 'version', rule: 'agreement_version_taken', params: { value: input.version } }]);
    throw error;
  }
}
