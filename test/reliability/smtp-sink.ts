import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { freePort, LOOPBACK } from '../../bench/lib/harness.ts';

/** A message the sink accepted (answered 250 to). */
export interface Delivery {
  messageId: string;
  to: string[];
  /** The envelope sender: tells which portal process delivered it when each has its own MAIL_FROM. */
  from: string;
}

/**
 * `accept` takes every message; `refuse` turns every transaction down, in turn at MAIL FROM
 * (451), at RCPT TO (550) and after the whole DATA (452), so each stage of a refusal is seen.
 */
export type SinkMode = 'accept' | 'refuse';

export interface SmtpSink {
  readonly port: number;
  readonly url: string;
  mode: SinkMode;
  readonly accepted: Delivery[];
  /** Transactions refused, at any stage. */
  refused: number;
  /**
   * Runs after a message is recorded as accepted and before the 250 goes out: a test can kill
   * the sender in the window where the receiver has the message and the sender does not know.
   */
  beforeReply: ((delivery: Delivery) => Promise<void>) | undefined;
  /** Listens on `port` (again). */
  start(): Promise<void>;
  /** Closes the listener and every connection: the port then refuses connections. */
  stop(): Promise<void>;
  /** How many times each Message-ID was accepted. */
  countsByMessageId(): Map<string, number>;
}

/**
 * A real SMTP server on loopback that counts what it accepts by Message-ID (#16 items 2 and 3).
 * Its built-in certificate has expired, so STARTTLS is off (ARCHITECTURE.md, known facts).
 */
export async function startSmtpSink(port?: number): Promise<SmtpSink> {
  const chosenPort = port ?? (await freePort());
  let server: SMTPServer | undefined;
  let turn = 0;

  const refusal = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
  const refuseNow = (stage: number) => sink.mode === 'refuse' && turn % 3 === stage;

  const create = () => {
    const created = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 100,
      size: 10 * 1024 * 1024,
      onMailFrom(_address, _session, callback) {
        if (sink.mode === 'refuse') turn += 1;
        if (refuseNow(0)) {
          sink.refused += 1;
          return callback(refusal(451, 'local problem, try again later'));
        }
        callback();
      },
      onRcptTo(_address, _session, callback) {
        if (refuseNow(1)) {
          sink.refused += 1;
          return callback(refusal(550, 'mailbox unavailable'));
        }
        callback();
      },
      onData(stream, session: SMTPServerSession, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (refuseNow(2)) {
            sink.refused += 1;
            return callback(refusal(452, 'insufficient storage, try again later'));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const headers = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
          const delivery: Delivery = {
            messageId: /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(headers)?.[1] ?? '(none)',
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          };
          sink.accepted.push(delivery);
          const reply = () => callback();
          if (sink.beforeReply) sink.beforeReply(delivery).then(reply, reply);
          else reply();
        });
      },
    });
    // A reply to a sender that was killed fails on a closed socket; that is the point, not an error.
    created.on('error', () => undefined);
    return created;
  };

  const sink: SmtpSink = {
    port: chosenPort,
    url: `smtp://${LOOPBACK}:${chosenPort}`,
    mode: 'accept',
    accepted: [],
    refused: 0,
    beforeReply: undefined,
    async start() {
      server = create();
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.server.once('error', reject);
        listening.listen(chosenPort, LOOPBACK, () => resolve());
      });
      const address = listening.server.address() as AddressInfo;
      if (address.port !== chosenPort) throw new Error(`SMTP sink listens on ${address.port}, not ${chosenPort}`);
    },
    async stop() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    countsByMessageId() {
      const counts = new Map<string, number>();
      for (const d of sink.accepted) counts.set(d.messageId, (counts.get(d.messageId) ?? 0) + 1);
      return counts;
    },
  };
  await sink.start();
  return sink;
}
