import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { can, requirePermission, type Actor } from '../../platform/auth.ts';
import type { Permission } from '../../platform/roles.rules.ts';
import { fieldId } from '../../platform/views/components.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { signedIn } from '../../platform/views/page-helpers.tsx';

// What every page of the programme staff's console shares: who may see it, its navigation,
// and a few small pieces of markup.

/**
 * The staff member, or undefined after redirecting an anonymous visitor to sign in. Anyone
 * else gets the friendly 403 page (the error handler renders the thrown AppError).
 */
export function staffMember(req: FastifyRequest, reply: FastifyReply, permission: Permission = 'applications:review', returnTo?: string): Actor | undefined {
  const actor = signedIn(req, reply, returnTo);
  return actor && requirePermission(actor, permission);
}

type Section = 'dashboard' | 'applications' | 'agreements' | 'screening' | 'audit';

const SECTIONS: { section: Section; href: string; permission: Permission }[] = [
  { section: 'dashboard', href: '/staff', permission: 'applications:review' },
  { section: 'applications', href: '/staff/applications', permission: 'applications:review' },
  { section: 'agreements', href: '/staff/agreements', permission: 'applications:review' },
  { section: 'screening', href: '/staff/screening', permission: 'staff:manage' },
  { section: 'audit', href: '/staff/audit', permission: 'audit:read' },
];

/** A console page: the main layout with the console's own navigation above the content. */
export function ConsolePage({ ctx, title, section, children }: { ctx: PageContext; title: string; section: Section; children: ComponentChildren }) {
  const { t, actor } = ctx;
  return (
    <Layout ctx={ctx} title={title}>
      <nav class="subnav" aria-label={t('staff.nav.label')}>
        <ul>
          {SECTIONS.filter((s) => can(actor, s.permission)).map((s) => (
            <li>
              <a href={s.href} aria-current={s.section === section ? 'page' : undefined}>
                {t(`staff.nav.${s.section}`)}
              </a>
            </li>
          ))}
          {can(actor, 'distributors:manage') && (
            <li>
              <a href="/staff/distributors">{t('layout.staff_distributors')}</a>
            </li>
          )}
        </ul>
      </nav>
      {children}
    </Layout>
  );
}

/** A date (no time) in the page's language, in UTC like every date the console shows. */
export function formatDate(date: Date, lang: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** A date input (YYYY-MM-DD), labelled and described like TextField. */
export function DateField({ name, label, value, error, hint, required = true }: { name: string; label: string; value?: string | undefined; error?: string | undefined; hint?: string | undefined; required?: boolean }) {
  const id = fieldId(name);
  const describedBy = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} name={name} type="date" value={value} required={required} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy} />
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  );
}

/** A YYYY-MM-DD date typed into a form, as midnight UTC; anything else is not a date. */
export function parseDay(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return undefined;
  const date = new Date(`${value.trim()}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value.trim() ? undefined : date;
}

/**
 * A wide table's scrolling box. It can take keyboard focus, so people who do not use a mouse
 * can scroll it too (axe: scrollable-region-focusable), and it is named after its table.
 */
/** A captioned, keyboard-scrollable table: one header cell per column, one body row per item. */
export function DataTable<T>({ caption, columns, rows, row, className = 'striped' }: { caption: string; columns: ComponentChildren[]; rows: readonly T[]; row: (item: T) => ComponentChildren; className?: string }) {
  return (
    <TableRegion label={caption}>
      <table class={className}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col">{column}</th>
            ))}
          </tr>
        </thead>
        <tbody>{rows.map(row)}</tbody>
      </table>
    </TableRegion>
  );
}

export function TableRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="overflow-auto" tabindex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
