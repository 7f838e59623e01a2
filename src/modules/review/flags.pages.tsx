import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import { AppError, notFound, type FieldViolation } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { noErrors, type FormErrors } from '../../platform/views/components.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { pageCtx, pick } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { addressLists, addToWatchlist, removeFromAllowlist, removeFromWatchlist } from '../registration/index.ts';
import { staffMember } from './console.tsx';
import { isVerdict, type FindingKey } from './flags.rules.ts';
import { allowListFalseAlarm, recordVerdict } from './flags.service.ts';
import { FlagListsPage, type WatchlistFormState } from './flags.view.tsx';

// REG-7, REG-8 (#11): the form posts of the reviewer's verdicts and the one-click allow-list
// (answered with a redirect back to the application's findings), and the staff page of both lists.

const LIST_NOTICES = {
  watchlist_added: 'flags.notice_watchlist_added',
  watchlist_exists: 'flags.notice_watchlist_exists',
  watchlist_removed: 'flags.notice_watchlist_removed',
  allowlist_removed: 'flags.notice_allowlist_removed',
};

/** The form's problems in the page's language, each field named with this page's labels. */
function listErrors(ctx: PageContext, violations: FieldViolation[]): FormErrors {
  const fields: Record<string, string> = {};
  for (const v of violations)
    fields[v.field] ??= ctx.t(`rules.${v.rule}`, {
      ...v.params,
      label: ctx.t(`flags.field.${v.field}`, { defaultValue: v.field }),
    });
  return { fields };
}

function findingKey(body: unknown): FindingKey {
  const { rule = '', code = '', field = '' } = pick(body, 'rule', 'code', 'field');
  return { rule, code, field };
}

export async function flagPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  const back = (id: string, notice: string) => `/staff/applications/${id}?notice=${notice}#findings-heading`;

  app.post<{ Params: { id: string } }>('/staff/applications/:id/findings/verdict', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:review', `/staff/applications/${req.params.id}`);
    if (!actor) return reply;
    if (!isUuid(req.params.id)) throw notFound('Application');
    const v = pick(req.body, 'verdict', 'note', 'previous');
    // The verdict the form showed ('' for none): a change made since then is not overwritten.
    const shown = v.previous ?? '';
    const previous = shown === '' ? null : isVerdict(shown) ? shown : undefined;
    try {
      await recordVerdict(
        appCtx(),
        actor,
        req.params.id,
        { ...findingKey(req.body), verdict: v.verdict ?? '', note: v.note, previous },
        requestMeta(req),
      );
    } catch (error) {
      // A colleague changed it first: the page shows the verdict that stands.
      if (error instanceof AppError && error.code === 'verdict_changed')
        return reply.redirect(back(req.params.id, 'verdict_changed'), 303);
      throw error;
    }
    return reply.redirect(back(req.params.id, 'verdict_saved'), 303);
  });

  app.post<{ Params: { id: string } }>('/staff/applications/:id/findings/allowlist', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:review', `/staff/applications/${req.params.id}`);
    if (!actor) return reply;
    if (!isUuid(req.params.id)) throw notFound('Application');
    const where = pick(req.body, 'where').where === 'everywhere' ? 'everywhere' : 'here';
    const { created } = await allowListFalseAlarm(
      appCtx(),
      actor,
      req.params.id,
      findingKey(req.body),
      where,
      requestMeta(req),
    );
    return reply.redirect(back(req.params.id, created ? 'allowlisted' : 'already_allowlisted'), 303);
  });

  const listsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    state: WatchlistFormState = { values: {}, errors: noErrors },
    status = 200,
  ) => {
    const lists = await addressLists(appCtx(), actor);
    return sendPage(
      reply,
      <FlagListsPage
        ctx={pageCtx(req, reply, { notices: LIST_NOTICES })}
        allowlist={lists.allowlist}
        watchlist={lists.watchlist}
        state={state}
      />,
      status,
    );
  };

  app.get('/staff/flags', async (req, reply) => {
    const actor = staffMember(req, reply);
    if (!actor) return reply;
    return listsPage(req, reply, actor);
  });

  app.post('/staff/flags/watchlist', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:review', '/staff/flags');
    if (!actor) return reply;
    const values = pick(req.body, 'kind', 'name', 'country', 'note');
    try {
      const { created } = await addToWatchlist(
        appCtx(),
        actor,
        { kind: values.kind!, name: values.name!, country: values.country, note: values.note },
        requestMeta(req),
      );
      return reply.redirect(
        `/staff/flags?notice=${created ? 'watchlist_added' : 'watchlist_exists'}#watchlist-heading`,
        303,
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      return listsPage(req, reply, actor, { values, errors: listErrors(pageCtx(req, reply), error.violations) }, 422);
    }
  });

  app.post<{ Params: { id: string } }>('/staff/flags/watchlist/:id/delete', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:review', '/staff/flags');
    if (!actor) return reply;
    await removeFromWatchlist(appCtx(), actor, req.params.id, requestMeta(req));
    return reply.redirect('/staff/flags?notice=watchlist_removed#watchlist-heading', 303);
  });

  app.post<{ Params: { id: string } }>('/staff/flags/allowlist/:id/delete', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:review', '/staff/flags');
    if (!actor) return reply;
    await removeFromAllowlist(appCtx(), actor, req.params.id, requestMeta(req));
    return reply.redirect('/staff/flags?notice=allowlist_removed#allowlist-heading', 303);
  });
}
