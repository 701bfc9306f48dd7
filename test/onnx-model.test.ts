import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOnnxModel } from '../src/onnx/model-info.js';
import { MemorySource } from '../src/source/memory-source.js';
import { CountingSource } from '../src/source/counting-source.js';
import { FileSource } from '../src/node/file-source.js';
import { ArtifactError } from '../src/errors.js';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { CORPUS_DIR, tempDir } from './helpers/paths.js';
import { DOUBLE, FLOAT, INT64, encodeModel, modelSpec, writeHugeModel } from './helpers/onnx-model.mjs';

const read = (bytes: Uint8Array) => readOnnxModel(new MemorySource(bytes), 0, bytes.length);

describe('ONNX ModelProto reader', () => {
  it('reads ir_version, opset imports, inputs and outputs with element types and dimensions', async () => {
    const info = await read(
      encodeModel(
        modelSpec({
          irVersion: 9,
          opsets: [
            { domain: '', version: 18 },
            { domain: 'ai.onnx.ml', version: 3 },
          ],
          inputs: [{ name: 'a', elemType: DOUBLE, shape: ['n', 4, null] }],
          outputs: [{ name: 'b', elemType: INT64, shape: [] }],
        }),
      ),
    );
    expect(info.irVersion).toBe(9);
    expect(info.opsets).toEqual([
      { domain: '', version: 18 },
      { domain: 'ai.onnx.ml', version: 3 },
    ]);
    expect(info.inputs).toEqual([{ name: 'a', kind: 'tensor', elemType: DOUBLE, shape: ['n', 4, null] }]);
    expect(info.outputs).toEqual([{ name: 'b', kind: 'tensor', elemType: INT64, shape: [] }]);
  });

  it('lists initializer names, so inputs backed by one can be told apart', async () => {
    const info = await read(
      encodeModel(
        modelSpec({
          inputs: [
            { name: 'x', elemType: FLOAT },
            { name: 'w', elemType: FLOAT },
          ],
          initializers: [{ name: 'w', raw: new Uint8Array(64) }],
        }),
      ),
    );
    expect([...info.initializers]).toEqual(['w']);
    expect(info.inputs.map((v) => v.name)).toEqual(['x', 'w']);
  });

  it('reports external data locations with offset and length', async () => {
    const info = await read(
      encodeModel(modelSpec({ initializers: [{ name: 'w', external: { location: 'weights.bin', offset: 0, length: 16 } }] })),
    );
    expect(info.externalData).toEqual([{ tensor: 'w', location: 'weights.bin', offset: 0, length: 16 }]);
  });

  it('collects the operators of the graph by domain', async () => {
    const info = await read(
      encodeModel(modelSpec({ nodes: [{ opType: 'Add' }, { opType: 'LinearRegressor', domain: 'ai.onnx.ml' }, { opType: 'Add' }] })),
    );
    expect(Object.fromEntries([...info.operators].map(([d, ops]) => [d, [...ops]]))).toEqual({
      '': ['Add'],
      'ai.onnx.ml': ['LinearRegressor'],
    });
  });

  it('reads the reference corpus models (ir_version 10, opsets ai.onnx 21 and ai.onnx.ml 1)', async () => {
    const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR, 'ops_artifacts/linreg/model.onnx')));
    const info = await read(bytes);
    expect(info.irVersion).toBe(10);
    expect(info.opsets).toEqual([
      { domain: 'ai.onnx.ml', version: 1 },
      { domain: '', version: 21 },
    ]);
    expect(info.inputs).toEqual([{ name: 'float_input', kind: 'tensor', elemType: FLOAT, shape: [null, 3] }]);
  });

  it('reads a model inside a larger source at an offset, never outside its range', async () => {
    const model = encodeModel(modelSpec());
    const padded = new Uint8Array(model.length + 1000).fill(0xff);
    padded.set(model, 500);
    const counting = new CountingSource(new MemorySource(padded));
    const info = await readOnnxModel(counting, 500, model.length);
    expect(info.irVersion).toBe(8);
    for (const [offset, length] of counting.log) expect(offset >= 500 && offset + length <= 500 + model.length).toBe(true);
  });

  it('rejects bytes that are not a ModelProto with ONNX_MALFORMED naming the member', async () => {
    const garbage = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]);
    const err = await readOnnxModel(new MemorySource(garbage), 0, garbage.length, { member: 'ops_artifacts/m/model.onnx' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ArtifactError);
    expect(err).toMatchObject({ code: 'ONNX_MALFORMED', member: 'ops_artifacts/m/model.onnx' });
  });

  it('rejects a graph input whose own fields do not parse with ONNX_MALFORMED, not a crash', async () => {
    // ModelProto.graph (7) holding GraphProto.input (11): a ValueInfoProto of 2 bytes, a tag and a cut varint.
    const bad = new BinaryWriter()
      .tag(7, WireType.LengthDelimited)
      .bytes(new BinaryWriter().tag(11, WireType.LengthDelimited).bytes(Uint8Array.of(0x10, 0x80)).finish())
      .finish();
    await expect(read(bad)).rejects.toMatchObject({ code: 'ONNX_MALFORMED', member: 'model.onnx' });
  });

  it('rejects a length that runs past the end of the model', async () => {
    const model = encodeModel(modelSpec());
    await expect(read(model.subarray(0, model.length - 3))).rejects.toMatchObject({ code: 'ONNX_MALFORMED' });
  });

  it('skips a 2 GiB initializer by range: the whole model costs kilobytes of reads', async () => {
    const path = join(tempDir(), 'huge.onnx');
    const rawSize = 2 ** 31 - 4096;
    const size = writeHugeModel(path, modelSpec(), 1, rawSize);
    expect(size).toBeGreaterThan(2 ** 31 - 4096);
    const file = await FileSource.open(path);
    const counting = new CountingSource(file);
    try {
      const info = await readOnnxModel(counting, 0, size);
      expect([...info.initializers]).toEqual(['w0']);
      expect(info.inputs.map((v) => v.name)).toEqual(['x']);
      expect(counting.bytes).toBeLessThan(16 * 1024);
      expect(counting.reads).toBeLessThanOrEqual(3);
    } finally {
      await file.close();
    }
  });

  it('costs at most one small read per skipped initializer', async () => {
    const path = join(tempDir(), 'many.onnx');
    const size = writeHugeModel(path, modelSpec(), 64, 1 << 20);
    const file = await FileSource.open(path);
    const counting = new CountingSource(file);
    try {
      const info = await readOnnxModel(counting, 0, size);
      expect(info.initializers.size).toBe(64);
      expect(counting.reads).toBeLessThanOrEqual(64 + 2);
      expect(Math.max(...counting.log.map(([, n]) => n))).toBeLessThanOrEqual(4096);
    } finally {
      await file.close();
    }
  });
});
