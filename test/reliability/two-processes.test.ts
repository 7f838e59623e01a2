import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startServer, type ServerProcess } from '../../bench/lib/harness.ts';
import { LOCK_FILE } from '../../src/platform/embedded.ts';
import { hashPassword } from '../../src/platform/passwords.ts';
import { verifyAuditChain } from '../../src/modules/audit/index.ts';
import { csrfTokenOf } from '../helpers/forms.ts';
import { adminEmail, personEmail, seedDueJobs } from './due-jobs.ts';
import { reliabilityDatabase, waitUntil, type ReliabilityDatabase } from './reliability-database.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

/**
 * #16 item 3: several portal processes on one database.
 *
 * PostgreSQL (TEST_DATABASE_URL set): two server processes share one database and run the
 * scheduled jobs every second. 10 000 jobs are due — 9 000 training reminders (REG-10) and
 * 1 000 renewal notices (issue #12) — and each queues one email. Every job must run once and
 * every email arrive once: counted at a real SMTP server by Message-ID and by recipient, and in
 * the database. A session opened on one process holds on the other, and ends on both.
 *
 * PGlite (TEST_DATABASE_URL unset): the embedded database lives inside one process, so a
 * second process on the same DATA_DIR must refuse to start, naming DATA_DIR and the holder;
 * a lock left by a killed process must not keep the next one out.
 *
 * RELIABILITY_JOBS sets the number of jobs (default 10 000; a tenth are renewal notices).
 */
const postgres = !!process.env.TEST_DATABASE_URL;
const SECRET = 'two-processes-session-secret-0123456789abcdef';
const JOBS = Number(process.env.RELIABILITY_JOBS ?? 10_000);
const NOTICES = Math.round(JOBS / 10);
const REMINDERS = JOBS - NOTICES;
const PASSWORD = 'correct horse battery staple 42';

let database: ReliabilityDatabase;
const processes: ServerProcess[] = [];

async function portal(name: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServer(
    name,
    'src/server.ts',
    { ...database.env, SESSION_SECRET: SECRET, DEMO: '0', LOG_LEVEL: 'warn', ...env },
    '/readyz',
    { timeoutMs: 120_000 },
  );
  processes.push(server);
  return server;
}

afterAll(async () => {
  for (const p of processes) await p.stop();
  await database?.destroy();
});

/** A browser's cookies, enough for the session and CSRF cookies across two origins. */
function cookieJar() {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    take(res: Response) {
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const [name, ...value] = pair!.split('=');
        if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) cookies.delete(name!.trim());
        else cookies.set(name!.trim(), value.join('='));
      }
    },
    has: (name: string) => cookies.has(name),
  };
}

describe.runIf(postgres)('#16.3 two portal processes on one PostgreSQL database', () => {
  let sink: SmtpSink;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    sink = await startSmtpSink();
    database = await reliabilityDatabase();
    await database.use(async (db) => {
      await db
        .insertInto('users')
        .values({
          email: 'sessions@jobs.example',
          name: 'Sam Sessions',
          password_hash: await hashPassword(PASSWORD),
          language: 'en',
          email_verified_at: new Date(),
        })
        .execute();
    });
    // Both processes run every job each second; each has its own envelope sender, so the SMTP
    // server can tell which one delivered a message.
    const env = (from: string) => ({ SMTP_URL: sink.url, JOB_INTERVAL_SECONDS: '1', MAIL_FROM: `Portal <${from}>` });
    [a, b] = await Promise.all([
      portal('portal A', env('a@portal.example')),
      portal('portal B', env('b@portal.example')),
    ]);
  });
  afterAll(async () => {
    await sink?.stop();
  });

  /**
   * Waits for `count` accepted messages. A loaded machine may take minutes, so the limit is on
   * progress: a minute without a new message fails at once, naming how far it got (a job kind
   * that never reaches some of its work stalls there).
   */
  async function untilAllAccepted(count: number): Promise<void> {
    let seen = -1;
    let lastProgress = Date.now();
    await waitUntil(
      `${count} emails accepted by the SMTP server, with progress at least once a minute`,
      () => {
        if (sink.accepted.length !== seen) [seen, lastProgress] = [sink.accepted.length, Date.now()];
        if (Date.now() - lastProgress > 60_000)
          throw new Error(`stalled: ${seen} of ${count} emails accepted, none for a minute`);
        return seen >= count;
      },
      { timeoutMs: 840_000, everyMs: 500 },
    );
  }

  it('#16.3 sessions: signed in on A, used on B (API and a form with its CSRF token); signed out on B, refused on A', async () => {
    const jar = cookieJar();
    const get = async (server: ServerProcess, url: string) => {
      const res = await fetch(`${server.url}${url}`, { headers: { cookie: jar.header() }, redirect: 'manual' });
      jar.take(res);
      return res;
    };
    const post = async (server: ServerProcess, url: string, form: Record<string, string>) => {
      const res = await fetch(`${server.url}${url}`, {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      });
      jar.take(res);
      return res;
    };

    const signInPage = await get(a, '/sign-in');
    const signedIn = await post(a, '/sign-in', {
      _csrf: csrfTokenOf(await signInPage.text()),
      email: 'sessions@jobs.example',
      password: PASSWORD,
    });
    expect(signedIn.status).toBe(303);
    expect(jar.has('pp_session')).toBe(true);

    const me = await get(b, '/api/v1/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: 'sessions@jobs.example' });

    // A form rendered by A, posted to B: the CSRF token and its cookie verify on both processes.
    const accountOnA = await get(a, '/account');
    expect(accountOnA.status).toBe(200);
    const saved = await post(b, '/account', {
      _csrf: csrfTokenOf(await accountOnA.text()),
      name: 'Sam Both',
      language: 'en',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/account?notice=saved');
    expect(await (await get(a, '/api/v1/me')).json()).toMatchObject({ name: 'Sam Both' });

    const accountOnB = await get(b, '/account');
    const signedOut = await post(b, '/sign-out', { _csrf: csrfTokenOf(await accountOnB.text()) });
    expect(signedOut.status).toBe(303);
    expect(jar.has('pp_session')).toBe(false);
    // The old cookie, replayed on A, no longer opens a session.
    const stolen = await fetch(`${a.url}/api/v1/me`, {
      headers: {
        cookie: signedIn.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; '),
      },
    });
    expect(stolen.status).toBe(401);
  });

  it(`#16.3 ${JOBS} scheduled jobs due at once on two processes: each job runs once, each email arrives once`, async () => {
    await database.use((db) => seedDueJobs(db, { reminders: REMINDERS, notices: NOTICES }));
    await untilAllAccepted(JOBS);
    // Stop both: SIGTERM lets each finish its pass in progress, so anything a second run of a
    // job would queue is in the database when it is counted.
    await Promise.all([a.stop(), b.stop()]);

    const byRecipient = new Map<string, number>();
    for (const d of sink.accepted) for (const to of d.to) byRecipient.set(to, (byRecipient.get(to) ?? 0) + 1);
    const expectedRecipients = [
      ...Array.from({ length: REMINDERS }, (_, i) => personEmail(i)),
      ...Array.from({ length: NOTICES }, (_, i) => adminEmail(i)),
    ];
    // A job run twice: a second email to its recipient, under another Message-ID.
    expect(expectedRecipients.filter((r) => byRecipient.get(r) !== 1)).toEqual([]);
    expect(byRecipient.size).toBe(JOBS);
    // A message sent twice: its Message-ID accepted twice.
    const counts = sink.countsByMessageId();
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(counts.size).toBe(JOBS);
    // Both processes delivered: the work was shared, not done by one while the other idled.
    const byProcess = Object.groupBy(sink.accepted, (d) => d.from);
    expect(Object.keys(byProcess).sort()).toEqual(['a@portal.example', 'b@portal.example']);

    const facts = await database.use(async (db) => {
      const count = async (query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(db)).rows[0]!.n;
      return {
        outbox: await count(sql`SELECT count(*)::int AS n FROM outbox`),
        outboxNotSent: await count(sql`SELECT count(*)::int AS n FROM outbox WHERE status <> 'sent'`),
        outboxMoreThanOneAttempt: await count(sql`SELECT count(*)::int AS n FROM outbox WHERE attempts <> 1`),
        reminders: await count(sql`SELECT count(*)::int AS n FROM training_reminders`),
        notices: await count(sql`SELECT count(*)::int AS n FROM partner_notices`),
        reminderAudits: await count(
          sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'training.reminder_sent'`,
        ),
        noticeAudits: await count(
          sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'partner.renewal_notice_sent'`,
        ),
        // #15: both processes' chainers linked the audit rows, taking turns on the chain, and
        // each linked what was left before it stopped.
        auditRowsNotLinked: await count(sql`SELECT count(*)::int AS n FROM audit_unchained`),
        auditChain: await verifyAuditChain(db).then((v) =>
          v.ok ? 'verified' : `broken at ${v.brokenAtId} (${v.reason})`,
        ),
      };
    });
    expect(facts).toEqual({
      outbox: JOBS,
      outboxNotSent: 0,
      outboxMoreThanOneAttempt: 0,
      reminders: REMINDERS,
      notices: NOTICES,
      reminderAudits: REMINDERS,
      noticeAudits: NOTICES,
      auditRowsNotLinked: 0,
      auditChain: 'verified',
    });
  }, 900_000);
});

describe.runIf(!postgres)('#16.3 the embedded database (PGlite): one process per DATA_DIR', () => {
  beforeAll(async () => {
    database = await reliabilityDatabase();
    await database.use(async () => undefined);
  });

  it('#16.3 a second process on the same DATA_DIR refuses to start, naming DATA_DIR and the process that holds it', async () => {
    const first = await portal('first portal');
    const lock = path.join(database.dataDir!, LOCK_FILE);
    expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${first.child.pid} `));

    const second = portal('second portal').then(
      () => 'started',
      (error: Error) => error.message,
    );
    const refusal = await second;
    expect(refusal).toContain('exited with code 1 before it was ready');
    expect(refusal).toContain(`DATA_DIR ${database.dataDir} is in use by process ${first.child.pid}`);
    // One clear line, not a stack trace.
    expect(refusal).not.toMatch(/^\s+at /m);
    // The first one was not disturbed.
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);

    // Killed, it leaves its lock behind; the next process takes it over.
    const exited = once(first.child, 'exit');
    first.child.kill('SIGKILL');
    await exited;
    expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${first.child.pid} `));
    const next = await portal('next portal');
    expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${next.child.pid} `));
    expect((await fetch(`${next.url}/readyz`)).status).toBe(200);
    await next.stop();
    expect(existsSync(lock)).toBe(false);
  });
});
