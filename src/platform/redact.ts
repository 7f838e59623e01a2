/** A URL as it may be printed or logged: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

/**
 * The text with the secret of every link replaced. A link that hands someone a secret (email
 * confirmation, password reset, invitations, PICA confirmation) carries it as its `token`
 * parameter, never in the path, so this one rule finds them all: in a delivered email's body
 * (the outbox, decision 020) and in a logged request URL, also when the link is URL-encoded
 * inside another one (`/sign-in?return_to=%2Fapply%2Fjoin%3Ftoken%3D…`). Decision 061.
 */
export function redactTokens(text: string, replacement: string): string {
  return text.replace(/((?:[?&;]|%3F|%26)token(?:=|%3D))[A-Za-z0-9_-]{16,}/gi, `$1${replacement}`);
}

/**
 * Fastify's request log line (method, URL, host, address) with the link secrets taken out of
 * the URL: a reset link opened in a browser is a live credential until it is used (V7.1.1).
 */
export function loggedRequest(req: {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  host: string;
  ip: string;
  socket?: { remotePort?: number | undefined } | undefined;
}) {
  return {
    method: req.method,
    url: redactTokens(req.url, '***'),
    version: [req.headers['accept-version']].flat()[0],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
