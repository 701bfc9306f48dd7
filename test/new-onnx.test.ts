import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArtifact } from '../src/build/builder.js';
import { newFromOnnx, opIds, type NewArtifact, type NewOnnxOptions, type OnnxModelFile } from '../src/build/new-onnx.js';
import { cryptoHasher } from '../src/node/crypto-hasher.js';
import { FileSource } from '../src/node/file-source.js';
import { BlobSource } from '../src/source/blob-source.js';
import { CountingSource } from '../src/source/counting-source.js';
import { MemorySource } from '../src/source/memory-source.js';
import { validate, type ValidationReport } from '../src/validate/validate.js';
import { CORPUS_DIR, CORPUS_TAR, tempDir } from './helpers/paths.js';
import {
  BOOL,
  DOUBLE,
  FLOAT,
  FLOAT16,
  INT64,
  UINT8,
  encodeModel,
  modelSpec,
  writeHugeModel,
  type ModelSpec,
} from './helpers/onnx-model.mjs';
import { findings, onnxOp, soundPipeline, validateMembers } from './helpers/validate-artifact.js';

/** A model file in memory, with external data files beside it. */
function model(name: string, spec: ModelSpec, beside: Record<string, Uint8Array> = {}): OnnxModelFile {
  const files = new Map(Object.entries(beside));
  return {
    name,
    source: new MemorySource(encodeModel(spec), name),
    externalData: async (location) => (files.has(location) ? new MemorySource(files.get(location)!, location) : undefined),
  };
}

async function tarBytes(artifact: NewArtifact): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await buildArtifact(artifact, async (c) => void chunks.push(c.slice()), { fileName: 'model.fnnx', hasher: cryptoHasher });
  return new Uint8Array(Buffer.concat(chunks));
}

/** Builds the artifact, validates it strictly, and checks a second build gives the same bytes. */
async function packAndValidate(artifact: NewArtifact): Promise<ValidationReport> {
  const bytes = await tarBytes(artifact);
  expect(Buffer.from(await tarBytes(artifact)).equals(Buffer.from(bytes))).toBe(true);
  return validate(new MemorySource(bytes, 'model.fnnx'), { strict: true });
}

async function expectSound(artifact: NewArtifact): Promise<void> {
  const report = await packAndValidate(artifact);
  expect(findings(report)).toEqual([]);
  expect(report.valid).toBe(true);
}

const build = (models: OnnxModelFile[], options: NewOnnxOptions = {}) => newFromOnnx(models, options);

describe('newFromOnnx: declarations read from the model', () => {
  it('declares fixed dims as integers, symbolic ones as strings, and names an unnamed dynamic dim <value>_dim<axis>', async () => {
    const a = await build([
      model(
        'reg.onnx',
        modelSpec({
          inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', 3, null] }],
          outputs: [{ name: 'y', elemType: FLOAT, shape: [4] }],
        }),
      ),
    ]);
    expect(a.ops[0]).toMatchObject({
      id: 'reg',
      op: 'ONNX_v1',
      inputs: [{ dtype: 'Array[float32]', shape: ['batch', 3, 'x_dim2'] }],
      outputs: [{ dtype: 'Array[float32]', shape: [4] }],
      dynamic_attributes: {},
    });
    expect(a.manifest.inputs).toEqual([{ name: 'x', content_type: 'NDJSON', dtype: 'Array[float32]', shape: ['batch', 3, 'x_dim2'] }]);
    expect(a.manifest.outputs).toEqual([{ name: 'y', content_type: 'NDJSON', dtype: 'Array[float32]', shape: [4] }]);
    await expectSound(a);
  });

  it('keeps several inputs and outputs in graph order, each with its own element type', async () => {
    const spec = modelSpec({
      inputs: [
        { name: 'a', elemType: FLOAT, shape: ['n', 2] },
        { name: 'b', elemType: INT64, shape: ['n'] },
      ],
      outputs: [
        { name: 'score', elemType: DOUBLE, shape: ['n'] },
        { name: 'flag', elemType: BOOL, shape: ['n'] },
      ],
    });
    const a = await build([model('multi.onnx', spec)]);
    expect(a.ops[0]!.inputs).toEqual([
      { dtype: 'Array[float32]', shape: ['n', 2] },
      { dtype: 'Array[int64]', shape: ['n'] },
    ]);
    expect(a.ops[0]!.outputs).toEqual([
      { dtype: 'Array[float64]', shape: ['n'] },
      { dtype: 'Array[bool]', shape: ['n'] },
    ]);
    expect(a.variantConfig).toEqual({
      nodes: [{ op_instance_id: 'multi', inputs: ['a', 'b'], outputs: ['score', 'flag'], extra_dynattrs: {} }],
    });
    await expectSound(a);
  });

  it('leaves out graph inputs that an initializer backs', async () => {
    const spec = modelSpec({
      inputs: [
        { name: 'x', elemType: FLOAT, shape: ['batch', 3] },
        { name: 'w', elemType: FLOAT, shape: [3, 1] },
      ],
      initializers: [{ name: 'w', raw: new Uint8Array(12) }],
    });
    const a = await build([model('reg.onnx', spec)]);
    expect(a.ops[0]!.inputs).toEqual([{ dtype: 'Array[float32]', shape: ['batch', 3] }]);
    expect((a.manifest.inputs as Array<{ name: string }>).map((i) => i.name)).toEqual(['x']);
    await expectSound(a);
  });

  it('writes opsets with the empty domain as ai.onnx, ai.onnx.ml kept, and used_operators by domain in byte order', async () => {
    const spec = modelSpec({
      irVersion: 9,
      opsets: [
        { domain: '', version: 18 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
      nodes: [{ opType: 'Sub' }, { opType: 'LinearRegressor', domain: 'ai.onnx.ml' }, { opType: 'Add' }, { opType: 'Sub' }],
    });
    const a = await build([model('ml.onnx', spec)]);
    expect(a.ops[0]!.attributes).toEqual({
      opsets: [
        { domain: 'ai.onnx', version: 18 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
      has_external_data: false,
      onnx_ir_version: 9,
      used_operators: { 'ai.onnx': ['Add', 'Sub'], 'ai.onnx.ml': ['LinearRegressor'] },
    });
    await expectSound(a);
  });

  it('counts the operators of subgraphs (If branches, nested) in used_operators, and the validator holds a declaration to them', async () => {
    const inner = modelSpec({ inputs: [], outputs: [], nodes: [{ opType: 'Sigmoid' }] });
    const branch = modelSpec({ inputs: [], outputs: [], nodes: [{ opType: 'Relu' }, { opType: 'If', subgraphs: [inner] }] });
    const spec = modelSpec({
      nodes: [{ opType: 'If', subgraphs: [branch, modelSpec({ inputs: [], outputs: [], nodes: [{ opType: 'Neg' }] })] }],
    });
    const a = await build([model('branchy.onnx', spec)]);
    expect(a.ops[0]!.attributes).toMatchObject({ used_operators: { 'ai.onnx': ['If', 'Neg', 'Relu', 'Sigmoid'] } });
    await expectSound(a);
    // A declaration that lists only the main graph's operators is caught.
    const members = soundPipeline();
    members['ops_artifacts/reg/model.onnx'] = encodeModel(spec);
    members['ops.json'] = [
      onnxOp('reg', {
        attributes: {
          opsets: [{ domain: 'ai.onnx', version: 17 }],
          has_external_data: false,
          onnx_ir_version: 8,
          used_operators: { 'ai.onnx': ['If'] },
        },
      }),
    ];
    expect(findings(await validateMembers(members))).toEqual(['ONNX_USED_OPERATORS_MISMATCH ops.json /0/attributes/used_operators']);
  });

  it("keeps a subgraph's own inputs and initializers out of the op's inputs, yet copies external data a Constant node's tensor references", async () => {
    const body = modelSpec({
      inputs: [{ name: 'i', elemType: INT64, shape: [] }],
      outputs: [],
      initializers: [{ name: 'x', raw: new Uint8Array(4) }],
      nodes: [{ opType: 'Identity' }],
    });
    const spec = modelSpec({
      nodes: [
        { opType: 'Loop', subgraphs: [body] },
        { opType: 'Constant', tensor: { name: 'k', external: { location: 'k.bin', offset: 0, length: 4 } } },
      ],
    });
    const a = await build([model('loop.onnx', spec, { 'k.bin': new Uint8Array(4) })]);
    expect(a.ops[0]!.inputs).toEqual([{ dtype: 'Array[float32]', shape: ['batch', 3] }]);
    expect(a.ops[0]!.attributes).toMatchObject({
      has_external_data: true,
      used_operators: { 'ai.onnx': ['Constant', 'Identity', 'Loop'] },
    });
    expect(a.files.map((f) => f.name)).toEqual(['ops_artifacts/loop/k.bin', 'ops_artifacts/loop/model.onnx']);
    await expectSound(a);
  });

  it('copies external data files beside model.onnx and sets has_external_data from the model', async () => {
    const spec = modelSpec({
      initializers: [
        { name: 'w', external: { location: 'weights.bin', offset: 0, length: 12 } },
        { name: 'b', external: { location: './weights.bin', offset: 12, length: 4 } },
        { name: 'c', external: { location: 'more/bias.bin' } },
      ],
    });
    const weights = new Uint8Array(16).fill(7);
    const a = await build([model('big.onnx', spec, { 'weights.bin': weights, 'more/bias.bin': new Uint8Array(4) })]);
    expect(a.files.map((f) => f.name)).toEqual([
      'ops_artifacts/big/model.onnx',
      'ops_artifacts/big/more/bias.bin',
      'ops_artifacts/big/weights.bin',
    ]);
    expect(a.ops[0]!.attributes).toMatchObject({ has_external_data: true });
    await expectSound(a);
  });

  it('refuses external data that is missing, too short, or outside the model folder', async () => {
    const ext = (location: string, length?: number) =>
      modelSpec({ initializers: [{ name: 'w', external: { location, offset: 0, length } }] });
    await expect(build([model('m.onnx', ext('weights.bin'))])).rejects.toMatchObject({
      code: 'ONNX_EXTERNAL_DATA_MISSING',
      message: expect.stringContaining('"weights.bin"'),
    });
    await expect(build([model('m.onnx', ext('weights.bin', 64), { 'weights.bin': new Uint8Array(16) })])).rejects.toMatchObject({
      code: 'ONNX_EXTERNAL_DATA_MISSING',
    });
    for (const escape of ['../weights.bin', '/etc/weights.bin', 'a/../../weights.bin', 'C:\\weights.bin']) {
      await expect(build([model('m.onnx', ext(escape), { 'weights.bin': new Uint8Array(16) })])).rejects.toMatchObject({
        code: 'ONNX_EXTERNAL_DATA_OUTSIDE',
      });
    }
  });

  it('refuses element types FNNX has no dtype for, by name', async () => {
    const f16 = modelSpec({ inputs: [{ name: 'x', elemType: FLOAT16, shape: ['batch', 3] }] });
    await expect(build([model('model.onnx', f16)])).rejects.toMatchObject({
      code: 'ONNX_ELEMENT_UNSUPPORTED',
      kind: 'artifact',
      message: "model.onnx input 'x' has element type FLOAT16, which FNNX has no dtype for",
    });
    const u8 = modelSpec({ outputs: [{ name: 'label', elemType: UINT8, shape: ['batch'] }] });
    await expect(build([model('clf.onnx', u8)])).rejects.toMatchObject({
      message: "clf.onnx output 'label' has element type UINT8, which FNNX has no dtype for",
    });
  });

  it('refuses a non-tensor value (a ZipMap-style sequence) and a value with no shape', async () => {
    const seq = modelSpec({ outputs: [{ name: 'probabilities', elemType: FLOAT, kind: 'sequence' }] });
    await expect(build([model('clf.onnx', seq)])).rejects.toMatchObject({
      code: 'ONNX_VALUE_NOT_TENSOR',
      hint: expect.stringContaining('zipmap'),
    });
    const noShape = modelSpec({ inputs: [{ name: 'x', elemType: FLOAT }] });
    await expect(build([model('m.onnx', noShape)])).rejects.toMatchObject({
      code: 'ONNX_SHAPE_UNKNOWN',
      message: expect.stringContaining("m.onnx input 'x'"),
    });
  });

  it('refuses bytes that are not a model, and a model without ir_version, as ONNX_MALFORMED naming the file', async () => {
    const text = { name: 'notes.onnx', source: new MemorySource(new TextEncoder().encode('hello world, not a model')) };
    await expect(build([text])).rejects.toMatchObject({ code: 'ONNX_MALFORMED', member: 'notes.onnx' });
    await expect(build([model('m.onnx', modelSpec({ irVersion: undefined }))])).rejects.toMatchObject({
      code: 'ONNX_MALFORMED',
      message: 'm.onnx has no ir_version: not a serialized ONNX ModelProto',
    });
    await expect(build([])).rejects.toMatchObject({ code: 'NO_MODELS' });
    await expect(build([model('sink.onnx', modelSpec({ outputs: [] }))])).rejects.toMatchObject({ code: 'ONNX_NO_OUTPUTS' });
  });

  it('refuses int64 values past ±(2^53 − 1) with ONNX_INT_OUT_OF_RANGE naming the file and the exact value, never rounding them', async () => {
    const big = 2n ** 53n + 1n; // as a number it would be 2^53: a different value
    const refused = (spec: Partial<ModelSpec>, beside: Record<string, Uint8Array> = {}) =>
      build([model('m.onnx', modelSpec(spec), beside)]).then(
        () => undefined,
        (e: { code: string; member: string; message: string }) => e,
      );
    for (const spec of [
      { irVersion: big },
      { opsets: [{ domain: '', version: big }] },
      { inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', big] }] },
      { outputs: [{ name: 'y', elemType: FLOAT, shape: [-big, 1] }] },
      { initializers: [{ name: 'w', external: { location: 'w.bin', offset: String(big), length: 4 } }] },
    ] as Array<Partial<ModelSpec>>) {
      const e = await refused(spec, { 'w.bin': new Uint8Array(8) });
      expect(
        e,
        JSON.stringify(spec, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).toMatchObject({
        code: 'ONNX_INT_OUT_OF_RANGE',
        member: 'm.onnx',
      });
      expect(e!.message).toContain(String(big));
    }
    // 2^53 − 1 is exact, and kept.
    const edge = await build([model('m.onnx', modelSpec({ inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', 2n ** 53n - 1n] }] }))]);
    expect(edge.manifest.inputs).toMatchObject([{ shape: ['batch', Number.MAX_SAFE_INTEGER] }]);
  });

  it('makes op ids from file names: safe characters only, unique with _2, _3', () => {
    expect(
      opIds([
        { name: 'dir/my model.v2.onnx' },
        { name: 'a/model.onnx' },
        { name: 'b\\model.ONNX' },
        { name: '---.onnx' },
        { name: 'x', id: 'model_2' },
      ]),
    ).toEqual(['my_model_v2', 'model', 'model_3', 'model_4', 'model_2']);
    expect(() => opIds([{ name: 'a', id: 'bad-id' }])).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });

  it('writes the manifest fields given, and renames manifest inputs/outputs while the nodes follow', async () => {
    const a = await build([model('reg.onnx', modelSpec())], {
      name: 'churn',
      version: '1.2.0',
      description: 'churn model',
      producerName: 'acme-train',
      producerVersion: '0.3',
      producerTags: ['acme::churn:v1'],
      inputNames: { x: 'features' },
      outputNames: new Map([['y', 'score']]),
    });
    expect(a.manifest).toMatchObject({
      variant: 'pipeline',
      name: 'churn',
      version: '1.2.0',
      description: 'churn model',
      producer_name: 'acme-train',
      producer_version: '0.3',
      producer_tags: ['acme::churn:v1'],
    });
    expect(Object.keys(a.manifest)).toEqual([
      'variant',
      'name',
      'version',
      'description',
      'producer_name',
      'producer_version',
      'producer_tags',
      'inputs',
      'outputs',
      'dynamic_attributes',
      'env_vars',
    ]);
    expect(a.variantConfig.nodes).toEqual([{ op_instance_id: 'reg', inputs: ['features'], outputs: ['score'], extra_dynattrs: {} }]);
    await expectSound(a);
    await expect(build([model('reg.onnx', modelSpec())], { inputNames: { nope: 'z' } })).rejects.toMatchObject({
      code: 'RENAME_UNKNOWN',
      hint: "its inputs: 'x'",
    });
  });
});

describe('newFromOnnx: chains', () => {
  const scaler = modelSpec({
    inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', 3] }],
    outputs: [{ name: 'y', elemType: FLOAT, shape: ['batch', 3] }],
    nodes: [{ opType: 'Mul' }],
  });

  it('binds each model to the next in order; a taken intermediate name gets its op id in front', async () => {
    const a = await build([model('scaler.onnx', scaler), model('model.onnx', modelSpec())]);
    expect(a.ops.map((o) => o.id)).toEqual(['scaler', 'model']);
    // The scaler's output "y" is also the last model's output: the intermediate becomes "scaler.y".
    expect(a.variantConfig.nodes).toEqual([
      { op_instance_id: 'scaler', inputs: ['x'], outputs: ['scaler.y'], extra_dynattrs: {} },
      { op_instance_id: 'model', inputs: ['scaler.y'], outputs: ['y'], extra_dynattrs: {} },
    ]);
    expect(a.manifest.inputs).toEqual([{ name: 'x', content_type: 'NDJSON', dtype: 'Array[float32]', shape: ['batch', 3] }]);
    expect(a.manifest.outputs).toEqual([{ name: 'y', content_type: 'NDJSON', dtype: 'Array[float32]', shape: ['batch', 1] }]);
    await expectSound(a);
  });

  it('refuses consecutive models whose element types, arity or fixed extents do not line up, naming both', async () => {
    const f64 = modelSpec({ inputs: [{ name: 'x', elemType: DOUBLE, shape: ['batch', 3] }] });
    await expect(build([model('scaler.onnx', scaler), model('model.onnx', f64)])).rejects.toMatchObject({
      code: 'CHAIN_DTYPE_MISMATCH',
      kind: 'usage',
      message:
        'scaler.onnx output 0 \'y\' (Array[float32] ["batch",3]) feeds model.onnx input 0 \'x\' (Array[float64] ["batch",3]): the element types differ',
    });
    const two = modelSpec({
      inputs: [
        { name: 'x', elemType: FLOAT, shape: ['batch', 3] },
        { name: 'z', elemType: FLOAT, shape: ['batch', 3] },
      ],
    });
    await expect(build([model('scaler.onnx', scaler), model('model.onnx', two)])).rejects.toMatchObject({ code: 'CHAIN_ARITY_MISMATCH' });
    const wide = modelSpec({ inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', 4] }] });
    await expect(build([model('scaler.onnx', scaler), model('model.onnx', wide)])).rejects.toMatchObject({ code: 'CHAIN_SHAPE_MISMATCH' });
  });

  it('refuses a manifest output named like a manifest input (a pipeline binds each name once)', async () => {
    await expect(
      build([model('scaler.onnx', scaler), model('model.onnx', modelSpec())], { outputNames: { y: 'x' } }),
    ).rejects.toMatchObject({ code: 'RENAME_INVALID' });
  });
});

describe('newFromOnnx: sources', () => {
  it('builds from Blobs (the browser path) into the same bytes as from memory', async () => {
    const bytes = encodeModel(modelSpec());
    const fromBlob = await build([{ name: 'reg.onnx', source: new BlobSource(new Blob([bytes as Uint8Array<ArrayBuffer>])) }]);
    const fromMemory = await build([{ name: 'reg.onnx', source: new MemorySource(bytes) }]);
    expect(Buffer.from(await tarBytes(fromBlob)).equals(Buffer.from(await tarBytes(fromMemory)))).toBe(true);
    await expectSound(fromBlob);
  });

  it('reads a 2 GiB model by range: kilobytes read while declaring, the weights only streamed when written', async () => {
    const path = join(tempDir(), 'huge.onnx');
    writeHugeModel(path, modelSpec(), 2, 1 << 30);
    const file = await FileSource.open(path);
    try {
      const counting = new CountingSource(file);
      const a = await build([{ name: 'huge.onnx', source: counting }]);
      expect(counting.log.reduce((n, [, length]) => n + length, 0)).toBeLessThan(64 * 1024);
      expect(a.files[0]).toMatchObject({ name: 'ops_artifacts/huge/model.onnx', body: { size: file.byteLength } });
    } finally {
      await file.close();
    }
  });
});

describe('the reference corpus rebuilt with newFromOnnx', () => {
  const ids = ['linreg', 'linreg2', 'linreg3', 'concat_reduce'];
  const corpusModel = async (id: string): Promise<OnnxModelFile> => ({
    name: `${id}/model.onnx`,
    id,
    source: new MemorySource(new Uint8Array(readFileSync(join(CORPUS_DIR, 'ops_artifacts', id, 'model.onnx')))),
  });

  it("declares what the models hold, where the corpus's hand-written ops.json does not (and so does not validate)", async () => {
    const tar = await FileSource.open(CORPUS_TAR);
    const corpus = await validate(tar).finally(() => tar.close());
    const corpusOps = JSON.parse(readFileSync(join(CORPUS_DIR, 'ops.json'), 'utf8')) as Array<{ id: string; attributes: unknown }>;
    expect(findings(corpus, 'error')).toContain('ONNX_IR_VERSION_MISMATCH ops.json /0/attributes/onnx_ir_version');
    expect(findings(corpus, 'error')).toContain('ONNX_OPSET_MISMATCH ops.json /0/attributes/opsets');
    for (const [k, id] of ids.entries()) {
      const rebuilt = await build([await corpusModel(id)]);
      const attrs = rebuilt.ops[0]!.attributes as { onnx_ir_version: number; opsets: unknown };
      // The corpus says ir_version 7 and ai.onnx 12; the models say ir_version 10 and ai.onnx 21.
      expect(corpusOps[k]!.attributes).toMatchObject({ onnx_ir_version: 7, opsets: [{ domain: 'ai.onnx', version: 12 }] });
      expect(attrs.onnx_ir_version).toBe(10);
      expect(attrs.opsets).toEqual(
        id === 'concat_reduce'
          ? [{ domain: 'ai.onnx', version: 21 }]
          : [
              { domain: 'ai.onnx.ml', version: 1 },
              { domain: 'ai.onnx', version: 21 },
            ],
      );
      expect(rebuilt.ops[0]!.id).toBe(id);
      await expectSound(rebuilt);
    }
  });

  it('refuses to chain a regression (1 output) into concat_reduce (3 inputs): the corpus graph is a fan-in, not a chain', async () => {
    await expect(build([await corpusModel('linreg'), await corpusModel('concat_reduce')])).rejects.toMatchObject({
      code: 'CHAIN_ARITY_MISMATCH',
      message:
        'linreg/model.onnx has 1 output(s), but concat_reduce/model.onnx, next in the chain, takes 3 input(s) (initializers excluded)',
    });
  });
});
