import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { mailboxTransport, smtpTransport, type MailTransport } from '../../platform/mail.ts';
import { enqueueEmail } from './outbox.service.ts';
import { deliverDue } from './outbox.worker.ts';
import { afterFailedAttempt, MAX_DELIVERY_ATTEMPTS, retryDelayMs } from './outbox.rules.ts';

interface Received {
  to: string[];
  raw: string;
}

let t: TestDatabase;
let server: SMTPServer;
let port: number;
const received: Received[] = [];
let rejectRecipients = false;

beforeAll(async () => {
  t = await createTestDatabase();
  // A real SMTP server on loopback. Its built-in certificate has expired, so no STARTTLS.
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejectRecipients) return callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: decodeQuotedPrintable(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  // Pooled SMTP connections stay open until their transport closes; the server waits for them.
  for (const opened of transports) opened.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.destroy();
});

// Bodies arrive quoted-printable encoded; soft line breaks and =XX escapes are undone to read them.
function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const brand = { vendor: 'Northwind Networks', help: 'web-help@northwind.example' };
const transports: MailTransport[] = [];
const transport = () => {
  const opened = smtpTransport(`smtp://127.0.0.1:${port}`, { ignoreTLS: true });
  transports.push(opened);
  return opened;
};
const options = () => ({
  db: t.db,
  transport: transport(),
  from: 'Portal <no-reply@portal.test>',
  messageIdDomain: 'portal.test',
});

async function enqueue(to: string) {
  return t.db.transaction().execute((trx) =>
    enqueueEmail(trx, brand, {
      to,
      language: 'en',
      template: 'verify',
      recipientName: 'Ann',
      actionUrl: 'http://portal.test/verify-email?token=abc',
    }),
  );
}

const statusOf = (id: number) => t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('X-2 email outbox', () => {
  it('X-2: delivers a committed message over real SMTP and marks it sent', async () => {
    const id = await enqueue('ann@contoso.example');
    expect((await statusOf(id)).status).toBe('pending');
    expect(await deliverDue(options())).toBe(1);
    const mail = received.find((r) => r.to.includes('ann@contoso.example'));
    expect(mail).toBeDefined();
    expect(mail!.raw).toContain('Subject: Confirm your email address');
    expect(mail!.raw).toContain(`Message-ID: <outbox-${id}@portal.test>`);
    expect(mail!.raw).toContain('http://portal.test/verify-email?token=abc');
    const row = await statusOf(id);
    expect(row).toMatchObject({ status: 'sent', transport: 'smtp', attempts: 1 });
    // A second pass finds nothing more to send.
    expect(await deliverDue(options())).toBe(0);
  });

  it('issue #10: keeps no live token link once SMTP has the message; the local mailbox keeps its copy', async () => {
    const token = 'A'.repeat(43);
    const send = (to: string) =>
      t.db.transaction().execute((trx) =>
        enqueueEmail(trx, brand, {
          to,
          language: 'en',
          template: 'reset',
          recipientName: 'Ann',
          actionUrl: `http://portal.test/reset-password?token=${token}`,
        }),
      );
    const id = await send('redact@contoso.example');
    expect((await statusOf(id)).text_body).toContain(token);
    expect(await deliverDue(options())).toBe(1);
    expect(received.find((r) => r.to.includes('redact@contoso.example'))!.raw).toContain(`token=${token}`);
    const row = await statusOf(id);
    expect(row.text_body).not.toContain(token);
    expect(row.html_body).not.toContain(token);
    expect(row.text_body).toContain('http://portal.test/reset-password?token=removed-after-delivery');
    const local = await send('local@contoso.example');
    expect(await deliverDue({ ...options(), transport: mailboxTransport() })).toBe(1);
    expect((await statusOf(local)).text_body).toContain(token);
  });

  it('X-2: never sends a message whose transaction rolled back', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, brand, {
          to: 'ghost@contoso.example',
          language: 'en',
          template: 'verify',
          recipientName: 'Ghost',
        });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await deliverDue(options());
    expect(received.some((r) => r.to.includes('ghost@contoso.example'))).toBe(false);
    expect(
      await t.db.selectFrom('outbox').select('id').where('recipient', '=', 'ghost@contoso.example').execute(),
    ).toHaveLength(0);
  });

  it('X-2: keeps a message after a failed delivery and retries it with backoff', async () => {
    const id = await enqueue('retry@contoso.example');
    rejectRecipients = true;
    const before = Date.now();
    expect(await deliverDue(options())).toBe(0);
    rejectRecipients = false;
    const failed = await statusOf(id);
    expect(failed.status).toBe('pending');
    expect(failed.attempts).toBe(1);
    expect(failed.last_error).toMatch(/busy/);
    expect(failed.next_attempt_at.getTime()).toBeGreaterThanOrEqual(before + retryDelayMs(1) - 1000);
    // Not due yet: nothing is sent.
    expect(await deliverDue(options())).toBe(0);
    // Once due, it goes out.
    await t.db
      .updateTable('outbox')
      .set({ next_attempt_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    expect(await deliverDue(options())).toBe(1);
    expect((await statusOf(id)).status).toBe('sent');
  });

  it('X-2: delivers each message once when several workers drain the outbox at once', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => enqueue(`many${i}@contoso.example`)));
    const counts = await Promise.all([
      deliverDue({ ...options(), batchSize: 3 }),
      deliverDue({ ...options(), batchSize: 3 }),
      deliverDue({ ...options(), batchSize: 20 }),
    ]);
    while ((await deliverDue(options())) > 0);
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10);
    for (let i = 0; i < 10; i++)
      expect(received.filter((r) => r.to.includes(`many${i}@contoso.example`))).toHaveLength(1);
    const rows = await t.db.selectFrom('outbox').select(['status']).where('id', 'in', ids).execute();
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('X-2: backs off exponentially and gives up after the last attempt', () => {
    const now = new Date(0);
    expect(retryDelayMs(1)).toBe(30_000);
    expect(retryDelayMs(2)).toBe(60_000);
    expect(retryDelayMs(3)).toBe(120_000);
    expect(retryDelayMs(30)).toBe(3_600_000);
    expect(afterFailedAttempt(1, now)).toEqual({ status: 'pending', nextAttemptAt: new Date(30_000) });
    expect(afterFailedAttempt(MAX_DELIVERY_ATTEMPTS, now)).toEqual({ status: 'failed' });
  });
});
