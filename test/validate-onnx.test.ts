import { describe, expect, it } from 'vitest';
import { DOUBLE, FLOAT, UINT8, encodeModel, modelSpec, type ModelSpec } from './helpers/onnx-model.mjs';
import { DirStore } from '../src/node/dir-store.js';
import { validate } from '../src/validate/validate.js';
import { findings, onnxOp, soundPipeline, validateMembers, writeDirArtifact, type Members } from './helpers/validate-artifact.js';

const MODEL = 'ops_artifacts/reg/model.onnx';

/** The sound pipeline with its model and/or its op declaration changed. */
function withModel(spec: Partial<ModelSpec>, op: Record<string, unknown> = {}, extra: Members = {}): Members {
  return { ...soundPipeline(), 'ops.json': [onnxOp('reg', op)], [MODEL]: encodeModel(modelSpec(spec)), ...extra };
}

const codes = async (m: Members) => findings(await validateMembers(m));

describe('validate: ONNX_v1 declarations against the model file', () => {
  it('ONNX_MODEL_MISSING when ops_artifacts/<id>/model.onnx is absent', async () => {
    const m = soundPipeline();
    delete m[MODEL];
    expect(await codes(m)).toEqual(['ONNX_MODEL_MISSING ops.json /0']);
  });

  it('ONNX_MALFORMED for a model file that is not a ModelProto', async () => {
    expect(await codes({ ...soundPipeline(), [MODEL]: new Uint8Array([0x3a, 0x80, 0x80, 0x80, 0x80, 0x0f]) })).toEqual([
      `ONNX_MALFORMED ${MODEL}`,
    ]);
  });

  it('ONNX_INT_OUT_OF_RANGE, not a rounded mismatch, for an ir_version or a dimension past 2^53', async () => {
    expect(await codes(withModel({ irVersion: 2n ** 53n + 1n }))).toEqual([`ONNX_INT_OUT_OF_RANGE ${MODEL}`]);
    expect(await codes(withModel({ inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', -(2n ** 60n)] }] }))).toEqual([
      `ONNX_INT_OUT_OF_RANGE ${MODEL}`,
    ]);
  });

  it('ONNX_ATTRIBUTES_SCHEMA for attributes without onnx_ir_version', async () => {
    const r = await codes(withModel({}, { attributes: { opsets: [{ domain: 'ai.onnx', version: 17 }], has_external_data: false } }));
    expect(r).toEqual(['ONNX_ATTRIBUTES_SCHEMA ops.json /0/attributes/onnx_ir_version']);
  });

  it('ONNX_IR_VERSION_MISMATCH when onnx_ir_version differs from the model', async () => {
    expect(await codes(withModel({ irVersion: 10 }))).toEqual(['ONNX_IR_VERSION_MISMATCH ops.json /0/attributes/onnx_ir_version']);
  });

  it('treats the empty opset domain as ai.onnx', async () => {
    expect(await codes(withModel({ opsets: [{ domain: '', version: 17 }] }))).toEqual([]);
    expect(await codes(withModel({ opsets: [{ domain: 'ai.onnx', version: 17 }] }))).toEqual([]);
  });

  it('ONNX_OPSET_MISMATCH for a different version, an undeclared import and a declared domain the model lacks', async () => {
    const r = await validateMembers(
      withModel(
        {
          opsets: [
            { domain: '', version: 21 },
            { domain: 'ai.onnx.ml', version: 1 },
          ],
        },
        {
          attributes: {
            opsets: [
              { domain: 'ai.onnx', version: 17 },
              { domain: 'com.example', version: 1 },
            ],
            has_external_data: false,
            onnx_ir_version: 8,
          },
        },
      ),
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['ONNX_OPSET_MISMATCH', 'ONNX_OPSET_MISMATCH', 'ONNX_OPSET_MISMATCH']);
    expect(r.diagnostics.map((d) => d.message).join('\n')).toMatch(
      /ai\.onnx version 17, but the model imports version 21[\s\S]*ai\.onnx\.ml version 1[\s\S]*com\.example/,
    );
  });

  it('excludes initializer-backed graph inputs from the arity', async () => {
    const spec = {
      inputs: [
        { name: 'x', elemType: FLOAT, shape: ['batch', 3] },
        { name: 'w', elemType: FLOAT, shape: [3, 1] },
      ],
      initializers: [{ name: 'w', raw: new Uint8Array(12) }],
    };
    expect(await codes(withModel(spec))).toEqual([]);
  });

  it('ONNX_ARITY_MISMATCH when the model has more inputs than declared', async () => {
    const spec = {
      inputs: [
        { name: 'x', elemType: FLOAT, shape: ['batch', 3] },
        { name: 'mask', elemType: FLOAT, shape: ['batch', 3] },
      ],
    };
    expect(await codes(withModel(spec))).toEqual(['ONNX_ARITY_MISMATCH ops.json /0/inputs']);
  });

  it('ONNX_DTYPE_MISMATCH for a float64 output declared float32, and for an element type FNNX lacks', async () => {
    const r = await validateMembers(
      withModel({
        inputs: [{ name: 'x', elemType: UINT8, shape: ['batch', 3] }],
        outputs: [{ name: 'y', elemType: DOUBLE, shape: ['batch', 1] }],
      }),
    );
    expect(findings(r)).toEqual(['ONNX_DTYPE_MISMATCH ops.json /0/inputs/0/dtype', 'ONNX_DTYPE_MISMATCH ops.json /0/outputs/0/dtype']);
    expect(r.diagnostics[0]!.message).toContain('uint8');
    expect(r.diagnostics[1]!.message).toContain('Array[float64]');
  });

  it('ONNX_SHAPE_MISMATCH for a different rank and a fixed extent that differs', async () => {
    const r = await codes(
      withModel({
        inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', 4] }],
        outputs: [{ name: 'y', elemType: FLOAT, shape: ['batch'] }],
      }),
    );
    expect(r).toEqual(['ONNX_SHAPE_MISMATCH ops.json /0/inputs/0/shape/1', 'ONNX_SHAPE_MISMATCH ops.json /0/outputs/0/shape']);
  });

  it('ONNX_SHAPE_MISMATCH for an integer extent where the model axis is symbolic', async () => {
    expect(await codes(withModel({ inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', 'features'] }] }))).toEqual([
      'ONNX_SHAPE_MISMATCH ops.json /0/inputs/0/shape/1',
    ]);
  });

  it('accepts external data beside the model when has_external_data is true', async () => {
    const m = withModel(
      { initializers: [{ name: 'w', external: { location: 'weights.bin', offset: 0, length: 8 } }] },
      { attributes: { opsets: [{ domain: 'ai.onnx', version: 17 }], has_external_data: true, onnx_ir_version: 8 } },
      { 'ops_artifacts/reg/weights.bin': new Uint8Array(8) },
    );
    expect(await codes(m)).toEqual([]);
  });

  it('ONNX_EXTERNAL_DATA_MISMATCH when has_external_data is false but a tensor is external', async () => {
    const m = withModel(
      { initializers: [{ name: 'w', external: { location: 'weights.bin' } }] },
      {},
      { 'ops_artifacts/reg/weights.bin': new Uint8Array(8) },
    );
    expect(await codes(m)).toEqual(['ONNX_EXTERNAL_DATA_MISMATCH ops.json /0/attributes/has_external_data']);
  });

  it('ONNX_EXTERNAL_DATA_OUTSIDE for a location that leaves the op folder', async () => {
    const attrs = { attributes: { opsets: [{ domain: 'ai.onnx', version: 17 }], has_external_data: true, onnx_ir_version: 8 } };
    const m = withModel(
      {
        initializers: [
          { name: 'w', external: { location: '../other/weights.bin' } },
          { name: 'v', external: { location: '/etc/passwd' } },
        ],
      },
      attrs,
    );
    expect(await codes(m)).toEqual([`ONNX_EXTERNAL_DATA_OUTSIDE ${MODEL}`, `ONNX_EXTERNAL_DATA_OUTSIDE ${MODEL}`]);
  });

  it('ONNX_EXTERNAL_DATA_MISSING for a file not in the artifact, or too short for the tensor', async () => {
    const attrs = { attributes: { opsets: [{ domain: 'ai.onnx', version: 17 }], has_external_data: true, onnx_ir_version: 8 } };
    const spec = {
      initializers: [
        { name: 'w', external: { location: 'nope.bin' } },
        { name: 'v', external: { location: 'short.bin', offset: 4, length: 8 } },
      ],
    };
    const m = withModel(spec, attrs, { 'ops_artifacts/reg/short.bin': new Uint8Array(8) });
    expect(await codes(m)).toEqual([`ONNX_EXTERNAL_DATA_MISSING ${MODEL}`, `ONNX_EXTERNAL_DATA_MISSING ${MODEL}`]);
  });

  it('ONNX_USED_OPERATORS_MISMATCH when the graph uses an operator used_operators leaves out', async () => {
    const attrs = (used: unknown) => ({
      attributes: { opsets: [{ domain: 'ai.onnx', version: 17 }], has_external_data: false, onnx_ir_version: 8, used_operators: used },
    });
    const spec = { nodes: [{ opType: 'MatMul' }, { opType: 'Relu', domain: '' }] };
    expect(await codes(withModel(spec, attrs({ 'ai.onnx': ['MatMul', 'Relu'] })))).toEqual([]);
    expect(await codes(withModel(spec, attrs({ 'ai.onnx': ['MatMul'] })))).toEqual([
      'ONNX_USED_OPERATORS_MISMATCH ops.json /0/attributes/used_operators',
    ]);
    expect(await codes(withModel(spec, attrs(null)))).toEqual([]);
  });

  it('notes ONNX_NOT_CHECKED when a store cannot give the model by range (a bare DirStore)', async () => {
    const r = await validate(new DirStore(writeDirArtifact(soundPipeline())));
    expect(findings(r)).toEqual([`ONNX_NOT_CHECKED ${MODEL}`]);
    expect(r.valid).toBe(true);
  });
});
