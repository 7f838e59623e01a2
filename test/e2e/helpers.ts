import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed-demo.ts';
import { catalogues } from '../../src/platform/i18n.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Without Chromium they are skipped on a developer's
 * machine, but in CI a missing browser is a failure, never a silent skip.
 */
export function chromiumStatus(): { available: boolean; mustFail: boolean; message: string } {
  const available = existsSync(CHROMIUM_PATH);
  const message = available
    ? ''
    : `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.` +
      (process.env.CI ? ' CI is set, so the browser tests fail instead of being skipped.' : ' Browser tests skipped.');
  return { available, mustFail: !available && Boolean(process.env.CI), message };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface StartedServer {
  baseUrl: string;
  /** The server's output so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real server as its own process, as `npm start` does (`bin/partner-portal.js serve
 * --no-demo`, or with `demo` `serve --demo`, which loads the demo programme), on a free port
 * with a fresh embedded database, and resolves once GET /readyz answers 200. It runs the
 * compiled dist/cli.js, which the project's global set-up builds from the sources first
 * (test/e2e/global-setup.ts): loading compiled code instead of transpiling every module
 * through tsx is most of a start's CPU time (decisions 063 and 072).
 */
export async function startServer({
  env = {},
  timeoutMs = 60_000,
  demo = false,
}: { env?: Record<string, string>; timeoutMs?: number; demo?: boolean } = {}): Promise<StartedServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  // Without demo data unless asked for: the embedded database gets it by default (DEMO, issue #17).
  // --liftoff-only as in `npm start` (decision 063: PGlite's WebAssembly without TurboFan).
  const entry = ['--liftoff-only', 'bin/partner-portal.js', 'serve', demo ? '--demo' : '--no-demo'];
  const child: ChildProcess = spawn(process.execPath, entry, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const stop = async () => {
    if (!hasExited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (hasExited) {
      await stop();
      throw new Error(`The server exited before it was ready (exit code ${child.exitCode}):\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server did not answer GET /readyz with 200 within ${timeoutMs / 1000} s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { baseUrl, output: () => log, stop };
}

/** Debian's Chromium through playwright-core. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A page in its own context (axe needs pages from a context, not browser.newPage()). */
export async function newPage(browser: Browser, baseURL?: string): Promise<Page> {
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  return context.newPage();
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe on the page as it is now, in the light and the dark colour scheme (Pico follows
 * prefers-color-scheme, so both are what visitors see), and fails listing every WCAG A/AA
 * violation. Reduced motion makes Pico's colour transitions instant, so axe never reads a
 * colour halfway through a change.
 */
export async function expectNoAxeViolations(
  page: Page,
  label = page.url(),
  { colorSchemes = ['light', 'dark'] }: { colorSchemes?: ('light' | 'dark')[] } = {},
): Promise<void> {
  const reports: string[] = [];
  try {
    for (const colorScheme of colorSchemes) {
      await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
      const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
      for (const v of results.violations) {
        const nodes = v.nodes
          .map(
            (n) =>
              `      - ${n.target.join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`,
          )
          .join('\n');
        reports.push(`  [${colorScheme}] ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n      ${v.helpUrl}\n${nodes}`);
      }
    }
  } finally {
    await page.emulateMedia({ colorScheme: null, reducedMotion: null });
  }
  if (reports.length > 0) throw new Error(`Accessibility violations on ${label}:\n${reports.join('\n')}`);
}

/** Returns `arriveAt(pattern, label)`: waits for the page at `pattern` to load, then checks it with axe (X-5). */
export function arrivalCheck(currentPage: () => Page) {
  return async (pattern: RegExp, label: string) => {
    const page = currentPage();
    await page.waitForURL(pattern);
    await page.waitForLoadState('load');
    await expectNoAxeViolations(page, label);
  };
}

/**
 * The set-up every browser flow shares, registered in the calling describe block: a server (with
 * `serverOptions`), then `seed(server)` if given, then Chromium with one page on the server's
 * address; both are stopped after the block. Returns the page getter, the axe-checking
 * `arriveAt` and `signIn(email, returnTo)` with the demo password.
 */
export function browserSuite(
  serverOptions: Parameters<typeof startServer>[0] = {},
  { seed }: { seed?: (server: StartedServer) => Promise<void> } = {},
) {
  let server: StartedServer | undefined;
  let browser: Browser | undefined;
  let current: Page | undefined;

  beforeAll(async () => {
    const status = chromiumStatus();
    if (status.mustFail) throw new Error(status.message);
    server = await startServer(serverOptions);
    await seed?.(server);
    browser = await launchBrowser();
    current = await newPage(browser, server.baseUrl);
    current.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const page = (): Page => {
    if (!current) throw new Error('the browser suite has not started (beforeAll failed?)');
    return current;
  };

  async function signIn(email: string, returnTo: string) {
    await page().goto(`/sign-in?return_to=${encodeURIComponent(returnTo)}`);
    await page().getByLabel(englishText('fields.email')).fill(email);
    await page().getByLabel(englishText('fields.password')).fill(DEMO_PASSWORD);
    await page()
      .getByRole('main')
      .getByRole('button', { name: englishText('sign_in.submit') })
      .click();
  }

  return { page, arriveAt: arrivalCheck(page), signIn };
}

/** A JSON API client with a session cookie, like a script would use (X-3). */
export async function apiSession(baseUrl: string, email: string) {
  const signIn = await fetch(`${baseUrl}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in of ${email} answered ${signIn.status}: ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/api/v1${url}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const json = res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
    if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
}

// The whole English catalogue: locales/en.json and the sections in locales/en/*.json.
const english = catalogues.en as unknown as Record<string, unknown>;

/** A message as the portal shows it in English, with its {{placeholders}} filled in. */
export function englishText(key: string, vars: Record<string, string | number> = {}): string {
  const node = (tree: unknown, parts: string[]): unknown => {
    if (parts.length === 0) return tree;
    if (!tree || typeof tree !== 'object') return undefined;
    // Field labels are flat keys with dots (`fields["company.legal_name"]`), like i18next finds them.
    for (let i = parts.length; i > 0; i--) {
      const child = (tree as Record<string, unknown>)[parts.slice(0, i).join('.')];
      const found = child === undefined ? undefined : node(child, parts.slice(i));
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const value = node(english, key.split('.'));
  if (typeof value !== 'string') throw new Error(`the English catalogue has no ${key}`);
  return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? `{{${name}}}`));
}
