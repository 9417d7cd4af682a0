// WGSL helpers every kernel includes: comparisons and selects on float32 bit
// patterns (never an f32 compare, which a device may flush or fold), the exact
// product (one float multiply where no operand or result can be subnormal, an
// integer multiply with round-to-nearest-even otherwise), Philox4x32-10 with
// mulhi from 16-bit halves, and the flush-proof sum accumulator of reductions.

/** Bit-pattern predicates: NaN, sign-magnitude order, ordered comparisons (false on NaN). */
export const BITS = /* wgsl */ `
fn is_nan(b: u32) -> bool { return (b & 0x7fffffffu) > 0x7f800000u; }
fn ord(b: u32) -> i32 { let m = i32(b & 0x7fffffffu); return select(m, -m, (b >> 31u) != 0u); }
fn f_lt(a: u32, b: u32) -> bool { return !is_nan(a) && !is_nan(b) && ord(a) < ord(b); }
fn f_le(a: u32, b: u32) -> bool { return !is_nan(a) && !is_nan(b) && ord(a) <= ord(b); }
fn f_gt(a: u32, b: u32) -> bool { return !is_nan(a) && !is_nan(b) && ord(a) > ord(b); }
fn f_ge(a: u32, b: u32) -> bool { return !is_nan(a) && !is_nan(b) && ord(a) >= ord(b); }
fn quiet(b: u32) -> u32 { return b | 0x400000u; }
`;

/**
 * mul_exact(a, b): the float32 product, correctly rounded to nearest even, for any
 * bit patterns. The float unit is used only when both operands are normal and the
 * exponents guarantee a normal, finite result (nothing to flush, no Inf/NaN for a
 * finite-math compiler to assume away); everything else takes mul_soft.
 */
export const MUL = /* wgsl */ `
// The float32 with sign s nearest (ties to even) to the product P = (hi, lo) whose
// top bit is bit t, at biased exponent e (subnormal below 1, Inf at 255 and up);
// a shift past limit bits leaves nothing but the signed zero.
fn round_pack(s: u32, hi: u32, lo: u32, t: i32, e: i32, limit: i32) -> u32 {
  let sh = t - 23 + max(1 - e, 0);
  let n = u32(clamp(sh - 1, 0, 63));
  let wide = n >= 32u;
  let nl = min(n, 31u);
  let nh = min(n - min(n, 32u), 31u);
  let q2 = select((lo >> nl) | (hi << (32u - nl)), hi >> nh, wide);
  let sticky = select(
    (lo & ((1u << nl) - 1u)) != 0u,
    (lo != 0u) | ((hi & ((1u << nh) - 1u)) != 0u),
    wide,
  );
  let q0 = q2 >> 1u;
  let q = q0 + select(0u, 1u, ((q2 & 1u) != 0u) & (sticky | ((q0 & 1u) != 0u)));
  let bits = select(q, (u32(max(e, 1) - 1) << 23u) + q, e >= 1);
  let r = select(s | bits, s | 0x7f800000u, (e >= 255) | (bits >= 0x7f800000u));
  return select(r, s, sh > limit);
}

fn mul_soft(a: u32, b: u32) -> u32 {
  let s = (a ^ b) & 0x80000000u;
  let ea = (a >> 23u) & 0xffu;
  let eb = (b >> 23u) & 0xffu;
  let ma = a & 0x7fffffu;
  let mb = b & 0x7fffffu;
  // significands with the implicit bit, shifted up to bit 23 (a zero stays 0)
  let na = select(ma | 0x800000u, ma, ea == 0u);
  let nb = select(mb | 0x800000u, mb, eb == 0u);
  let la = min(150u - (bitcast<u32>(f32(na)) >> 23u), 23u);
  let lb = min(150u - (bitcast<u32>(f32(nb)) >> 23u), 23u);
  let sa = na << la;
  let sb = nb << lb;
  let xa = i32(max(ea, 1u)) - i32(la);
  let xb = i32(max(eb, 1u)) - i32(lb);
  // P = sa * sb in [2^46, 2^48) as (hi, lo)
  let a0 = sa & 0xffffu;
  let a1 = sa >> 16u;
  let b0 = sb & 0xffffu;
  let b1 = sb >> 16u;
  let p00 = a0 * b0;
  let mid = a1 * b0 + a0 * b1;
  let lo = p00 + (mid << 16u);
  let hi = a1 * b1 + (mid >> 16u) + select(0u, 1u, lo < p00);
  let t = select(46, 47, (hi >> 15u) != 0u);
  var r = round_pack(s, hi, lo, t, xa + xb - 173 + t, 48);
  // special operands, the last select winning: a NaN (a's first, quieted), Inf times
  // zero (the default NaN), Inf, zero
  let za = (a & 0x7fffffffu) == 0u;
  let zb = (b & 0x7fffffffu) == 0u;
  let ia = ea == 255u;
  let ib = eb == 255u;
  r = select(r, s, za | zb);
  r = select(r, s | 0x7f800000u, ia | ib);
  r = select(r, 0x7fc00000u, (ia & zb) | (ib & za));
  r = select(r, quiet(b), ib & (mb != 0u));
  return select(r, quiet(a), ia & (ma != 0u));
}

fn mul_exact(a: u32, b: u32) -> u32 {
  let ea = (a >> 23u) & 0xffu;
  let eb = (b >> 23u) & 0xffu;
  let es = ea + eb;
  if (ea - 1u < 254u && eb - 1u < 254u && es >= 128u && es <= 380u) {
    return bitcast<u32>(bitcast<f32>(a) * bitcast<f32>(b));
  }
  return mul_soft(a, b);
}
`;

/**
 * add_exact(a, b) for finite a, b: the float32 sum, correctly rounded to nearest even.
 * The float unit is used when both operands are normal (exponent field 1..253) and its
 * result is normal; a zero or subnormal result (flushed, or exact cancellation into the
 * subnormal range), subnormal operands and possible overflow take add_soft, which works
 * on the significands with three guard bits.
 */
export const ADD = /* wgsl */ `
fn add_soft(a: u32, b: u32) -> u32 {
  let swap = (b & 0x7fffffffu) > (a & 0x7fffffffu);
  let x = select(a, b, swap);
  let y = select(b, a, swap);
  let sx = x & 0x80000000u;
  let ex0 = (x >> 23u) & 0xffu;
  let ey0 = (y >> 23u) & 0xffu;
  let ex = i32(max(ex0, 1u));
  let mx = select((x & 0x7fffffu) | 0x800000u, x & 0x7fffffu, ex0 == 0u) << 3u;
  let my0 = select((y & 0x7fffffu) | 0x800000u, y & 0x7fffffu, ey0 == 0u) << 3u;
  // y's significand aligned to x's with a sticky bit (past 26 places only the sticky)
  let d = min(u32(ex) - max(ey0, 1u), 31u);
  let my = (my0 >> d) | select(0u, 1u, (my0 & ((1u << d) - 1u)) != 0u);
  let m0 = select(mx + my, mx - my, (x ^ y) >= 0x80000000u);
  // normalise: a carry shifts right once (sticky), else left to bit 26 but not below
  // exponent 1; the top bit from an exact float conversion (m0 < 2^28, low bits cleared)
  let carry = m0 >= 0x8000000u;
  let top = i32(bitcast<u32>(f32(select(m0, m0 & 0xfffffff0u, m0 >= 0x1000000u))) >> 23u) - 127;
  let sh = clamp(min(26 - top, ex - 1), 0, 31);
  var m = select(m0 << u32(sh), (m0 >> 1u) | (m0 & 1u), carry);
  let e = select(ex - sh, ex + 1, carry);
  let low = m & 7u;
  m = m >> 3u;
  m = m + select(0u, 1u, (low > 4u) | ((low == 4u) & ((m & 1u) != 0u)));
  let bits = (u32(e - 1) << 23u) + m;
  let r = select(sx | bits, sx | 0x7f800000u, bits >= 0x7f800000u);
  return select(r, 0u, m0 == 0u);
}

fn add_exact(a: u32, b: u32) -> u32 {
  let ea = (a >> 23u) & 0xffu;
  let eb = (b >> 23u) & 0xffu;
  if (ea - 1u < 253u && eb - 1u < 253u) {
    let r = bitcast<u32>(bitcast<f32>(a) + bitcast<f32>(b));
    let er = (r >> 23u) & 0xffu;
    if (er - 1u < 254u) { return r; }
  }
  return add_soft(a, b);
}
`;

/** Philox4x32-10 (PyTorch's PhiloxRNGEngine); mulhi from 16-bit halves. */
export const PHILOX = /* wgsl */ `
fn mulhi(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let lh = a0 * b1;
  let hl = a1 * b0;
  let mid = ((a0 * b0) >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return a1 * b1 + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

fn philox(c: vec4<u32>, k: vec2<u32>) -> vec4<u32> {
  var x = c;
  var key = k;
  for (var r = 0u; r < 10u; r = r + 1u) {
    let hi0 = mulhi(0xD2511F53u, x.x);
    let lo0 = 0xD2511F53u * x.x;
    let hi1 = mulhi(0xCD9E8D57u, x.z);
    let lo1 = 0xCD9E8D57u * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ key.x, lo1, hi0 ^ x.w ^ key.y, lo0);
    key = key + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return x;
}
`;

/**
 * A sum that no flushing device can spoil: NaN/Inf terms become flags, terms with
 * |t| >= 2^-100 add in float32 (their partial sums are multiples of 2^-123, never
 * subnormal), smaller ones add scaled by 2^64 (exact, and again never subnormal).
 * acc_final joins the parts with an exact rescale.
 */
export const ACC = /* wgsl */ `
struct Acc { big: f32, small: f32, flags: u32 }

fn acc_add(a: Acc, t: u32) -> Acc {
  var r = a;
  let e = (t >> 23u) & 0xffu;
  if (e == 255u) {
    if ((t & 0x7fffffu) != 0u) { r.flags = r.flags | 1u; }
    else if ((t >> 31u) == 0u) { r.flags = r.flags | 2u; }
    else { r.flags = r.flags | 4u; }
  } else if (e >= 27u) {
    r.big = r.big + bitcast<f32>(t);
  } else if ((t & 0x7fffffffu) != 0u) {
    r.small = r.small + bitcast<f32>(mul_exact(t, 0x5f800000u));
  }
  return r;
}

fn acc_join(a: Acc, b: Acc) -> Acc {
  return Acc(a.big + b.big, a.small + b.small, a.flags | b.flags);
}

fn acc_final(a: Acc) -> u32 {
  if ((a.flags & 1u) != 0u || (a.flags & 6u) == 6u) { return 0x7fc00000u; }
  if ((a.flags & 2u) != 0u) { return 0x7f800000u; }
  if ((a.flags & 4u) != 0u) { return 0xff800000u; }
  let s = mul_exact(bitcast<u32>(a.small), 0x1f800000u);
  if ((bitcast<u32>(a.big) & 0x7fffffffu) == 0u) { return s; }
  return bitcast<u32>(a.big + bitcast<f32>(s));
}
`;

export const COMMON = BITS + MUL + ADD + PHILOX + ACC;

/** The uniform block every kernel reads: 16 u32 words. */
export const UNIFORM = /* wgsl */ `
struct U { w0: vec4<u32>, w1: vec4<u32>, w2: vec4<u32>, w3: vec4<u32> }
@group(0) @binding(0) var<uniform> u: U;
`;

/** The flat invocation index of a 1-D or folded 2-D dispatch of 256-thread workgroups. */
export const MAIN_ARGS =
  '@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32';

/** f32 bit pattern of a JS number (already float32-rounded). */
export function bitsOf(value: number): number {
  const f = new Float32Array([value]);
  return new Uint32Array(f.buffer)[0]!;
}
