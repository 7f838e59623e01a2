import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePermission, type Actor } from '../../platform/auth.ts';
import { APPLICATIONS_TOPIC, cacheFor } from '../../platform/cache.ts';
import { isCountryCode, normaliseCountry } from '../../platform/countries.ts';
import { AppError, notFound, type FieldViolation } from '../../platform/errors.ts';
import type { Translate } from '../../platform/i18n.ts';
import { isUuid } from '../../platform/ids.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { formErrors, noErrors } from '../../platform/views/components.tsx';
import { errorText, pageCtx, pick } from '../../platform/views/page-helpers.tsx';
import { sendPage, sendPageWithBytes } from '../../platform/views/render.ts';
import { findDistributor } from '../distributors/index.ts';
import { agreementPages } from './agreements.pages.tsx';
import { DetailPage, type DetailState } from './application.view.tsx';
import { auditPages } from './audit.pages.tsx';
import { staffMember } from './console.tsx';
import { dashboardPages } from './dashboard.pages.tsx';
import { flagPages } from './flags.pages.tsx';
import { isDecision } from './decision.view.tsx';
import {
  ASSIGNED_FILTERS,
  QueuePage,
  renderQueueRows,
  SORTS,
  STATUS_FILTERS,
  type QueueRowsHtml,
} from './queue.view.tsx';
import {
  claimApplication,
  decideApplication,
  reviewDetail,
  reviewQueue,
  setChecklistItem,
  type QueueFilter,
} from './review.service.ts';
import { screeningPages } from './screening.pages.tsx';

// REG-12: the routes of the programme staff's review queue and application view. Every rule and
// query is the review service's (the JSON API calls the same functions); these handlers only read
// forms and render the screens (queue.view.tsx, application.view.tsx) with what the service returns.

const NOTICES = {
  claimed: 'staff.review.notice_claimed',
  checklist_saved: 'staff.review.notice_checklist_saved',
  approved: 'staff.review.notice_approved',
  declined: 'staff.review.notice_declined',
  info_requested: 'staff.review.notice_info_requested',
  verdict_saved: 'flags.notice_verdict_saved',
  verdict_changed: 'flags.notice_verdict_changed',
  allowlisted: 'flags.notice_allowlisted',
  already_allowlisted: 'flags.notice_already_allowlisted',
};

const oneOf = <T extends string>(values: readonly T[], value: string): T | undefined =>
  (values as readonly string[]).includes(value) ? (value as T) : undefined;

/** How long the queue's rendered rows are kept when no change is announced (decision 064). */
const QUEUE_ROWS_TTL_MS = 5_000;

/** The queue's filter from the query string; values it does not know are ignored. */
function queueFilter(query: unknown): QueueFilter & { country?: string } {
  const q = pick(query, 'status', 'country', 'assigned', 'sort');
  const country = normaliseCountry(q.country ?? '');
  return {
    status: oneOf(STATUS_FILTERS, q.status ?? ''),
    country: isCountryCode(country) ? country : undefined,
    assigned: oneOf(ASSIGNED_FILTERS, q.assigned ?? ''),
    sort: oneOf(SORTS, q.sort ?? ''),
  };
}

/** The checklist items a violation names, in the page's language rather than as codes. */
function readableViolations(t: Translate, violations: FieldViolation[]): FieldViolation[] {
  return violations.map((v) =>
    v.rule === 'checklist_incomplete' && typeof v.params?.items === 'string'
      ? {
          ...v,
          params: {
            ...v.params,
            items: v.params.items
              .split(', ')
              .map((item) => t(`staff.checklist.${item}`, { defaultValue: item }))
              .join('; '),
          },
        }
      : v,
  );
}

/** The form's checkboxes: urlencoded bodies repeat the name, so it may be a string or a list. */
function tickedItems(body: unknown): Set<string> {
  const value = (body as Record<string, unknown> | undefined)?.item;
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return new Set(values.filter((v): v is string => typeof v === 'string'));
}

/** REG-12: the review queue and the application view, with claim, checklist and decision forms. */
export async function reviewPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;

  // The other pages of the staff console, each in its own plugin (screening accepts uploads).
  await app.register(dashboardPages);
  await app.register(agreementPages);
  await app.register(screeningPages);
  await app.register(auditPages);
  await app.register(flagPages);

  app.get('/staff/applications', async (req, reply) => {
    const actor = staffMember(req, reply);
    if (!actor) return reply;
    const filter = queueFilter(req.query);
    const rows = await queueRows(req, actor, filter);
    const page = <QueuePage ctx={pageCtx(req, reply)} rows={rows} filter={filter} />;
    return rows.count === 0 ? sendPage(reply, page) : sendPageWithBytes(reply, page, rows.bytes);
  });

  /**
   * The queue's rows, rendered, for QUEUE_ROWS_TTL_MS or until an application changes
   * (APPLICATIONS_TOPIC): with thousands waiting, reading and rendering 500 rows was nearly all of
   * the page's time (#15, decision 064). Kept per language, filter and day (ages count days).
   */
  const queueRows = async (req: FastifyRequest, actor: Actor, filter: QueueFilter) => {
    requirePermission(actor, 'applications:review');
    const now = new Date();
    const key = [
      req.lang,
      filter.status,
      filter.country,
      filter.assigned === 'me' ? `me:${actor.userId}` : filter.assigned,
      filter.sort,
      now.toISOString().slice(0, 10),
    ].join('|');
    const cache = cacheFor<QueueRowsHtml>(appCtx().db, APPLICATIONS_TOPIC, QUEUE_ROWS_TTL_MS, 500, { eager: true });
    // Requests that miss together (the entry expired while ten were waiting) share one read.
    return cache.load(key, async () =>
      renderQueueRows(await reviewQueue(appCtx(), actor, filter, now), req.t, req.lang),
    );
  };

  const detailOf = async (actor: Actor, id: string) => {
    if (!isUuid(id)) throw notFound('Application');
    const detail = await reviewDetail(appCtx(), actor, id);
    const ids = [...new Set((detail.answers.distributors?.items ?? []).map((d) => d.distributorId))];
    const found = await Promise.all(ids.map((d) => findDistributor(appCtx(), d)));
    const distributorNames = new Map(found.filter((d) => d !== undefined).map((d) => [d.id, d.legalName]));
    return { detail, distributorNames };
  };

  const detailPage = async (
    req: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    actor: Actor,
    state: Partial<DetailState> = {},
    status = 200,
  ) => {
    const { detail, distributorNames } = await detailOf(actor, req.params.id);
    const ctx = pageCtx(req, reply, { notices: NOTICES, path: `/staff/applications/${detail.id}` });
    return sendPage(
      reply,
      <DetailPage
        ctx={ctx}
        detail={detail}
        distributorNames={distributorNames}
        state={{ values: {}, errors: noErrors, claimConflict: false, ...state }}
      />,
      status,
    );
  };

  app.get<{ Params: { id: string } }>('/staff/applications/:id', async (req, reply) => {
    const actor = staffMember(req, reply);
    if (!actor) return reply;
    return detailPage(req, reply, actor);
  });

  app.post<{ Params: { id: string } }>('/staff/applications/:id/claim', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:review', `/staff/applications/${req.params.id}`);
    if (!actor) return reply;
    if (!isUuid(req.params.id)) throw notFound('Application');
    const takeOver = pick(req.body, 'take_over').take_over === 'yes';
    try {
      await claimApplication(appCtx(), actor, req.params.id, takeOver, requestMeta(req));
    } catch (error) {
      if (error instanceof AppError && error.code === 'already_claimed')
        return detailPage(req, reply, actor, { claimConflict: true }, 409);
      throw error;
    }
    return reply.redirect(`/staff/applications/${req.params.id}?notice=claimed`, 303);
  });

  app.post<{ Params: { id: string } }>('/staff/applications/:id/checklist', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:review', `/staff/applications/${req.params.id}`);
    if (!actor) return reply;
    const { detail } = await detailOf(actor, req.params.id);
    const ticked = tickedItems(req.body);
    const meta = requestMeta(req);
    // Only what changed, so the audit log records each tick and untick once.
    for (const { item, checked } of detail.checklist) {
      if (ticked.has(item) !== checked)
        await setChecklistItem(appCtx(), actor, detail.id, item, ticked.has(item), meta);
    }
    return reply.redirect(`/staff/applications/${detail.id}?notice=checklist_saved#checklist-heading`, 303);
  });

  app.post<{ Params: { id: string } }>('/staff/applications/:id/decision', async (req, reply) => {
    const actor = staffMember(req, reply, 'applications:decide', `/staff/applications/${req.params.id}`);
    if (!actor) return reply;
    if (!isUuid(req.params.id)) throw notFound('Application');
    const values = pick(req.body, 'decision', 'internal_reason', 'question');
    const decision = values.decision ?? '';
    if (!isDecision(decision))
      return detailPage(
        req,
        reply,
        actor,
        { values, errors: formErrors(req.t, [{ field: 'decision', rule: 'required' }]) },
        422,
      );
    try {
      const { status } = await decideApplication(
        appCtx(),
        actor,
        req.params.id,
        { decision, internalReason: values.internal_reason, question: values.question },
        requestMeta(req),
      );
      return reply.redirect(`/staff/applications/${req.params.id}?notice=${status}`, 303);
    } catch (error) {
      if (
        !(error instanceof AppError) ||
        error.status >= 500 ||
        error.status === 401 ||
        error.status === 403 ||
        error.status === 404
      )
        throw error;
      if (error.code === 'validation_failed')
        return detailPage(
          req,
          reply,
          actor,
          { values, errors: formErrors(req.t, readableViolations(req.t, error.violations)) },
          422,
        );
      // A colleague decided first (409): the page shows the decision that stands.
      const general =
        error.code === 'already_decided'
          ? req.t('staff.review.already_decided')
          : errorText(pageCtx(req, reply), error);
      return detailPage(req, reply, actor, { errors: { general, fields: {} } }, error.status);
    }
  });
}
