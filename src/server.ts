import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createDb, type Db } from './platform/db.ts';
import { EmbeddedDataDirError } from './platform/embedded.ts';
import { mailboxTransport, smtpTransport } from './platform/mail.ts';
import { migrateToLatest } from './platform/migrate.ts';
import { startLoop, type Loop } from './platform/jobs.ts';
import { runTrainingJobs, sendPartnerNotices } from './modules/partners/index.ts';
import { failInterruptedUploads } from './modules/distributors/index.ts';
import { endLapsedEntitlements, sendAdministratorReminders } from './modules/pica/index.ts';
import { startOutboxWorker } from './modules/outbox/index.ts';
import { startAuditChainer } from './modules/audit/index.ts';
import { seedDemo } from './demo/seed-demo.ts';
import { demoDecision } from './demo/demo.rules.ts';

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  close(): Promise<void>;
  /** What close() is doing now, for the message of a shutdown that takes too long. */
  stopping: { step: string };
}

/**
 * Starts the portal: migrations (always in the embedded default; with a server, unless
 * production, where `partner-portal migrate` is a deploy step), optional demo data, the HTTP
 * server, the outbox worker and the audit chainer. SIGTERM/SIGINT drain requests and the
 * workers before exit.
 */
export async function startServer(config: Config, options: { demo?: boolean } = {}): Promise<RunningServer> {
  const db = createDb({
    url: config.databaseUrl,
    preparedStatements: config.databasePreparedStatements,
    dataDir: config.dataDir,
    durability: config.embeddedDurability,
  });
  if (!config.databaseUrl || !config.isProduction) await migrateToLatest(db);
  const app = await buildApp({ config, db });
  const interrupted = await failInterruptedUploads({ db, config }, !!config.databaseUrl);
  if (interrupted > 0) app.log.warn({ interrupted }, 'marked interrupted account-list uploads as failed');
  if (options.demo) {
    const seeded = await seedDemo({ db, config });
    if (seeded) app.log.info(seeded, 'demo data loaded');
  }
  // links committed audit rows into the hash chain, within about a second (decision 068);
  // the first pass also links what a process that stopped abruptly left queued.
  const chainer: Loop = startAuditChainer({ db, log: app.log });
  void chainer.runOnce();
  const transport = config.smtpUrl ? smtpTransport(config.smtpUrl) : mailboxTransport();
  const worker: Loop = startOutboxWorker({
    db,
    transport,
    from: config.mailFrom,
    messageIdDomain: new URL(config.publicUrl).hostname,
    log: app.log,
  });
  // Scheduled jobs, every JOB_INTERVAL_SECONDS (hourly by default) in every process: each claims
  // its work in the database, so several processes never do the same item twice (decision 058).
  const every = config.jobIntervalSeconds * 1000;
  // REG-10: recertifications and reminders; each reminder is sent once (training-jobs.service.ts).
  const reminders = startLoop('training-reminders', every, () => runTrainingJobs({ db, config }), app.log);
  // REG-4 and renewals (issue #12): restriction and renewal notices, each sent once (self-service.service.ts).
  const notices = startLoop('partner-notices', every, () => sendPartnerNotices({ db, config }), app.log);
  // PICA-2, PICA-8: monthly administrator reminders and the end of lapsed entitlements, each
  // safe to run from several processes at once (a claimed row per partner and month; a
  // conditional UPDATE per access).
  const pica = startLoop(
    'pica',
    every,
    async () => {
      await endLapsedEntitlements({ db, config });
      await sendAdministratorReminders({ db, config });
    },
    app.log,
  );
  await app.listen({ port: config.port, host: config.host });

  let closing: Promise<void> | undefined;
  const stopping = { step: 'not started' };
  const close = () =>
    (closing ??= (async () => {
      const step = async (name: string, work: () => unknown) => {
        stopping.step = name;
        await work();
      };
      await step('draining requests', () => drain(app));
      await step('stopping the outbox worker', () => worker.stop());
      await step('stopping the training reminders', () => reminders.stop());
      await step('stopping the partner notices', () => notices.stop());
      await step('stopping the PICA jobs', () => pica.stop());
      // Last: links what the requests and jobs above committed.
      await step('linking the audit chain', () => chainer.stop());
      await step('closing the SMTP connection', () => transport.close());
      // The embedded database syncs its data directory here: on a busy machine the longest step.
      await step('closing the database', () => db.destroy());
      stopping.step = 'done';
    })());
  return { app, db, close, stopping };
}

const SHUTDOWN_GRACE_MS = 25_000;
/** How long requests in flight may take to finish at shutdown before their connections are cut. */
const DRAIN_MS = 10_000;

/**
 * Stops accepting requests and waits for those in flight; after DRAIN_MS cuts the connections
 * still open, so that a client that stopped reading its answer cannot hold the shutdown (and the
 * database's orderly close) until the process is killed.
 */
async function drain(app: FastifyInstance): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), DRAIN_MS);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

export function closeOnSignals(server: RunningServer): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.app.log.info({ signal }, 'shutting down');
      // Within the 30 s a container runtime waits before SIGKILL; a forced exit is no worse than
      // a crash (every commit is durable), and it says what it was still waiting for.
      const force = setTimeout(() => {
        process.stderr.write(
          `Shutdown took longer than ${SHUTDOWN_GRACE_MS / 1000} s (${server.stopping.step}); exiting anyway.\n`,
        );
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      void server.close().then(() => process.exit(0));
    });
  }
}

// `node --import tsx src/server.ts` serves with the environment's configuration.
// A bad setting or a DATA_DIR held by another process is said in one line, as `serve` says it.
if (import.meta.main) {
  try {
    const config = loadConfig();
    const server = await startServer(config, {
      demo: demoDecision({
        flag: undefined,
        env: config.demo,
        databaseUrl: config.databaseUrl,
        isProduction: config.isProduction,
      }).load,
    });
    closeOnSignals(server);
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof EmbeddedDataDirError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
