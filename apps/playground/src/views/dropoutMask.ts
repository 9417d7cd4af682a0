// The dropout view: the keep mask of a 64x64 tensor for the chosen ratio, seed and
// stream, drawn pixel per element. The mask is computed on every available backend
// and compared byte for byte: Philox4x32-10 keyed by (seed, stream) must give the
// same mask everywhere (SPEC section 2).

import type { Pointwise } from '@pointwise/core';
import type { BackendEntry } from '../backends.js';
import { fnv1aHex } from '../samples.js';

export const MASK_SIDE = 64;

export interface DropoutMaskData {
  /** The chosen backend's mask (1 = kept). */
  mask: Uint8Array;
  maskHash: string;
  keptFraction: number;
  /** Mask hash per available backend. */
  hashes: Record<string, string>;
  sameOnAll: boolean;
}

async function maskOn(pw: Pointwise, params: object): Promise<Uint8Array> {
  const x = pw.tensor(new Float32Array(MASK_SIDE * MASK_SIDE).fill(1), [MASK_SIDE, MASK_SIDE]);
  const { y, mask } = pw.dropoutWithReplacement(x, { ...params, returnMask: true });
  const bytes = (await mask!.read()) as Uint8Array;
  for (const t of [x, y, mask]) t?.dispose();
  return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export async function computeDropoutMasks(
  entries: BackendEntry[],
  chosen: string,
  params: object,
): Promise<DropoutMaskData> {
  const masks = new Map<string, Uint8Array>();
  for (const entry of entries) if (entry.pw) masks.set(entry.name, await maskOn(entry.pw, params));
  const mask = masks.get(chosen)!;
  const hashes: Record<string, string> = {};
  for (const [name, m] of masks) hashes[name] = fnv1aHex(m);
  let kept = 0;
  for (const v of mask) kept += v;
  return {
    mask,
    maskHash: fnv1aHex(mask),
    keptFraction: kept / mask.length,
    hashes,
    sameOnAll: [...masks.values()].every((m) => sameBytes(m, mask)),
  };
}

export interface DropoutMaskView {
  update(data: DropoutMaskData, backend: string): void;
}

export function createDropoutMaskView(root: HTMLElement): DropoutMaskView {
  const canvas = root.appendChild(document.createElement('canvas'));
  canvas.id = 'mask-canvas';
  canvas.width = MASK_SIDE;
  canvas.height = MASK_SIDE;
  canvas.setAttribute('role', 'img');
  const summary = root.appendChild(document.createElement('p'));
  summary.id = 'mask-summary';
  const check = root.appendChild(document.createElement('p'));
  check.id = 'mask-check';
  const ctx = canvas.getContext('2d')!;
  return {
    update(data, backend) {
      const image = ctx.createImageData(MASK_SIDE, MASK_SIDE);
      for (let i = 0; i < data.mask.length; i++) {
        // Kept: dark blue; dropped: pale orange.
        const [r, g, b] = data.mask[i] ? [24, 64, 120] : [250, 214, 170];
        image.data.set([r, g, b, 255], i * 4);
      }
      ctx.putImageData(image, 0, 0);
      canvas.setAttribute(
        'aria-label',
        `Dropout keep mask of a ${MASK_SIDE}×${MASK_SIDE} tensor on ${backend}: ` +
          `${(100 * data.keptFraction).toFixed(1)}% of the elements kept (dark pixels), ` +
          `${(100 * (1 - data.keptFraction)).toFixed(1)}% dropped (pale), hash ${data.maskHash}` +
          (data.sameOnAll ? ', the same on every backend.' : ', different between backends.'),
      );
      summary.textContent =
        `Mask on ${backend}: ${(100 * data.keptFraction).toFixed(1)}% kept (dark), ` +
        `hash ${data.maskHash}.`;
      const list = Object.entries(data.hashes)
        .map(([name, hash]) => `${name} ${hash}`)
        .join(', ');
      check.textContent = data.sameOnAll
        ? `✔ same mask on all backends (${list})`
        : `✘ masks differ between backends (${list})`;
      check.className = data.sameOnAll ? 'ok' : 'bad';
    },
  };
}
