import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as the recipient's mail server received it, quoted-printable decoded. */
export interface CapturedMail {
  to: string[];
  raw: string;
}

export interface MailCapture {
  readonly url: string;
  readonly received: CapturedMail[];
  /** The newest message to `address`. */
  latestTo(address: string): CapturedMail | undefined;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback that keeps every message it accepts, so a test reads an email
 * the way its recipient does. The built-in certificate of smtp-server has expired: no STARTTLS
 * (ARCHITECTURE.md, known facts); give the portal's transport `ignoreTLS`.
 */
export async function captureMail(): Promise<MailCapture> {
  const received: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw: decodeQuotedPrintable(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    latestTo: (address) => received.findLast((m) => m.to.includes(address.toLowerCase())),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Bodies arrive quoted-printable encoded; soft line breaks and =XX escapes are undone to read them.
function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
