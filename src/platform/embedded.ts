import fs from 'node:fs';
import path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/**
 * How the embedded database (PGlite in DATA_DIR) keeps what it acknowledged (decision 026):
 * - `full`: a commit is acknowledged after its WAL reached the disk (fsync). Nothing
 *   acknowledged is lost on an operating-system crash or power loss.
 * - `relaxed`: commits are acknowledged before their WAL is written (synchronous_commit=off, and
 *   the embedded PostgreSQL has no WAL writer): the data directory still opens after a power
 *   loss or a killed process, but the latest acknowledged writes may be missing — a SIGKILL
 *   loses them too (decision 057).
 */
export type EmbeddedDurability = 'full' | 'relaxed';
export const EMBEDDED_DURABILITIES: readonly EmbeddedDurability[] = ['full', 'relaxed'];

/**
 * What the benchmark compares as well: `pglite-default` is PGlite as it starts by default
 * (`-F`, fsync off), `pglite-fsync-on` the same without `-F` — which on Node is no safer,
 * because Emscripten's NODEFS turns fsync() and fdatasync() into no-ops.
 */
export type EmbeddedMode = EmbeddedDurability | 'pglite-default' | 'pglite-fsync-on';

/** Files the portal keeps in DATA_DIR besides PostgreSQL's own. */
export const SESSION_SECRET_FILE = 'session-secret';
export const LOCK_FILE = 'portal.lock';
/** Present while everything in DATA_DIR is known to have been flushed to disk (see openEmbedded). */
export const SYNCED_FILE = 'portal-synced';
/**
 * Present while a new database is being created (or a backup restored) in DATA_DIR, and
 * removed once it is complete and flushed; it says which of the two was under way.
 */
export const CREATING_FILE = 'portal-creating';
const OWN_FILES = new Set([SESSION_SECRET_FILE, LOCK_FILE, SYNCED_FILE, CREATING_FILE]);

export class EmbeddedDataDirError extends Error {}

/** PostgreSQL's start parameters for a mode (PGlite's own defaults, adjusted). */
export function startParams(mode: EmbeddedMode): string[] {
  if (mode === 'pglite-default') return [...PGlite.defaultStartParams];
  const withFsync = PGlite.defaultStartParams.filter((p) => p !== '-F');
  if (mode === 'pglite-fsync-on') return withFsync;
  // fsync(), not fdatasync(): only fsync reaches the file system below (see DurableNodeFS).
  return [...withFsync, '-c', 'wal_sync_method=fsync', '-c', `synchronous_commit=${mode === 'full' ? 'on' : 'off'}`];
}

/**
 * PostgreSQL's memory settings for the embedded database, chosen by measurement (decision 063).
 * PGlite's default 128 MB of shared buffers are resident from the start (the buffer pool lives in
 * the WebAssembly memory, which never shrinks). With 16 MB, pages beyond the pool are read from
 * the operating system's page cache: on this machine that made no measurable difference to
 * lookups or scans of a 94 MB table, and the process holds about 140 MB less.
 */
export const EMBEDDED_MEMORY_PARAMS: readonly string[] = ['-c', 'shared_buffers=16MB'];

/**
 * PGlite's Node file system (Emscripten NODEFS) answers PostgreSQL's fsync() without
 * calling the operating system: its stream operations have no `fsync`, and fdatasync is a
 * stub. This one gives NODEFS a real fsync, so that PostgreSQL's WAL flush at commit and its
 * checkpoint syncs reach the disk.
 */
class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, options: Parameters<NodeFS['init']>[1]) {
    const result = await super.init(pg, options);
    const preRun = [...((result.emscriptenOpts.preRun as unknown[] | undefined) ?? [])];
    preRun.push((mod: { NODEFS: { stream_ops: Record<string, unknown> } }) => {
      mod.NODEFS.stream_ops.fsync = (stream: { nfd?: number }) => {
        if (stream.nfd !== undefined) fs.fsyncSync(stream.nfd);
        return 0;
      };
    });
    return { emscriptenOpts: { ...result.emscriptenOpts, preRun } as typeof result.emscriptenOpts };
  }
}

/**
 * Opens (or creates) the embedded database in `dataDir`. Refuses a directory that holds
 * something other than a database rather than creating a new, empty one over it; turns a
 * failure to open into an error that names the directory and points at `restore`; keeps a
 * second process out with a lock file. With a durable mode, everything in the directory is
 * flushed once at open, so files written earlier without fsync are on disk too.
 */
export async function openEmbedded(dataDir: string, mode: EmbeddedMode, options: PGliteOptions = {}): Promise<PGlite> {
  fs.mkdirSync(dataDir, { recursive: true });
  // Locked before the directory is read: another process may be creating a database in it.
  const release = takeLock(dataDir);
  let creating: Creation | undefined;
  try {
    creating = prepareDirectory(dataDir, options.loadDataDir ? 'restore' : 'create');
  } catch (error) {
    release();
    throw error;
  }
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const hadPidFile = fs.existsSync(pidFile);
  const durable = mode === 'full' || mode === 'relaxed';
  const pglite = new PGlite({
    ...options,
    ...(durable ? { fs: new DurableNodeFS(dataDir) } : { dataDir }),
    startParams: [...startParams(mode), ...EMBEDDED_MEMORY_PARAMS],
  });
  try {
    await pglite.waitReady;
  } catch (cause) {
    await pglite.close().catch(() => undefined);
    // PostgreSQL wrote its lock file before it gave up; the directory is left as it was found.
    if (!hadPidFile) fs.rmSync(pidFile, { force: true });
    release();
    throw new EmbeddedDataDirError(
      `The embedded database in ${dataDir} does not open (${describe(cause)}). The portal did not start and did not ` +
        `change the directory. It may have been damaged by a disk fault or a power loss with EMBEDDED_DURABILITY=relaxed. ` +
        `Keep a copy of it, then restore the latest backup into an empty directory: partner-portal restore FILE ` +
        `(see docs/operations.md).`,
      { cause },
    );
  }
  const close = pglite.close.bind(pglite);
  pglite.close = async () => {
    try {
      await close();
    } finally {
      release();
    }
  };
  // Files written without fsync — a new directory (PGlite copies initdb's result in), a restored
  // backup, or a directory last opened with fsync off — are flushed once, in one pass over the
  // tree (well under a second for a small database); afterwards PostgreSQL's own fsyncs keep it so.
  const synced = path.join(dataDir, SYNCED_FILE);
  try {
    if (!durable) fs.rmSync(synced, { force: true });
    else if (options.loadDataDir || !fs.existsSync(synced)) {
      await syncTree(dataDir);
      fs.writeFileSync(synced, `${new Date().toISOString()}\n`);
      syncPath(synced);
      syncPath(dataDir);
    }
    // Complete and on disk: from now on an interruption is recovered by PostgreSQL itself.
    if (creating) {
      fs.rmSync(path.join(dataDir, CREATING_FILE), { force: true });
      syncPath(dataDir);
    }
  } catch (error) {
    await pglite.close();
    throw error;
  }
  return pglite;
}

type Creation = 'create' | 'restore';

/**
 * Checks what DATA_DIR holds before PGlite opens it, and answers whether a database is about to
 * be created in it. PGlite writes a new database (initdb's files, or a restored backup) straight
 * into the directory, and PG_VERSION is not among the first files: a process killed meanwhile
 * (Ctrl-C during the first start, SIGKILL, a power loss) used to leave a directory that every
 * later start refused as "not empty but holds no database". So a creation is marked first
 * (CREATING_FILE, flushed), and a marked directory — which was empty but for the portal's own
 * files when the creation began — is emptied and created again.
 */
function prepareDirectory(dataDir: string, intent: Creation): Creation | undefined {
  const marker = path.join(dataDir, CREATING_FILE);
  const interrupted = fs.existsSync(marker) ? (fs.readFileSync(marker, 'utf8').trim() as Creation) : undefined;
  if (interrupted === 'restore' && intent !== 'restore') {
    throw new EmbeddedDataDirError(
      `DATA_DIR ${dataDir} holds part of a backup whose restore was interrupted, not a database. Nothing was changed in it. ` +
        `Run the restore again (partner-portal restore FILE); it starts over.`,
    );
  }
  if (interrupted) {
    for (const name of fs.readdirSync(dataDir))
      if (!OWN_FILES.has(name)) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
    fs.rmSync(path.join(dataDir, SYNCED_FILE), { force: true });
  }
  const entries = fs.readdirSync(dataDir).filter((name) => !OWN_FILES.has(name));
  if (entries.length > 0 && !entries.includes('PG_VERSION')) {
    throw new EmbeddedDataDirError(
      `DATA_DIR ${dataDir} is not empty but holds no database (PG_VERSION is missing). Nothing was changed in it. ` +
        `Point DATA_DIR at the right directory, or restore a backup into an empty one: partner-portal restore FILE`,
    );
  }
  if (entries.length > 0) return undefined;
  fs.writeFileSync(marker, `${intent}\n`);
  syncPath(marker);
  syncPath(dataDir);
  return intent;
}

function describe(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * PGlite lets one process open a data directory, and two would damage it. The lock file
 * names the process that holds the directory; a lock left by a process that no longer runs
 * (killed, power loss) is taken over.
 */
function takeLock(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid} ${bootId()}\n`, { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = lockHolder(dataDir);
      if (holder !== undefined) {
        throw new EmbeddedDataDirError(
          `DATA_DIR ${dataDir} is in use by process ${holder}${holder === process.pid ? ' (this one)' : ''}: the embedded database ` +
            `allows one process at a time. Stop the portal first (or use DATABASE_URL for several processes).`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new EmbeddedDataDirError(`Could not lock DATA_DIR ${dataDir}`);
}

/** The id of a running process that holds the directory, if any. */
export function lockHolder(dataDir: string): number | undefined {
  let pid: number;
  let boot: string | undefined;
  try {
    const [first, second] = fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').trim().split(/\s+/);
    pid = Number.parseInt(first ?? '', 10);
    boot = second;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // After a power loss and reboot, the number may belong to some other process by now.
  if (boot && bootId() && boot !== bootId()) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** Linux's id of this boot ('' elsewhere). */
function bootId(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * fsync every file under `dir`, then every directory, deepest first, so new names are durable
 * too. Eight at a time on libuv's threads: about 0.3 s for a new database on this machine,
 * against 3–4 s one after another.
 */
export async function syncTree(dir: string): Promise<void> {
  const files: string[] = [];
  const dirs: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
    dirs.push(current);
  };
  walk(dir);
  const flush = async (target: string) => {
    const handle = await fs.promises.open(target, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < files.length) await flush(files[next++]!);
    }),
  );
  for (const d of dirs) await flush(d);
}

function syncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
