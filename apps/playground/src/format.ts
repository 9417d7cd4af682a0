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
