/**
 * CPU time spent by the processes of one workload, read from /proc (Linux): the portal process,
 * the PostgreSQL backends serving its database, and the benchmark process itself (the load
 * generator). On a shared machine the rate depends on what else runs; CPU time per request does
 * much less, which is why issue #15's figures are given in CPU-ms per submission (decision 068).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime: 100 on every Linux we run. */
const TICKS = 100;

function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after it are positional.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return undefined; // gone, or not Linux
  }
}

async function backendsOf(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

export interface CpuSample {
  portalMs: number;
  backendsMs: number;
  loadGeneratorMs: number;
  /** Backends seen at the start that had exited by the end (their CPU is not counted). */
  backendsLost: number;
}

export interface CpuMeter {
  /** Starts a measured stretch; `stop` returns the CPU time each side spent during it. */
  start(): Promise<{ stop(): Promise<CpuSample> }>;
}

export function cpuMeter(portalPid: number, databaseUrl: string): CpuMeter {
  return {
    async start() {
      const backends = new Map((await backendsOf(databaseUrl)).map((pid) => [pid, cpuMsOf(pid) ?? 0]));
      const portal = cpuMsOf(portalPid) ?? 0;
      const self = process.cpuUsage();
      return {
        async stop() {
          const mine = process.cpuUsage(self);
          const portalMs = (cpuMsOf(portalPid) ?? 0) - portal;
          let backendsMs = 0;
          let backendsLost = 0;
          // A backend opened during the stretch counts from zero.
          for (const pid of await backendsOf(databaseUrl)) if (!backends.has(pid)) backends.set(pid, 0);
          for (const [pid, before] of backends) {
            const now = cpuMsOf(pid);
            if (now === undefined) backendsLost += 1;
            else backendsMs += now - before;
          }
          return { portalMs, backendsMs, loadGeneratorMs: (mine.user + mine.system) / 1000, backendsLost };
        },
      };
    },
  };
}

/** The 1-minute load average now, for every figure taken on a shared machine. */
export const loadNow = () => Math.round(os.loadavg()[0]! * 100) / 100;
