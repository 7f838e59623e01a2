import type { ComponentChildren } from 'preact';
import { AppError, type FieldViolation } from '../../platform/errors.ts';
import { violationMessage } from '../../platform/violations.ts';
import type { FormErrors } from '../../platform/views/components.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { errorText } from '../../platform/views/page-helpers.tsx';

/** PICA-9: every PICA page ends with the help mailbox and the way to the answers and guides. */
export function HelpLine({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <aside class="pica-help" aria-labelledby="pica-help-heading">
      <h2 id="pica-help-heading">{t('pica.help.aside_title')}</h2>
      <p>
        {t('pica.help.aside_body')} <a href={`mailto:${ctx.help}`}>{ctx.help}</a>
      </p>
      <p>
        <a href="/pica/help">{t('pica.help.title')}</a> ·{' '}
        <a href="/pica/guide/administrators">{t('pica.guide.admin_title')}</a> ·{' '}
        <a href="/pica/guide/end-users">{t('pica.guide.end_user_title')}</a>
      </p>
    </aside>
  );
}

export function PicaPage({
  ctx,
  title,
  eyebrow,
  children,
}: {
  ctx: PageContext;
  title: string;
  eyebrow?: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <Layout ctx={ctx} title={title}>
      {eyebrow && <p class="eyebrow">{eyebrow}</p>}
      <h1>{title}</h1>
      {children}
      <HelpLine ctx={ctx} />
    </Layout>
  );
}

/** A PICA rule violation as a sentence: the module's own wording first, then the shared one. */
export function picaViolation(ctx: PageContext, v: FieldViolation): string {
  const label = ctx.t(`pica.fields.${v.field}`, {
    defaultValue: ctx.t(`fields.${v.field}`, { defaultValue: v.field }),
  });
  return ctx.t(`pica.rules.${v.rule}`, { label, ...v.params, defaultValue: violationMessage(ctx.t, v) });
}

/** Form errors for a PICA form: every message of a field is kept (each contract number has its own). */
export function picaFormErrors(ctx: PageContext, error: unknown): FormErrors {
  if (
    !(error instanceof AppError) ||
    error.status >= 500 ||
    error.status === 401 ||
    error.status === 403 ||
    error.status === 404
  )
    throw error;
  if (error.code !== 'validation_failed') return { general: picaErrorText(ctx, error), fields: {} };
  const fields: Record<string, string> = {};
  for (const v of error.violations)
    fields[v.field] = fields[v.field] ? `${fields[v.field]} ${picaViolation(ctx, v)}` : picaViolation(ctx, v);
  return { fields };
}

export function picaErrorText(ctx: PageContext, error: AppError): string {
  const gaps =
    typeof error.params.gaps === 'string'
      ? error.params.gaps
          .split(', ')
          .map((g) => ctx.t(`pica.gaps.${g}`))
          .join(' ')
      : '';
  return ctx.t(`errors.${error.code}`, { ...error.params, gaps, defaultValue: errorText(ctx, error) });
}

export function StateBadge({ ctx, state }: { ctx: PageContext; state: string }) {
  return <span class={`badge badge-${state}`}>{ctx.t(`pica.states.${state}`)}</span>;
}

/** Days as the form fields show them (YYYY-MM-DD, UTC). */
export const day = (date: Date | null | undefined): string => (date ? date.toISOString().slice(0, 10) : '');
