/**
 * A graph input or output of an ONNX model as an FNNX op port (`{dtype, shape}`), refusing, by
 * name, what FNNX cannot declare: element types with no `Array[...]` token, non-tensor values,
 * values with no shape.
 */
import { ArtifactError } from '../errors.js';
import { fnnxElementOf, onnxEnumName } from './element-types.js';
import type { OnnxValueInfo } from './model-info.js';

export interface FnnxPort {
  dtype: string;
  shape: Array<number | string>;
}

export interface PortPlace {
  /** The model's file name, for messages (e.g. "scaler.onnx"). */
  model: string;
  side: 'input' | 'output';
}

/** The symbolic name given to an axis the model leaves unnamed and unsized. */
export function unnamedDimName(valueName: string, axis: number): string {
  return `${valueName}_dim${axis}`;
}

export function portOf(value: OnnxValueInfo, at: PortPlace): FnnxPort {
  const what = `${at.model} ${at.side} '${value.name}'`;
  if (value.kind !== 'tensor') {
    throw new ArtifactError('ONNX_VALUE_NOT_TENSOR', `${what} is a ${value.kind}, not a tensor; FNNX declares tensors only`, {
      member: at.model,
      hint:
        value.kind === 'sequence'
          ? 'classifier exports often wrap probabilities in a sequence of maps (ZipMap): export without it (e.g. skl2onnx options zipmap=False)'
          : undefined,
    });
  }
  const element = value.elemType === undefined ? undefined : fnnxElementOf(value.elemType);
  if (element === undefined) {
    const type = value.elemType === undefined ? 'no element type' : `element type ${onnxEnumName(value.elemType)}`;
    throw new ArtifactError('ONNX_ELEMENT_UNSUPPORTED', `${what} has ${type}, which FNNX has no dtype for`, {
      member: at.model,
      hint: 'FNNX arrays hold float32, float64, int32, int64, bool or string: cast the value in the model (a Cast node) or export it with one of these types',
    });
  }
  if (value.shape === undefined) {
    throw new ArtifactError('ONNX_SHAPE_UNKNOWN', `${what} has no shape in the model, so its rank cannot be declared`, {
      member: at.model,
      hint: 'export the model with shapes on its graph inputs and outputs (or run ONNX shape inference on it)',
    });
  }
  // dim_value is a fixed extent; a negative one is how some exporters spell "unknown".
  const shape = value.shape.map((d, k) =>
    typeof d === 'string' && d !== '' ? d : typeof d === 'number' && d >= 0 ? d : unnamedDimName(value.name, k),
  );
  return { dtype: `Array[${element}]`, shape };
}
