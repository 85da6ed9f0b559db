/**
 * Server-side SVG charts of the report: grouped bars of two or three distributions over the same bins. Pure: data in,
 * markup out; no fonts or scripts are loaded, so the file opens offline.
 */
import { formatShare, html, type Html } from './html';

/** One distribution drawn as bars: a name for the legend, a colour, one share per bin. */
export interface BarSeries {
  readonly name: string;
  readonly colour: string;
  readonly shares: readonly number[];
}

export interface BarChartInput {
  /** Accessible title of the chart. */
  readonly title: string;
  /** Bin labels under the axis, one per bin. */
  readonly labels: readonly string[];
  readonly series: readonly BarSeries[];
}

const WIDTH = 640;
const HEIGHT = 250;
const MARGIN = { top: 30, right: 12, bottom: 54, left: 46 } as const;

/** The labels of bins cut at `cuts`: `≤ 9`, `9–9.4`, …, `> 12.4`. */
export function binLabels(cuts: readonly number[], format: (value: number) => string): string[] {
  if (cuts.length === 0) return ['all'];
  return [
    `≤ ${format(cuts[0] as number)}`,
    ...cuts.slice(1).map((cut, k) => `${format(cuts[k] as number)}–${format(cut)}`),
    `> ${format(cuts[cuts.length - 1] as number)}`,
  ];
}

/** The y axis: a round tick step for the largest share, and the first tick at or above it as the top. */
function axis(series: readonly BarSeries[]): { top: number; ticks: number[] } {
  const largest = Math.max(0.05, ...series.flatMap((s) => s.shares));
  const step = largest <= 0.2 ? 0.05 : largest <= 0.5 ? 0.1 : 0.2;
  const top = Math.min(1, Math.ceil(largest / step - 1e-9) * step);
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  return { top, ticks };
}

/**
 * Grouped bars, one group per bin, one bar per series, with a percent axis, a legend and a `<title>` per bar (the
 * browser shows it on hover, without scripts).
 */
export function barChart(input: BarChartInput): Html {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const { top, ticks } = axis(input.series);
  const y = (share: number) => MARGIN.top + plotHeight * (1 - share / top);
  const slot = plotWidth / Math.max(1, input.labels.length);
  const barWidth = (slot * 0.8) / Math.max(1, input.series.length);
  // Long labels of narrow slots are drawn at an angle.
  const tilt = input.labels.some((l) => l.length * 7 > slot - 4);

  return html`<svg
    class="chart"
    xmlns="http://www.w3.org/2000/svg"
    viewBox="0 0 ${WIDTH} ${HEIGHT}"
    role="img"
    aria-label="${input.title}"
  >
    <title>${input.title}</title>
    ${ticks.map(
      (t) =>
        html`<line
            x1="${MARGIN.left}"
            x2="${WIDTH - MARGIN.right}"
            y1="${y(t).toFixed(1)}"
            y2="${y(t).toFixed(1)}"
            class="grid"
          /><text x="${MARGIN.left - 6}" y="${(y(t) + 4).toFixed(1)}" class="tick" text-anchor="end"
            >${Math.round(t * 100)} %</text
          >`,
    )}
    ${input.labels.map((label, k) => {
      const x = MARGIN.left + slot * k + slot * 0.1;
      const lx = MARGIN.left + slot * (k + 0.5);
      const ly = HEIGHT - MARGIN.bottom + 14;
      return html`<g class="bin"
        >${input.series.map((s, i) => {
          const share = s.shares[k] ?? 0;
          const barTop = y(share);
          return html`<rect
            x="${(x + barWidth * i).toFixed(1)}"
            y="${barTop.toFixed(1)}"
            width="${Math.max(1, barWidth - 1).toFixed(1)}"
            height="${(MARGIN.top + plotHeight - barTop).toFixed(1)}"
            fill="${s.colour}"
            ><title>${s.name}, ${label}: ${formatShare(share)}</title></rect
          >`;
        })}<text
          x="${lx.toFixed(1)}"
          y="${ly}"
          class="label"
          text-anchor="${tilt ? 'end' : 'middle'}"
          ${tilt ? html` transform="rotate(-30 ${lx.toFixed(1)} ${ly})"` : ''}
          >${label}</text
        ></g
      >`;
    })}
    <line
      x1="${MARGIN.left}"
      x2="${WIDTH - MARGIN.right}"
      y1="${MARGIN.top + plotHeight}"
      y2="${MARGIN.top + plotHeight}"
      class="axis"
    />
    ${input.series.map(
      (s, i) =>
        html`<rect x="${MARGIN.left + 8 + i * 150}" y="8" width="12" height="12" fill="${s.colour}" /><text
            x="${MARGIN.left + 26 + i * 150}"
            y="18"
            class="legend"
            >${s.name}</text
          >`,
    )}
  </svg>`;
}
