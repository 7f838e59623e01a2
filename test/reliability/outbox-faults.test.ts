import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../../bench/lib/harness.ts';
import { enqueueEmail } from '../../src/modules/outbox/index.ts';
import { reliabilityDatabase, waitUntil, type ReliabilityDatabase } from './reliability-database.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

/**
 * #16 item 2: the email outbox under SMTP faults, with the real server process.
 *
 * The SMTP server first refuses every transaction (451 at MAIL FROM, 550 at RCPT TO, 452 after
 * DATA), then disappears (its port refuses connections), then comes back on the same port.
 * A burst of messages written through the outbox module before the portal starts, and messages
 * that real product actions (password-reset requests over HTTP) queue while the server is
 * away, must each arrive exactly once, counted at the SMTP server by Message-ID. Then the
 * portal is killed (SIGKILL) after the SMTP server has a message and before the portal hears
 * its 250: the restarted portal sends it again with the same Message-ID — at-least-once, and
 * exactly once after the receiver's Message-ID dedupe (decisions 007 and 058).
 *
 * CI mode: 40 messages, and the killed portal's 2-minute claim lease is aged in the database
 * while the portal is down. RELIABILITY_FULL=1: 400 messages, and the restarted portal waits
 * out the real lease.
 */
const FULL = process.env.RELIABILITY_FULL === '1';
const BURST = FULL ? 400 : 40;
const DURING_OUTAGE = 3;
const SECRET = 'outbox-faults-session-secret-0123456789abcdef';

let database: ReliabilityDatabase;
let sink: SmtpSink;
let app: ServerProcess | undefined;

const burstRecipient = (i: number) => `burst-${i}@faults.example`;
const userEmail = (i: number) => `reset-${i}@faults.example`;
const killRecipient = userEmail(DURING_OUTAGE);

async function startPortal(): Promise<ServerProcess> {
  return startServer(
    'portal',
    'src/server.ts',
    { ...database.env, SMTP_URL: sink.url, SESSION_SECRET: SECRET, DEMO: '0', LOG_LEVEL: 'warn' },
    '/readyz',
    { timeoutMs: 120_000 },
  );
}

async function requestReset(portal: ServerProcess, email: string): Promise<void> {
  const res = await fetch(`${portal.url}/api/v1/auth/password-reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  expect(res.status, `password reset for ${email}`).toBe(202);
}

async function killNow(portal: ServerProcess): Promise<void> {
  const { child } = portal;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** Whether a TCP connection to the port is refused (nothing listens). */
async function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

const outboxRows = () =>
  database.use((db) =>
    db.selectFrom('outbox').select(['id', 'recipient', 'status', 'attempts', 'locked_until']).orderBy('id').execute(),
  );

beforeAll(async () => {
  sink = await startSmtpSink();
  sink.mode = 'refuse';
  database = await reliabilityDatabase();
  // Set-up through the modules' own service API: the burst, and the accounts that ask for resets later.
  await database.use(async (db) => {
    await db
      .insertInto('users')
      .values(
        Array.from({ length: DURING_OUTAGE + 1 }, (_, i) => ({
          email: userEmail(i),
          name: `Reset ${i}`,
          password_hash: 'not-a-real-hash',
          language: 'en',
          email_verified_at: new Date(),
        })),
      )
      .execute();
    const brand = { vendor: 'Northwind Networks', help: 'help@faults.example' };
    for (let i = 0; i < BURST; i++)
      await db.transaction().execute((trx) =>
        enqueueEmail(trx, brand, {
          to: burstRecipient(i),
          language: 'en',
          template: 'verify',
          recipientName: `B${i}`,
        }),
      );
  });
  app = await startPortal();
});

afterAll(async () => {
  await app?.stop();
  await sink?.stop();
  await database?.destroy();
});

describe(`#16.2 email outbox under SMTP faults (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('#16.2 the SMTP server refuses every transaction, at MAIL FROM, RCPT TO and DATA: nothing is accepted', async () => {
    await waitUntil(`${BURST} refused transactions (one per burst message)`, () => sink.refused >= BURST, {
      timeoutMs: 60_000,
    });
    expect(sink.accepted).toHaveLength(0);
  });

  it('#16.2 the SMTP server disappears: its port refuses connections while product actions queue more email', async () => {
    await sink.stop();
    expect(await refusesConnections(sink.port)).toBe(true);
    for (let i = 0; i < DURING_OUTAGE; i++) await requestReset(app!, userEmail(i));
    if (database.engine === 'postgres') {
      // Seen in the database: the worker has tried each of them against the closed port.
      await waitUntil('an attempt at every reset email while the SMTP server is away', async () => {
        const rows = (await outboxRows()).filter((r) => r.recipient.startsWith('reset-'));
        return rows.length === DURING_OUTAGE && rows.every((r) => r.attempts >= 1);
      });
    } else {
      // PGlite is inside the portal's process; the attempts are checked in the database at the end.
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  });

  it('#16.2 the SMTP server comes back on the same port: every message arrives exactly once, by Message-ID', async () => {
    sink.mode = 'accept';
    await sink.start();
    const expected = BURST + DURING_OUTAGE;
    // Retries follow the product's backoff (30 s after the first failure).
    await waitUntil(`${expected} distinct Message-IDs accepted`, () => sink.countsByMessageId().size >= expected, {
      timeoutMs: 150_000,
      everyMs: 250,
    });
    const counts = sink.countsByMessageId();
    expect(counts.size).toBe(expected);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    const recipients = sink.accepted.flatMap((d) => d.to).sort();
    expect(recipients).toEqual(
      [
        ...Array.from({ length: BURST }, (_, i) => burstRecipient(i)),
        ...Array.from({ length: DURING_OUTAGE }, (_, i) => userEmail(i)),
      ].sort(),
    );
  });

  it('#16.2 killed after the SMTP server accepted a message, before it was marked sent: resent with the same Message-ID', async () => {
    const before = sink.accepted.length;
    const portal = app!;
    sink.beforeReply = async (delivery) => {
      if (!delivery.to.includes(killRecipient)) return;
      sink.beforeReply = undefined;
      // The receiver has the message; the sender is gone before it hears the 250.
      await killNow(portal);
    };
    await requestReset(portal, killRecipient);
    await waitUntil('the portal killed in the acceptance window', () => portal.child.signalCode === 'SIGKILL');
    app = undefined;
    expect(sink.accepted.slice(before).map((d) => d.to)).toEqual([[killRecipient]]);

    // One opening of the database while the portal is down (PGlite allows one process at a time).
    let leaseSeenAt = 0;
    const inFlight = await database.use(async (db) => {
      const row = await db
        .selectFrom('outbox')
        .select(['id', 'status', 'attempts', 'locked_until'])
        .where('recipient', '=', killRecipient)
        .executeTakeFirstOrThrow();
      leaseSeenAt = Date.now();
      // CI mode: the claim lease (2 minutes) is aged instead of waited out.
      if (!FULL)
        await db
          .updateTable('outbox')
          .set({ locked_until: new Date(Date.now() - 1000) })
          .where('id', '=', row.id)
          .execute();
      return row;
    });
    // Not marked sent: the window was hit. Its claim lease was still keeping other workers off it.
    expect(inFlight).toMatchObject({ status: 'pending', attempts: 1 });
    expect(inFlight.locked_until!.getTime()).toBeGreaterThan(leaseSeenAt);

    app = await startPortal();
    await waitUntil(
      'the message sent again after the restart',
      () => sink.accepted.filter((d) => d.to.includes(killRecipient)).length >= 2,
      { timeoutMs: FULL ? 240_000 : 60_000, everyMs: 250 },
    );
    const repeats = sink.accepted.filter((d) => d.to.includes(killRecipient));
    expect(repeats).toHaveLength(2);
    expect(repeats[1]!.messageId).toBe(repeats[0]!.messageId);
    expect(repeats[0]!.messageId).toMatch(new RegExp(`^<outbox-${inFlight.id}@127\\.0\\.0\\.1>$`));
  });

  it('#16.2 afterwards: every row sent; one Message-ID per row; only the killed one accepted twice', async () => {
    await app?.stop();
    app = undefined;
    const rows = await outboxRows();
    expect(rows).toHaveLength(BURST + DURING_OUTAGE + 1);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    // Each burst message was refused once before it went through; each reset email was tried against the closed port.
    expect(rows.filter((r) => r.recipient.startsWith('burst-') && r.attempts < 2)).toEqual([]);
    expect(rows.filter((r) => r.recipient.startsWith('reset-') && r.attempts < 2)).toEqual([]);
    const counts = sink.countsByMessageId();
    expect([...counts.keys()].sort()).toEqual(rows.map((r) => `<outbox-${r.id}@127.0.0.1>`).sort());
    const inFlight = rows.find((r) => r.recipient === killRecipient)!;
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([[`<outbox-${inFlight.id}@127.0.0.1>`, 2]]);
  });
});
