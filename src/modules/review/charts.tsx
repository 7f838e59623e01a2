import type { PageContext } from '../../platform/views/page-context.ts';
import { TableRegion } from '../../platform/views/data-table.tsx';

// Charts drawn on the server as SVG: no script, no chart library, nothing the CSP has to allow.
// Colours come from classes in app.css (with a dark-scheme variant), and every chart has a
// visible table with the same numbers for people who cannot see it.

export type Tone = 'blue' | 'green' | 'amber' | 'red' | 'grey' | 'purple';

export interface Bar {
  label: string;
  value: number;
  tone: Tone;
}

const WIDTH = 640;
const LABEL_WIDTH = 240;
const VALUE_WIDTH = 70;
const ROW = 34;
const BAR = 22;
const MAX_LABEL = 28;

/** A label short enough for the chart's label column; the table shows it whole. */
function fit(label: string): string {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

/** "Approved: 4, Declined: 1" in the page's language, for the chart's accessible name. */
export function chartSummary(ctx: PageContext, title: string, bars: readonly Bar[]): string {
  const number = new Intl.NumberFormat(ctx.lang);
  const items = bars.map((b) => ctx.t('staff.chart.item', { label: b.label, value: number.format(b.value) }));
  if (items.length === 0) return ctx.t('staff.chart.empty_summary', { title });
  return ctx.t('staff.chart.summary', {
    title,
    items: new Intl.ListFormat(ctx.lang, { style: 'long', type: 'conjunction' }).format(items),
  });
}

/**
 * A horizontal bar chart: one row per bar, the label on the left, the value after the bar.
 * `role="img"` with a summary of every value as its name; the table below repeats them.
 */
export function BarChart({ ctx, title, bars }: { ctx: PageContext; title: string; bars: readonly Bar[] }) {
  const number = new Intl.NumberFormat(ctx.lang);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / max;
  const height = Math.max(1, bars.length) * ROW + 4;
  return (
    <svg
      class="chart"
      role="img"
      aria-label={chartSummary(ctx, title, bars)}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
      focusable="false"
    >
      <line class="chart-axis" x1={LABEL_WIDTH} y1={0} x2={LABEL_WIDTH} y2={height} />
      {bars.map((b, i) => {
        const y = i * ROW + 2;
        const width = Math.round(b.value * scale);
        return (
          <g>
            <text class="chart-label" x={LABEL_WIDTH - 8} y={y + ROW / 2} text-anchor="end" dominant-baseline="middle">
              {fit(b.label)}
            </text>
            <rect
              class={`chart-bar tone-${b.tone}`}
              x={LABEL_WIDTH}
              y={y + (ROW - BAR) / 2}
              width={width}
              height={BAR}
              rx={2}
            />
            <text class="chart-value" x={LABEL_WIDTH + width + 6} y={y + ROW / 2} dominant-baseline="middle">
              {number.format(b.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** The chart's numbers as a table: the alternative for screen readers and for copying. */
export function ChartTable({
  ctx,
  caption,
  headers,
  bars,
}: {
  ctx: PageContext;
  caption: string;
  headers: [string, string];
  bars: readonly Bar[];
}) {
  const number = new Intl.NumberFormat(ctx.lang);
  return (
    <TableRegion label={caption}>
      <table class="striped chart-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{headers[0]}</th>
            <th scope="col" class="numeric">
              {headers[1]}
            </th>
          </tr>
        </thead>
        <tbody>
          {bars.map((b) => (
            <tr>
              <th scope="row">{b.label}</th>
              <td class="numeric">{number.format(b.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
