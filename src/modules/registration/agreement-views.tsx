import { formatDate } from '../../platform/dates.ts';
import { LANGUAGE_NAMES as LANGUAGE_NAMES_OWN, LANGUAGES } from '../../platform/i18n.ts';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { fieldId } from '../../platform/views/components.tsx';
import type { AgreementText, AgreementView } from './agreements.service.ts';

// X-1, REG-11: an agreement version is read in the reader's language when it has a text in it;
// otherwise the governing text shows with a plain statement that it is the binding version. A
// translation always links to the governing text (decision 052).

export const agreementTextPath = (version: string, language: string) =>
  `/agreements/${encodeURIComponent(version)}?lang=${language}`;

/** Whose language the text is in, and which text governs: a statement, and a link when a translation is read. */
function LanguageNotice({
  ctx,
  agreement,
  shown,
  fallback,
}: {
  ctx: PageContext;
  agreement: AgreementView;
  shown: AgreementText;
  fallback: boolean;
}) {
  const { t } = ctx;
  const name = (language: string) => t(`common.language_names.${language}`);
  if (fallback) {
    return (
      <p class="notice-warning binding-notice" role="note">
        {t('consent.binding_notice', { language: name(shown.language) })}
      </p>
    );
  }
  if (shown.language === agreement.governingLanguage) return null;
  return (
    <p class="translation-notice" role="note">
      {t('consent.translation_notice', {
        language: name(shown.language),
        governing: name(agreement.governingLanguage),
      })}{' '}
      <a
        href={agreementTextPath(agreement.version, agreement.governingLanguage)}
        hreflang={agreement.governingLanguage}
      >
        {t('consent.governing_link', { governing: name(agreement.governingLanguage) })}
      </a>
    </p>
  );
}

/** The agreement on the review-and-submit step, in the text the applicant signs. */
export function AgreementSection({
  ctx,
  agreement,
  shown,
  fallback,
  error,
}: {
  ctx: PageContext;
  agreement: AgreementView;
  shown: AgreementText;
  fallback: boolean;
  error?: string | undefined;
}) {
  const { t, lang } = ctx;
  return (
    <section class="agreement" id={fieldId('sign.text_hash')} tabindex={-1}>
      <h3 id="agreement-title">
        {t('registration.agreement_heading', { title: shown.title, version: agreement.version })}
      </h3>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <p>
        <small>{t('registration.agreement_effective', { date: formatDate(agreement.effectiveAt, lang) })}</small>
      </p>
      <LanguageNotice ctx={ctx} agreement={agreement} shown={shown} fallback={fallback} />
      <div class="agreement-text" tabindex={0} role="region" aria-labelledby="agreement-title" lang={shown.language}>
        {shown.body}
      </div>
    </section>
  );
}

/** GET /agreements/<version>?lang=…: one version's text in one language, with its statements. */
export function AgreementPage({
  ctx,
  agreement,
  shown,
  fallback,
}: {
  ctx: PageContext;
  agreement: AgreementView;
  shown: AgreementText;
  fallback: boolean;
}) {
  const { t, lang } = ctx;
  const title = t('registration.agreement_heading', { title: shown.title, version: agreement.version });
  const others = LANGUAGES.filter((l) => l !== shown.language && agreement.texts.some((x) => x.language === l));
  return (
    <Layout ctx={ctx} title={title}>
      <h1 lang={shown.language}>{title}</h1>
      <p>{t('consent.page_intro', { version: agreement.version, date: formatDate(agreement.effectiveAt, lang) })}</p>
      <p>{t('consent.language_of_text', { language: t(`common.language_names.${shown.language}`) })}</p>
      <LanguageNotice ctx={ctx} agreement={agreement} shown={shown} fallback={fallback} />
      <div class="agreement-text" lang={shown.language}>
        {shown.body}
      </div>
      <h2>{t('registration.release_title')}</h2>
      <p class="preserve-lines" lang={shown.language}>
        {shown.releaseOfInformation}
      </p>
      <h2>{t('fields.sign.confirms_authority')}</h2>
      <p lang={shown.language}>{shown.signatureAuthority}</p>
      {others.length > 0 && (
        <nav aria-labelledby="other-languages">
          <h2 id="other-languages">{t('consent.other_languages')}</h2>
          <ul>
            {others.map((l) => (
              <li>
                <a href={agreementTextPath(agreement.version, l)} hreflang={l} lang={l}>
                  {LANGUAGE_NAMES_OWN[l]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </Layout>
  );
}
