import type { Trx } from '../../platform/db.ts';
import { translator, type Language } from '../../platform/i18n.ts';
import * as repo from './outbox.repository.ts';
import { renderActionEmail, type ActionEmail } from './email-template.tsx';

export interface Brand {
  vendor: string;
  help: string;
}

export interface OutgoingEmail extends ActionEmail {
  to: string;
  language: Language;
  /** From and Reply-To, when not the configured MAIL_FROM (e.g. the help mailbox). */
  from?: string | undefined;
}

/**
 * writes the email to the outbox inside the caller's transaction. It is delivered only if
 * the change that caused it commits, and it survives a crash between commit and delivery.
 */
export async function enqueueEmail(trx: Trx, brand: Brand, email: OutgoingEmail): Promise<number> {
  const rendered = renderActionEmail(translator(email.language), brand, email, email.language);
  return repo.insertMessage(trx, {
    recipient: email.to,
    subject: rendered.subject,
    text_body: rendered.text,
    html_body: rendered.html,
    language: email.language,
    template: email.template,
    sender: email.from ?? null,
  });
}
