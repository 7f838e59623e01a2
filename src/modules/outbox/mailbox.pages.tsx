import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import { Layout } from '../../platform/views/layout.tsx';
import { pageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import * as repo from './outbox.repository.ts';

/**
 * the local mailbox of the embedded default. Registered only when no SMTP server is
 * configured and not in production, so it never exposes real mail.
 */
export async function mailboxPages(app: FastifyInstance): Promise<void> {
  // Reset and invitation links are in these messages: only the machine itself may read them.
  app.addHook('onRequest', async (req) => {
    if (!isLoopback(req.ip)) throw notFound('Page');
  });

  app.get('/dev/mailbox', async (req, reply) => {
    const ctx = pageContext(req, reply);
    const { t } = ctx;
    const messages = await repo.listMessages(app.appContext.db, 200);
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t('mailbox.title')}>
        <h1>{t('mailbox.title')}</h1>
        <p>{t('mailbox.intro')}</p>
        {messages.length === 0 ? (
          <p>{t('mailbox.empty')}</p>
        ) : (
          <div class="overflow-auto">
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">{t('mailbox.sent')}</th>
                  <th scope="col">{t('mailbox.to')}</th>
                  <th scope="col">{t('mailbox.subject')}</th>
                  <th scope="col">{t('mailbox.status')}</th>
                </tr>
              </thead>
              <tbody>
                {messages.map((m) => (
                  <tr>
                    <td>
                      <time datetime={m.created_at.toISOString()}>
                        {m.created_at.toISOString().replace('T', ' ').slice(0, 19)}
                      </time>
                    </td>
                    <td>{m.recipient}</td>
                    <td>
                      <a href={`/dev/mailbox/${m.id}`}>{m.subject}</a>
                    </td>
                    <td>{t(`mailbox.status_${m.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Layout>,
    );
  });

  app.get<{ Params: { id: string } }>('/dev/mailbox/:id', async (req, reply) => {
    const id = Number(req.params.id);
    const message = Number.isSafeInteger(id) && id > 0 ? await repo.findMessage(app.appContext.db, id) : undefined;
    if (!message) throw notFound('Message');
    const ctx = pageContext(req, reply);
    const { t } = ctx;
    return sendPage(
      reply,
      <Layout ctx={ctx} title={message.subject}>
        <p>
          <a href="/dev/mailbox">{t('mailbox.back')}</a>
        </p>
        <h1>{message.subject}</h1>
        <dl>
          {message.sender && (
            <>
              <dt>{t('mailbox.from')}</dt>
              <dd>{message.sender}</dd>
            </>
          )}
          <dt>{t('mailbox.to')}</dt>
          <dd>{message.recipient}</dd>
          <dt>{t('mailbox.sent')}</dt>
          <dd>{message.created_at.toISOString()}</dd>
        </dl>
        {/* The plain-text part, with its links made clickable: the HTML part would need inline styles the CSP forbids. */}
        <article class="mail-body" lang={message.language}>
          {linkify(message.text_body)}
        </article>
      </Layout>,
    );
  });
}

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/**
 * The plain-text part made readable: an action line (`Confirm your address: https://…`, as
 * renderActionEmail writes it) becomes a button-like link named by its action with the address
 * below it as text, as in the HTML part; other addresses become links.
 */
function linkify(text: string) {
  return text.split('\n').map((line) => {
    const action = /^(.+): (https?:\/\/\S+)$/.exec(line);
    if (action) {
      return (
        <>
          <a href={action[2]} role="button">
            {action[1]}
          </a>
          {'\n'}
          <small class="mail-url">{action[2]}</small>
          {'\n'}
        </>
      );
    }
    const parts = line.split(/(https?:\/\/\S+)/);
    return (
      <>
        {parts.map((part) => (/^https?:\/\//.test(part) ? <a href={part}>{part}</a> : part))}
        {'\n'}
      </>
    );
  });
}
