// tfjs-layers layers for Pointwise's ops, registered for serialization so model.save /
// tf.loadLayersModel round-trip them: ShiftedReLU (learnable threshold, scalar or per
// channel), PACTReLU (learnable ceiling), DropoutWithReplacement (Philox masks, a new
// stream every training call, reproducible from `seed`, optional learnable replacement,
// identity at inference) and PointwiseELU (any alpha). tfjs-layers is an optional
// peer, so the classes are made from the tfjs namespace you pass in.

import { clippedRelu, dropoutWithReplacement, elu, shiftedRelu } from './ops.js';
import type { Tensor } from './tfTypes.js';

interface Weight {
  read(): Tensor;
}
interface LayerBase {
  built: boolean;
  addWeight(name: string, shape: number[], dtype: 'float32', initializer: unknown): Weight;
  getConfig(): Record<string, unknown>;
}
type LayerCtor = new (config?: Record<string, unknown>) => LayerBase;

/** The parts of `@tensorflow/tfjs` (or tfjs-layers + tfjs-core) the layers need. */
export interface TfLayersHost {
  layers: { Layer: unknown };
  serialization: { registerClass(cls: never): void };
  initializers: { constant(args: { value: number }): unknown };
}

export interface PointwiseLayerClasses {
  ShiftedReLU: LayerCtor & { className: string };
  PACTReLU: LayerCtor & { className: string };
  DropoutWithReplacement: LayerCtor & { className: string };
  PointwiseELU: LayerCtor & { className: string };
}

type Kwargs = { training?: boolean } | undefined;

function one(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
}

const made = new WeakMap<object, PointwiseLayerClasses>();

/**
 * Defines and registers the layer classes on this tfjs namespace (once; later calls
 * return the same classes). Use them as `new ShiftedReLU({ threshold: 0.1 })` in a
 * model; `tf.loadLayersModel` finds them after this call.
 */
export function pointwiseLayers(tf: TfLayersHost): PointwiseLayerClasses {
  const cached = made.get(tf);
  if (cached !== undefined) return cached;
  const Layer = tf.layers.Layer as LayerCtor;
  const constant = (value: number) => tf.initializers.constant({ value });
  const paramShape = (perChannel: boolean, inputShape: number[] | number[][]) => {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as number[];
    return perChannel ? [s[s.length - 1] as number] : [1];
  };

  class ShiftedReLU extends Layer {
    static className = 'ShiftedReLU';
    readonly initial: number;
    readonly perChannel: boolean;
    threshold: Weight | null = null;
    constructor(config: { threshold?: number; perChannel?: boolean; name?: string } = {}) {
      super(config);
      this.initial = config.threshold ?? 0;
      this.perChannel = config.perChannel ?? false;
    }
    build(inputShape: number[] | number[][]): void {
      this.threshold = this.addWeight(
        'threshold',
        paramShape(this.perChannel, inputShape),
        'float32',
        constant(this.initial),
      );
      this.built = true;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return shiftedRelu(one(inputs), (this.threshold as Weight).read());
    }
    computeOutputShape(s: unknown): unknown {
      return s;
    }
    getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), threshold: this.initial, perChannel: this.perChannel };
    }
  }

  class PACTReLU extends Layer {
    static className = 'PACTReLU';
    readonly initial: number;
    readonly perChannel: boolean;
    ceiling: Weight | null = null;
    constructor(config: { ceiling?: number; perChannel?: boolean; name?: string } = {}) {
      super(config);
      this.initial = config.ceiling ?? 6;
      this.perChannel = config.perChannel ?? false;
    }
    build(inputShape: number[] | number[][]): void {
      this.ceiling = this.addWeight(
        'ceiling',
        paramShape(this.perChannel, inputShape),
        'float32',
        constant(this.initial),
      );
      this.built = true;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return clippedRelu(one(inputs), (this.ceiling as Weight).read());
    }
    computeOutputShape(s: unknown): unknown {
      return s;
    }
    getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), ceiling: this.initial, perChannel: this.perChannel };
    }
  }

  class DropoutWithReplacement extends Layer {
    static className = 'DropoutWithReplacement';
    readonly rate: number;
    readonly initial: number;
    readonly learnableReplacement: boolean;
    readonly seed: number;
    /** The Philox stream of the next training call; one per call, so masks are fresh every step. */
    stream = 0;
    replacement: Weight | null = null;
    constructor(
      config: {
        rate?: number;
        replacement?: number;
        learnableReplacement?: boolean;
        seed?: number;
        name?: string;
      } = {},
    ) {
      super(config);
      this.rate = config.rate ?? 0.5;
      this.initial = config.replacement ?? 0;
      this.learnableReplacement = config.learnableReplacement ?? false;
      this.seed = config.seed ?? Math.floor(Math.random() * 2 ** 32);
    }
    build(): void {
      if (this.learnableReplacement)
        this.replacement = this.addWeight('replacement', [1], 'float32', constant(this.initial));
      this.built = true;
    }
    call(inputs: Tensor | Tensor[], kwargs?: Kwargs): Tensor {
      const x = one(inputs);
      if (kwargs?.training !== true) return (x as unknown as { clone(): Tensor }).clone();
      const { y, mask } = dropoutWithReplacement(x, {
        rate: this.rate,
        replacement: this.replacement === null ? this.initial : this.replacement.read(),
        seed: this.seed,
        stream: this.stream++,
      });
      mask.dispose();
      return y;
    }
    computeOutputShape(s: unknown): unknown {
      return s;
    }
    getConfig(): Record<string, unknown> {
      return {
        ...super.getConfig(),
        rate: this.rate,
        replacement: this.initial,
        learnableReplacement: this.learnableReplacement,
        seed: this.seed,
      };
    }
  }

  class PointwiseELU extends Layer {
    static className = 'PointwiseELU';
    readonly alpha: number;
    constructor(config: { alpha?: number; name?: string } = {}) {
      super(config);
      this.alpha = config.alpha ?? 1;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return elu(one(inputs), this.alpha);
    }
    computeOutputShape(s: unknown): unknown {
      return s;
    }
    getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), alpha: this.alpha };
    }
  }

  const classes = {
    ShiftedReLU,
    PACTReLU,
    DropoutWithReplacement,
    PointwiseELU,
  } as unknown as PointwiseLayerClasses;
  for (const cls of Object.values(classes)) tf.serialization.registerClass(cls as never);
  made.set(tf, classes);
  return classes;
}
