import { renderToStaticMarkup } from 'preact-render-to-string';
import type { Language, Translate } from '../../platform/i18n.ts';

export interface ActionEmail {
  /**
   * i18n key prefix under `email.`: `subject`, `body`, `action` and `ignore` are read from it. A
   * name with a dot is a full key prefix, so a module keeps its emails in its own catalogue file
   * (`pica.email.admin_approved`).
   */
  template: string;
  recipientName: string;
  actionUrl?: string | undefined;
  vars?: Record<string, string> | undefined;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Renders a transactional email in the recipient's language, as plain text and as HTML. The HTML
 * part names its language so that a mail client's screen reader reads it in that language.
 */
export function renderActionEmail(
  t: Translate,
  brand: { vendor: string; help: string },
  email: ActionEmail,
  language: Language,
): RenderedEmail {
  const vars = { ...email.vars, vendor: brand.vendor, help: brand.help, name: email.recipientName };
  const key = (part: string) =>
    email.template.includes('.') ? `${email.template}.${part}` : `email.${email.template}.${part}`;
  const subject = t(key('subject'), vars);
  const paragraphs = [t(key('body'), vars)];
  const ignore = t(key('ignore'), { ...vars, defaultValue: '' });
  const action = email.actionUrl ? { label: t(key('action'), vars), url: email.actionUrl } : undefined;

  const text = [
    t('email.greeting', vars),
    '',
    ...paragraphs,
    ...(action ? ['', `${action.label}: ${action.url}`] : []),
    ...(ignore ? ['', ignore] : []),
    '',
    '--',
    t('email.signature', vars),
    t('email.help', vars),
  ].join('\n');

  const html =
    '<!doctype html>' +
    renderToStaticMarkup(
      <html lang={language}>
        <head>
          <meta charset="utf-8" />
          <title>{subject}</title>
        </head>
        <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1b; max-width: 36rem;">
          <p>{t('email.greeting', vars)}</p>
          {paragraphs.map((p) => (
            <p>{p}</p>
          ))}
          {action && (
            <p>
              <a
                href={action.url}
                style="display: inline-block; padding: 0.6em 1em; background: #0b5cad; color: #fff; text-decoration: none; border-radius: 4px;"
              >
                {action.label}
              </a>
            </p>
          )}
          {action && <p style="font-size: 0.9em; word-break: break-all;">{action.url}</p>}
          {ignore && <p style="font-size: 0.9em; color: #555;">{ignore}</p>}
          <p style="font-size: 0.9em; color: #555;">
            {t('email.signature', vars)}
            <br />
            {t('email.help', vars)}
          </p>
        </body>
      </html>,
    );
  return { subject, text, html };
}
