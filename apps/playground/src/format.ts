// Text the page shows or hands out: float32 values written shortly (the shortest
// decimal that reads back as the same float32) and the exact `pw.<op>(x, {...})`
// call for the current controls. No DOM here, so Node tests import it too.

/** The shortest decimal string that rounds to the same float32 as `value` (`0.1`, not `0.10000000149011612`). */
export function shortF32(value: number): string {
  const target = Math.fround(value);
  if (!Number.isFinite(target) || target === 0)
    return Object.is(target, -0) ? '-0' : String(target);
  for (let digits = 1; digits <= 9; digits++) {
    const text = String(Number(target.toPrecision(digits)));
    if (Math.fround(Number(text)) === target) return text;
  }
  return String(target);
}

/** A params object as JavaScript source: numbers as the page holds them, bigints with `n`. */
function literal(params: Record<string, number | bigint | boolean>): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return '';
  const body = entries
    .map(([key, v]) => `${key}: ${typeof v === 'bigint' ? `${v}n` : String(v)}`)
    .join(', ');
  return `, { ${body} }`;
}

/** The call that gives the plotted forward values: `pw.elu(x, { alpha: 0.5 })`. */
export function codeFor(op: string, params: Record<string, number | bigint | boolean>): string {
  return `pw.${op}(x${literal(params)})`;
}

/**
 * One axis tick written compactly with `precision` significant digits: plain decimals
 * from 1e-3 to 1e5, otherwise `2.5e-38` / `1e30` (uPlot's default writes 1e-6 as "0"
 * and 1e30 as 31 digits with separators).
 */
export function compactNumber(value: number, precision: number): string {
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a >= 1e5 || a < 1e-3) {
    const [mantissa, exponent] = value.toExponential(precision - 1).split('e');
    return `${String(Number(mantissa))}e${Number(exponent)}`;
  }
  return String(Number(value.toPrecision(precision)));
}

/**
 * Tick labels for an axis whose ticks are `step` apart: the fewest significant digits
 * that keep every label distinct; a tick within step·1e-9 of 0 (uPlot's arithmetic
 * leaves 1e-17 there) reads 0.
 */
export function tickLabels(values: readonly number[], step: number): string[] {
  const ticks = values.map((v) => (Math.abs(v) < Math.abs(step) * 1e-9 ? 0 : v));
  for (let precision = 1; precision <= 17; precision++) {
    const labels = ticks.map((v) => compactNumber(v, precision));
    if (new Set(labels).size === labels.length) return labels;
  }
  return ticks.map(String);
}

/** Tick steps 1, 2 and 5 × 10^k covering every float32 magnitude (uPlot's own stop at 1e-16..1e15). */
export const TICK_INCREMENTS: number[] = (() => {
  const out: number[] = [];
  for (let e = -46; e <= 39; e++) for (const m of [1, 2, 5]) out.push(Number(`${m}e${e}`));
  return out;
})();
