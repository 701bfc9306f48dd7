/** ONNX TensorProto.DataType codes, and the FNNX Array element each one corresponds to. */
const NAMES: Record<number, string> = {
  1: 'float',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'double',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

const FNNX_ELEMENT: Record<number, string> = { 1: 'float32', 11: 'float64', 6: 'int32', 7: 'int64', 9: 'bool', 8: 'string' };

/** The ONNX name of a data type code, for messages. */
export function onnxTypeName(code: number): string {
  return NAMES[code] ?? `type ${code}`;
}

/** The `Array[...]` element token for an ONNX element type, or undefined when FNNX has none. */
export function fnnxElementOf(code: number): string | undefined {
  return FNNX_ELEMENT[code];
}

/** The TensorProto.DataType enum name (FLOAT16, UINT8…), as ONNX tools print it. */
export function onnxEnumName(code: number): string {
  return NAMES[code]?.toUpperCase() ?? `type ${code}`;
}
