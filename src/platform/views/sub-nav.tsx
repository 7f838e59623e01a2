import type { ComponentChildren } from 'preact';

/** One entry of a sub-navigation: which section it opens, where, and its (translated) label. */
export type SubNavItem<S extends string> = readonly [section: S, href: string, label: string];

/**
 * The small navigation under a page heading that marks the current section with aria-current.
 * Children are further list items that lead out of the section set (e.g. to another module's pages).
 */
export function SubNav<S extends string>({
  label,
  items,
  current,
  children,
}: {
  label: string;
  items: readonly SubNavItem<S>[];
  current: S;
  children?: ComponentChildren;
}) {
  return (
    <nav aria-label={label} class="subnav">
      <ul>
        {items.map(([section, href, text]) => (
          <li>
            <a href={href} aria-current={section === current ? 'page' : undefined}>
              {text}
            </a>
          </li>
        ))}
        {children}
      </ul>
    </nav>
  );
}
