// Builds single-node ONNX models (bytes, in memory) for the onnxruntime-node peer:
// Relu, LeakyRelu, PRelu, ThresholdedRelu, Clip, Elu and Dropout, with input X of
// shape [N, C] (N symbolic, so one session serves every size) and output Y.
// Field numbers follow onnx.proto (IR version 8, opset 17).

import { type Bytes, concat, fieldBytes, fieldFloat, fieldVarint, message } from './protobuf.js';

const ELEM_FLOAT = 1;
const ELEM_BOOL = 9;
const ATTR_FLOAT = 1;
const IR_VERSION = 8;
const OPSET = 17;

export type OnnxNodeSpec =
  | { op: 'Relu' }
  | { op: 'LeakyRelu'; alpha: number }
  | { op: 'PRelu'; slope: Float32Array }
  | { op: 'ThresholdedRelu'; alpha: number }
  | { op: 'Clip'; min: number; max: number }
  | { op: 'Elu'; alpha: number }
  | { op: 'Dropout'; ratio: number; mask: boolean; seed?: number };

interface Initializer {
  name: string;
  dims: number[];
  elemType: number;
  raw: Bytes;
}

function floatAttribute(name: string, value: number): Bytes {
  // AttributeProto: name = 1, f = 2, type = 20
  return message(fieldBytes(1, name), fieldFloat(2, value), fieldVarint(20, ATTR_FLOAT));
}

function intAttribute(name: string, value: number): Bytes {
  // AttributeProto: i = 3, type INT = 2
  return message(fieldBytes(1, name), fieldVarint(3, value), fieldVarint(20, 2));
}

function tensorProto(t: Initializer): Bytes {
  // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9
  return message(
    ...t.dims.map((d) => fieldVarint(1, d)),
    fieldVarint(2, t.elemType),
    fieldBytes(8, t.name),
    fieldBytes(9, t.raw),
  );
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): Bytes {
  // Dimension: dim_value = 1, dim_param = 2; TensorShapeProto: dim = 1
  const shape = message(
    ...dims.map((d) => fieldBytes(1, typeof d === 'number' ? fieldVarint(1, d) : fieldBytes(2, d))),
  );
  // TypeProto.Tensor: elem_type = 1, shape = 2; TypeProto: tensor_type = 1
  const tensorType = message(fieldVarint(1, elemType), fieldBytes(2, shape));
  // ValueInfoProto: name = 1, type = 2
  return message(fieldBytes(1, name), fieldBytes(2, fieldBytes(1, tensorType)));
}

function f32Bytes(values: ArrayLike<number>): Bytes {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** ONNX model bytes for one node: input `X` [N, channels] float, output `Y` (and `mask` for Dropout+mask). */
export function buildSingleNodeModel(spec: OnnxNodeSpec, channels: number): Bytes {
  const inputs = ['X'];
  const outputs = ['Y'];
  const attributes: Bytes[] = [];
  const initializers: Initializer[] = [];
  switch (spec.op) {
    case 'Relu':
      break;
    case 'LeakyRelu':
    case 'ThresholdedRelu':
    case 'Elu':
      attributes.push(floatAttribute('alpha', spec.alpha));
      break;
    case 'PRelu':
      inputs.push('slope');
      initializers.push({
        name: 'slope',
        dims: [spec.slope.length],
        elemType: ELEM_FLOAT,
        raw: f32Bytes(spec.slope),
      });
      break;
    case 'Clip':
      inputs.push('min', 'max');
      initializers.push({ name: 'min', dims: [], elemType: ELEM_FLOAT, raw: f32Bytes([spec.min]) });
      initializers.push({ name: 'max', dims: [], elemType: ELEM_FLOAT, raw: f32Bytes([spec.max]) });
      break;
    case 'Dropout':
      inputs.push('ratio', 'training_mode');
      initializers.push({
        name: 'ratio',
        dims: [],
        elemType: ELEM_FLOAT,
        raw: f32Bytes([spec.ratio]),
      });
      initializers.push({
        name: 'training_mode',
        dims: [],
        elemType: ELEM_BOOL,
        raw: Uint8Array.of(1),
      });
      if (spec.seed !== undefined) attributes.push(intAttribute('seed', spec.seed));
      if (spec.mask) outputs.push('mask');
      break;
  }
  // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5
  const node = message(
    ...inputs.map((i) => fieldBytes(1, i)),
    ...outputs.map((o) => fieldBytes(2, o)),
    fieldBytes(3, `${spec.op}_0`),
    fieldBytes(4, spec.op),
    ...attributes.map((a) => fieldBytes(5, a)),
  );
  const dims: (number | string)[] = ['N', channels];
  // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12
  const graph = message(
    fieldBytes(1, node),
    fieldBytes(2, 'pointwise_bench'),
    ...initializers.map((t) => fieldBytes(5, tensorProto(t))),
    fieldBytes(11, valueInfo('X', ELEM_FLOAT, dims)),
    fieldBytes(12, valueInfo('Y', ELEM_FLOAT, dims)),
    ...(outputs.includes('mask') ? [fieldBytes(12, valueInfo('mask', ELEM_BOOL, dims))] : []),
  );
  // OperatorSetIdProto: domain = 1, version = 2; ModelProto: ir_version = 1,
  // producer_name = 2, graph = 7, opset_import = 8
  return concat([
    fieldVarint(1, IR_VERSION),
    fieldBytes(2, 'pointwise-bench'),
    fieldBytes(7, graph),
    fieldBytes(8, message(fieldBytes(1, ''), fieldVarint(2, OPSET))),
  ]);
}
