/**
 * What a process tree costs, read from Linux's /proc: resident memory and CPU time summed over a
 * process and all its descendants (a start command may be `sh -c`, a launcher, a worker), and a
 * full garbage collection in a running Node process without changing its code (through the
 * inspector, which SIGUSR1 opens on the port given by --inspect-port).
 */
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after it follow the last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The process and its descendants that are still running. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = stat(pid);
    if (!fields) continue;
    const ppid = Number(fields[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    if (!stat(pid)) return;
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** Resident set size of the whole tree, in MiB (VmRSS of each process, added up). */
export function treeRssMiB(root: number): number {
  let kib = 0;
  for (const pid of processTree(root)) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kib += Number(match?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return Math.round((kib / 1024) * 10) / 10;
}

/** User + system CPU seconds used so far by the tree's running processes and the children they reaped. */
export function treeCpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const fields = stat(pid);
    // utime, stime, cutime, cstime: fields 14–17 of /proc/PID/stat (indices 11–14 after the name).
    if (fields) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return Math.round((ticks / CLOCK_TICKS) * 100) / 100;
}

/**
 * Runs one full garbage collection in the Node process `pid`, which must have been started with
 * `--inspect-port=127.0.0.1:<port>` (NODE_OPTIONS will do). SIGUSR1 opens its inspector; the
 * inspector protocol's HeapProfiler.collectGarbage does the rest. Answers false when it could not.
 */
export async function collectGarbage(pid: number, port: number, timeoutMs = 10_000): Promise<boolean> {
  try {
    process.kill(pid, 'SIGUSR1');
    const deadline = Date.now() + timeoutMs;
    let url: string | undefined;
    while (!url && Date.now() < deadline) {
      try {
        const targets = (await (
          await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(1000) })
        ).json()) as { webSocketDebuggerUrl?: string }[];
        url = targets[0]?.webSocketDebuggerUrl;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (!url) return false;
    const socket = new WebSocket(url);
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(
        () => {
          socket.close();
          resolve(false);
        },
        Math.max(1000, deadline - Date.now()),
      );
      socket.addEventListener('open', () =>
        socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })),
      );
      socket.addEventListener('message', (event) => {
        if ((JSON.parse(String(event.data)) as { id?: number }).id !== 1) return;
        clearTimeout(timer);
        socket.close();
        resolve(true);
      });
      socket.addEventListener('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  } catch {
    return false;
  }
}
