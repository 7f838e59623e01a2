import type { ComponentChildren } from 'preact';
import { LANGUAGE_NAMES, LANGUAGES } from '../i18n.ts';
import { can } from '../auth.ts';
import type { PageContext } from './page-context.ts';
import { CsrfField } from './components.tsx';

export function Layout({ ctx, title, children }: { ctx: PageContext; title: string; children: ComponentChildren }) {
  const { t, actor } = ctx;
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('app.name')}`}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/pico.min.css" />
        <link rel="stylesheet" href="/assets/app.css" />
        <script type="module" src="/assets/app.js"></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t('layout.skip')}
        </a>
        <header class="container">
          <nav aria-label={t('layout.nav_label')}>
            <ul>
              <li>
                <a href="/" class="brand">
                  <strong>{t('app.name')}</strong>
                </a>
              </li>
            </ul>
            <ul>
              <li>
                <a href="/distributors">{t('layout.distributor_locator')}</a>
              </li>
              <li>
                <a href="/partners">{t('partner_locator.title')}</a>
              </li>
              {can(actor, 'applications:review') && (
                <li>
                  <a href="/staff">{t('layout.staff_console')}</a>
                </li>
              )}
              {can(actor, 'distributors:manage') && (
                <li>
                  <a href="/staff/distributors">{t('layout.staff_distributors')}</a>
                </li>
              )}
              {can(actor, 'distributor:read') && (
                <li>
                  <a href="/distributor">{t('layout.distributor_portal')}</a>
                </li>
              )}
              <li>
                <a href="/pica">{t('pica.nav.pica')}</a>
              </li>
              {can(actor, 'pica:sponsor') && (
                <li>
                  <a href="/pica/admin">{t('pica.nav.admin')}</a>
                </li>
              )}
              {can(actor, 'entitlements:self') && (
                <li>
                  <a href="/pica/access">{t('pica.nav.access')}</a>
                </li>
              )}
              {can(actor, 'pica-admins:decide') && (
                <li>
                  <a href="/staff/pica/requests">{t('pica.nav.staff')}</a>
                </li>
              )}
              {can(actor, 'partner:read') && (
                <li>
                  <a href="/partner">{t('partner.nav')}</a>
                </li>
              )}
              {ctx.localMailbox && (can(actor, 'mailbox:read') || !actor) && (
                <li>
                  <a href="/dev/mailbox">{t('layout.mailbox')}</a>
                </li>
              )}
              {actor ? (
                <>
                  <li>
                    <a href="/apply">{t('layout.apply')}</a>
                  </li>
                  <li>
                    <a href="/account">{t('layout.account')}</a>
                  </li>
                  <li>
                    <form method="post" action="/sign-out" class="inline-form">
                      <CsrfField token={ctx.csrfToken} />
                      <button type="submit" class="secondary outline">
                        {t('layout.sign_out')}
                      </button>
                    </form>
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <a href="/sign-in">{t('layout.sign_in')}</a>
                  </li>
                  <li>
                    <a href="/sign-up" role="button">
                      {t('layout.sign_up')}
                    </a>
                  </li>
                </>
              )}
            </ul>
          </nav>
        </header>
        <main id="main" class="container" tabindex={-1}>
          {ctx.notice && (
            <p class="notice" role="status">
              {ctx.notice}
            </p>
          )}
          {children}
        </main>
        <footer class="container">
          <form
            method="post"
            action="/language"
            class="language-switcher"
            data-unsaved-warning={t('layout.unsaved_warning')}
          >
            <CsrfField token={ctx.csrfToken} />
            <input type="hidden" name="return_to" value={ctx.path} />
            <label for="language-switcher">{t('layout.language')}</label>
            <select id="language-switcher" name="language">
              {LANGUAGES.map((l) => (
                <option value={l} selected={l === ctx.lang} lang={l}>
                  {LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
            <button type="submit" class="secondary">
              {t('layout.change_language')}
            </button>
          </form>
          <p>
            <small>
              {t('layout.footer', { vendor: ctx.vendor, help: ctx.help })} ·{' '}
              <a href="/api/docs">{t('layout.api_docs')}</a>
            </small>
          </p>
        </footer>
      </body>
    </html>
  );
}
