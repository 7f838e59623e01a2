import nodemailer from 'nodemailer';

export interface MailMessage {
  from: string;
  replyTo?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

export interface MailTransport {
  /** Stored with each delivered message: 'smtp' or 'mailbox'. */
  readonly name: 'smtp' | 'mailbox';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Real delivery through an SMTP server. */
export function smtpTransport(url: string, options: { ignoreTLS?: boolean } = {}): MailTransport {
  const transporter = nodemailer.createTransport({ url, ...(options.ignoreTLS ? { ignoreTLS: true } : {}) });
  return {
    name: 'smtp',
    async send(message) {
      await transporter.sendMail({ ...message, headers: { 'Auto-Submitted': 'auto-generated' } });
    },
    close: () => transporter.close(),
  };
}

/**
 * The embedded default without SMTP: a message is "delivered" by staying in the outbox table,
 * where the local mailbox page (/dev/mailbox) shows it.
 */
export function mailboxTransport(): MailTransport {
  return { name: 'mailbox', send: async () => {}, close: () => {} };
}
