import type { ComponentChildren } from 'preact';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth.ts';
import { formatDate } from '../../platform/dates.ts';
import { AppError } from '../../platform/errors.ts';
import { ErrorSummary, noErrors, type FormErrors } from '../../platform/views/components.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { SubNav } from '../../platform/views/sub-nav.tsx';
import { asFormErrors, pageCtx, signedIn } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import type { Partner } from './partners.service.ts';

// What every Partner Self Service page shares: the frame with its navigation, notices, dates.

export type Section = 'home' | 'colleagues' | 'accounts' | 'locations' | 'renewal';

const NOTICES = {
  invited: 'partner.notices.invited',
  resent: 'partner.notices.resent',
  revoked: 'partner.notices.revoked',
  joined: 'partner.notices.joined',
  roles_saved: 'partner.notices.roles_saved',
  removed: 'partner.notices.removed',
  claim_added: 'partner.notices.claim_added',
  claim_removed: 'partner.notices.claim_removed',
  reviewed: 'partner.notices.reviewed',
  location_saved: 'partner.notices.location_saved',
  location_removed: 'partner.notices.location_removed',
  listing_saved: 'partner.notices.listing_saved',
  renewed: 'partner.notices.renewed',
  settings_saved: 'partner.notices.settings_saved',
};

export const partnerPageCtx = (req: FastifyRequest, reply: FastifyReply, path?: string) =>
  pageCtx(req, reply, { notices: NOTICES, ...(path ? { path } : {}) });

export function SelfServicePage({
  ctx,
  partner,
  section,
  title,
  errors = noErrors,
  children,
}: {
  ctx: PageContext;
  partner: Partner;
  section: Section;
  title: string;
  errors?: FormErrors;
  children: ComponentChildren;
}) {
  const { t } = ctx;
  const items: [Section, string][] = [
    ['home', ''],
    ['colleagues', '/colleagues'],
    ['accounts', '/accounts'],
    ['locations', '/locations'],
    ['renewal', '/renewal'],
  ];
  return (
    <Layout ctx={ctx} title={`${title} · ${partner.legalName}`}>
      <p class="eyebrow">{partner.legalName}</p>
      <h1>{title}</h1>
      <SubNav
        label={t('partner.subnav_label')}
        items={items.map(([s, suffix]) => [s, `/partner/${partner.id}${suffix}`, t(`partner.sections.${s}`)] as const)}
        current={section}
      >
        <li>
          {/* REG-10: training has its own pages for the person's partner (training.pages.tsx). */}
          <a href="/partner/training">{t('partner.sections.training')}</a>
        </li>
      </SubNav>
      <ErrorSummary t={t} errors={errors} />
      {children}
    </Layout>
  );
}

export const isAdmin = (ctx: PageContext, partner: Partner) => can(ctx.actor, 'partner:manage', partner.id);

export function Day({ ctx, date }: { ctx: PageContext; date: Date | null | undefined }) {
  if (!date) return <>—</>;
  return <time datetime={date.toISOString()}>{formatDate(date, ctx.lang)}</time>;
}

/** Every value of a repeated form field (checkbox groups). */
export function fieldValues(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Validation problems and conflicts are shown on the page; anything else goes to the error page. */
export function isFormProblem(error: unknown): error is AppError {
  return error instanceof AppError && (error.status === 409 || error.status === 422 || error.status === 400);
}

/**
 * A form post on a Self Service list page (`page`): runs `change`; a refusal the visitor can correct
 * shows on the page again through `refused`, success redirects to the page with the notice.
 */
export async function submitForm(
  req: FastifyRequest,
  reply: FastifyReply,
  {
    page,
    notice,
    change,
    refused,
    fieldNames,
  }: {
    page: string;
    notice: string;
    change: () => Promise<unknown>;
    refused: (errors: FormErrors) => Promise<unknown>;
    fieldNames?: Record<string, string>;
  },
) {
  if (!signedIn(req, reply, page)) return reply;
  try {
    await change();
  } catch (error) {
    if (!isFormProblem(error)) throw error;
    return refused(asFormErrors(partnerPageCtx(req, reply), error, fieldNames));
  }
  return reply.redirect(`${page}?notice=${notice}`, 303);
}

export { sendPage };
