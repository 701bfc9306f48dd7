/**
 * Artifacts whose ONNX models ONNX Runtime can load and run (nodes wired by name, initializers
 * with dims), for validate --run: each agrees with its declarations as far as `validate` can see,
 * and differs from them only in what a runtime finds out.
 */
import { BOOL, FLOAT, INT64, encodeModel, modelSpec, type ModelSpec, type ValueSpec } from './onnx-model.mjs';
import { io, onnxOp, soundPipeline, type Members } from './validate-artifact.js';

export function f32(values: number[] | number): Uint8Array {
  const array = typeof values === 'number' ? new Float32Array(values).fill(0.5) : new Float32Array(values);
  return new Uint8Array(array.buffer);
}

/** y = x · w, float32 [batch, rows] → [batch, cols]. */
export function matmul(rows = 3, cols = 1, over: Partial<ModelSpec> = {}): ModelSpec {
  return modelSpec({
    inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', rows] }],
    outputs: [{ name: 'y', elemType: FLOAT, shape: ['batch', cols] }],
    initializers: [{ name: 'w', dims: [rows, cols], raw: f32(rows * cols) }],
    nodes: [{ opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
    ...over,
  });
}

/** The sound one-op pipeline ("reg": x → y) with a model the runtime can run. */
export function runnable(spec: ModelSpec = matmul(), declared: { inputs?: unknown[]; outputs?: unknown[] } = {}): Members {
  const members = soundPipeline();
  const port = (v: ValueSpec) => ({
    dtype: v.elemType === INT64 ? 'Array[int64]' : 'Array[float32]',
    shape: v.shape! as Array<number | string>,
  });
  const inputs = declared.inputs ?? spec.inputs!.map(port);
  const outputs = declared.outputs ?? spec.outputs!.map(port);
  const opsets = spec.opsets!.map((o) => ({ domain: o.domain || 'ai.onnx', version: o.version }));
  members['ops.json'] = [onnxOp('reg', { inputs, outputs, attributes: { opsets, has_external_data: false, onnx_ir_version: 8 } })];
  const manifest = members['manifest.json'] as { inputs: unknown[]; outputs: unknown[] };
  manifest.inputs = [io('x', (inputs[0] as { dtype: string }).dtype, (inputs[0] as { shape: Array<number | string> }).shape)];
  manifest.outputs = [io('y', (outputs[0] as { dtype: string }).dtype, (outputs[0] as { shape: Array<number | string> }).shape)];
  members['ops_artifacts/reg/model.onnx'] = encodeModel(spec);
  return members;
}

/**
 * Two ops in a row, x → a → h → b → y: `a` maps [batch, 3] to [batch, mid], `b` declares (and its
 * model takes) [batch, bIn]. With mid ≠ bIn, each op agrees with its own model, yet the value the
 * pipeline wires from `a` to `b` is not what `b` declares.
 */
export function chain(mid: number, bIn: number): Members {
  const members = soundPipeline();
  const port = (cols: number) => ({ dtype: 'Array[float32]', shape: ['batch', cols] });
  members['ops.json'] = [onnxOp('a', { outputs: [port(mid)] }), onnxOp('b', { inputs: [port(bIn)] })];
  members['variant_config.json'] = {
    nodes: [
      { op_instance_id: 'a', inputs: ['x'], outputs: ['h'], extra_dynattrs: {} },
      { op_instance_id: 'b', inputs: ['h'], outputs: ['y'], extra_dynattrs: {} },
    ],
  };
  delete members['ops_artifacts/reg/model.onnx'];
  members['ops_artifacts/a/model.onnx'] = encodeModel(matmul(3, mid));
  members['ops_artifacts/b/model.onnx'] = encodeModel(matmul(bIn, 1));
  return members;
}

/** The runnable pipeline with its weights in ops_artifacts/reg/w.bin (external data). */
export function externalData(): Members {
  const weights = f32([1, 2, 3]);
  const members = runnable(
    matmul(3, 1, { initializers: [{ name: 'w', dims: [3, 1], external: { location: 'w.bin', offset: 0, length: weights.length } }] }),
  );
  const [op] = members['ops.json'] as Array<{ attributes: Record<string, unknown> }>;
  op!.attributes.has_external_data = true;
  members['ops_artifacts/reg/w.bin'] = weights;
  return members;
}

/**
 * A model that runs for as long as anyone waits: a Loop of 10^15 turns whose body passes its
 * value through. Same IO as matmul().
 */
export function endless(): ModelSpec {
  const body: ModelSpec = {
    inputs: [
      { name: 'i', elemType: INT64, shape: [] },
      { name: 'c', elemType: BOOL, shape: [] },
      { name: 'v', elemType: FLOAT, shape: ['batch', 3] },
    ],
    outputs: [
      { name: 'c_out', elemType: BOOL, shape: [] },
      { name: 'v_out', elemType: FLOAT, shape: ['batch', 3] },
    ],
    nodes: [
      { opType: 'Identity', inputs: ['c'], outputs: ['c_out'] },
      { opType: 'Identity', inputs: ['v'], outputs: ['v_out'] },
    ],
  };
  const turns = new Uint8Array(new BigInt64Array([10n ** 15n]).buffer);
  return matmul(3, 1, {
    initializers: [
      { name: 'w', dims: [3, 1], raw: f32(3) },
      { name: 'turns', dataType: INT64, dims: [], raw: turns },
      { name: 'go', dataType: BOOL, dims: [], raw: new Uint8Array([1]) },
    ],
    nodes: [
      { opType: 'Loop', inputs: ['turns', 'go', 'x'], outputs: ['x2'], graphs: { body } },
      { opType: 'MatMul', inputs: ['x2', 'w'], outputs: ['y'] },
    ],
  });
}
