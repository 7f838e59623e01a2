import type { ComponentChildren } from 'preact';

/** A captioned, keyboard-scrollable table: one header cell per column, one body row per item. */
export function DataTable<T>({
  caption,
  columns,
  rows,
  row,
  className = 'striped',
  hideCaption = false,
}: {
  caption: string;
  columns: ComponentChildren[];
  rows: readonly T[];
  row: (item: T) => ComponentChildren;
  className?: string;
  /** For a table right under a heading that says the same: the caption is read out, not shown twice. */
  hideCaption?: boolean;
}) {
  return (
    <TableRegion label={caption}>
      <table class={className}>
        <caption class={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
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

/**
 * A wide table's scrolling box. It can take keyboard focus, so people who do not use a mouse
 * can scroll it too (axe: scrollable-region-focusable), and it is named after its table.
 */
export function TableRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="overflow-auto" tabindex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
