import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../errors.ts';
import { Layout } from './layout.tsx';
import { pageContext } from './page-context.ts';
import { sendPage } from './render.ts';

/** The friendly page for an error; a 5xx never shows its text. */
export function renderErrorPage(req: FastifyRequest, reply: FastifyReply, error: AppError) {
  const ctx = pageContext(req, reply);
  const { t } = ctx;
  const title = error.status === 404 ? t('errors.not_found_title') : t('errors.title');
  const message =
    error.status >= 500
      ? t('errors.server', { help: ctx.help })
      : t(`errors.${error.code}`, {
          ...error.params,
          defaultValue: error.status === 404 ? t('errors.not_found') : error.message,
        });
  return sendPage(
    reply,
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">{t('errors.home')}</a>
      </p>
    </Layout>,
    error.status,
  );
}
