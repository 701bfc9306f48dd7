/**
 * Values as a runtime sees them, against what the artifact declares: the FNNX `Array[...]` dtype
 * as ONNX Runtime's tensor type, synthetic zeros of a declared shape, and what differs between a
 * produced value and its declaration. Browser-safe: the page's Run step uses it too.
 */
import { isObject, type Json } from '../artifact/json-member.js';
import { parseDtype } from '../validate/dtype-rules.js';

/** A declared port: an ops.json input/output, or a manifest IO entry. */
export interface Port {
  dtype: string;
  shape: Array<number | string>;
}

/** What the checks need of a runtime value. */
export interface TensorFacts {
  type: string;
  dims: readonly number[];
}

/** Symbolic dimension name → extent (`--dim name=value`); unnamed ones are 1. */
export type DimBindings = Readonly<Record<string, number>>;

// The six Array elements of FNNX, named as onnxruntime-common's Tensor.Type names them.
const RUNTIME_TYPES: Readonly<Record<string, string>> = {
  float32: 'float32',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
  string: 'string',
};

export function portOf(value: Json | undefined): Port | undefined {
  if (!isObject(value) || typeof value.dtype !== 'string' || !Array.isArray(value.shape)) return undefined;
  const shape = value.shape.filter((d): d is number | string => typeof d === 'number' || typeof d === 'string');
  return shape.length === value.shape.length ? { dtype: value.dtype, shape } : undefined;
}

/** The runtime's tensor type for a declared dtype, or undefined when it is not an ONNX tensor (NDContainer, custom). */
export function runtimeTypeOf(dtype: string): string | undefined {
  const d = parseDtype(dtype);
  return d.form === 'Array' && Object.hasOwn(RUNTIME_TYPES, d.element) ? RUNTIME_TYPES[d.element] : undefined;
}

/** The extents of a synthetic value: fixed extents as declared, symbolic ones bound by `dims` or 1. */
export function syntheticDims(shape: ReadonlyArray<number | string>, dims: DimBindings): number[] {
  return shape.map((d) => (typeof d === 'number' ? d : Object.hasOwn(dims, d) ? dims[d]! : 1));
}

/** How a value differs from its declaration, in words, or undefined when it agrees. */
export function valueProblem(port: Port, facts: TensorFacts): string | undefined {
  const want = runtimeTypeOf(port.dtype);
  const has = `a ${facts.type} tensor of shape ${shapeText(facts.dims)}`;
  if (want !== undefined && facts.type !== want) return `${has}, declared ${port.dtype}`;
  if (facts.dims.length !== port.shape.length) return `${has}, declared rank ${port.shape.length} (${shapeText(port.shape)})`;
  for (let k = 0; k < port.shape.length; k++) {
    const d = port.shape[k];
    if (typeof d === 'number' && d !== facts.dims[k]) return `${has}, declared extent ${d} on axis ${k} (${shapeText(port.shape)})`;
  }
  return undefined;
}

export function shapeText(shape: ReadonlyArray<number | string>): string {
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : JSON.stringify(d))).join(', ')}]`;
}

/** The data of a zero tensor (false, empty strings) of a runtime type, as onnxruntime's Tensor takes it. */
export function zeroData(type: string, n: number): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | string[] {
  switch (type) {
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'bool':
      return new Uint8Array(n);
    case 'string':
      return new Array<string>(n).fill('');
    default:
      return new Float32Array(n);
  }
}
