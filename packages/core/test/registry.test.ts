// The op registry: the literal name lists apps build menus from must match the
// specs in `ops`, in SPEC order, so a new op cannot be left out of either.

import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, activations, OP_NAMES, ops } from '../src/index.js';

describe('op registry', () => {
  it('ACTIVATION_NAMES and OP_NAMES are the spec names of activations and ops', () => {
    expect(activations.map((op) => op.name)).toEqual([...ACTIVATION_NAMES]);
    expect(ops.map((op) => op.name)).toEqual([...OP_NAMES]);
  });
});
