import type { FastifyBaseLogger } from 'fastify';

export interface Loop {
  /** Runs one pass now (tests and shutdown use it). */
  runOnce(): Promise<void>;
  /** Stops scheduling and waits for the pass in progress. */
  stop(): Promise<void>;
}

/** Runs `work` every `intervalMs`, one pass at a time; a failing pass is logged and retried. */
export function startLoop(
  name: string,
  intervalMs: number,
  work: () => Promise<unknown>,
  log: FastifyBaseLogger,
): Loop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const pass = (): Promise<void> => {
    current = current.then(async () => {
      try {
        await work();
      } catch (error) {
        log.error({ err: error, loop: name }, 'background pass failed');
      }
    });
    return current;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void pass().then(schedule), intervalMs);
    timer.unref();
  };
  schedule();
  return {
    runOnce: pass,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
