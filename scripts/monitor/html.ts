/** Escaping and number formatting for the report: every value that reaches the HTML goes through these. */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values (and SVG, which shares the rules).
 *
 * @example
 * escapeHtml('<b>"x"</b>'); // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A template tag that escapes every interpolated value unless it is {@link Html} already. */
export function html(strings: TemplateStringsArray, ...values: readonly unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += toHtml(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Markup that is already safe (built by {@link html} or the renderers). */
export class Html {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

function toHtml(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(toHtml).join('');
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return escapeHtml(String(value));
  }
  // An object would print as [object Object]: a bug in the caller, not something to show.
  throw new TypeError(`cannot interpolate a ${typeof value} into HTML`);
}

/** PSI as shown: three decimals (the metric's noise at 500 records is ≈0.02). */
export function formatPsi(psi: number | undefined): string {
  return psi === undefined ? '–' : psi.toFixed(3);
}

/** A share as a percentage with one decimal. */
export function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** A feature value: up to four significant decimals, no trailing zeros. */
export function formatValue(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/** A count with thousands separators. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
