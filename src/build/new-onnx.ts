/**
 * A `pipeline` artifact made from ONNX models, every declaration read from the models themselves:
 * one `ONNX_v1` op per model, bound in the order given (each model's outputs feed the next one's
 * inputs), the manifest's interface from the first model's inputs and the last model's outputs.
 * Models are read by range (src/onnx): their weights are streamed into the artifact when it is
 * written, never held. No `node:` import: the browser builds the same artifact from Blobs.
 */
import type { Json, JsonObject } from '../artifact/json-member.js';
import { byteOrder } from '../artifact/root-files.js';
import { ArtifactError, UsageError } from '../errors.js';
import { portOf, type FnnxPort } from '../onnx/fnnx-ports.js';
import { readOnnxModel, type OnnxModelInfo } from '../onnx/model-info.js';
import { checkMemberPath, memberSegments } from '../safety/member-path.js';
import type { ByteSource } from '../source/byte-source.js';
import { readChunks } from '../source/chunks.js';
import type { ArtifactInput } from './builder.js';
import { assertValidManifest } from './manifest-check.js';
import type { MemberInput, StreamBody } from '../artifact/member-input.js';

export interface OnnxModelFile {
  /** The model's file name (e.g. "scaler.onnx"): the op id is made from it, and messages name it. */
  name: string;
  /** The model bytes; read by range, and streamed into the artifact when it is written. Keep it open until then. */
  source: ByteSource;
  /** The op id to use instead of the one made from `name` (must match `^[a-zA-Z0-9_]+$`). */
  id?: string;
  /**
   * The external data file at `location` (relative to the model, already checked to stay beside
   * it), or undefined when there is none. Needed only for models that store tensors externally.
   */
  externalData?: (location: string) => Promise<ByteSource | undefined>;
}

export interface NewOnnxOptions {
  name?: string;
  version?: string;
  description?: string;
  /** Default "fnnx-kit". */
  producerName?: string;
  /** Default "unknown" (the CLI passes its own version). */
  producerVersion?: string;
  producerTags?: string[];
  /** Graph name → manifest name, for the first model's inputs. */
  inputNames?: Record<string, string> | ReadonlyMap<string, string>;
  /** Graph name → manifest name, for the last model's outputs. */
  outputNames?: Record<string, string> | ReadonlyMap<string, string>;
  signal?: AbortSignal;
}

/** Builder input with the root files as JSON values, ready for `buildArtifact` or a directory writer. */
export interface NewArtifact extends ArtifactInput {
  manifest: JsonObject;
  ops: JsonObject[];
  variantConfig: { nodes: JsonObject[] };
  dtypes: JsonObject;
  env: JsonObject;
  meta: Json[];
  /** The models and their external data files, under `ops_artifacts/<id>/`, in byte order of name. */
  files: MemberInput[];
}

const OP_ID = /^[a-zA-Z0-9_]+$/;
const DEFAULT_DOMAIN = 'ai.onnx';

interface ModelOp {
  id: string;
  file: OnnxModelFile;
  inputNames: string[];
  outputNames: string[];
  inputs: FnnxPort[];
  outputs: FnnxPort[];
  op: JsonObject;
  members: MemberInput[];
}

export async function newFromOnnx(models: OnnxModelFile[], options: NewOnnxOptions = {}): Promise<NewArtifact> {
  if (models.length === 0) throw new UsageError('NO_MODELS', 'give at least one ONNX model');
  const ids = opIds(models);
  const ops: ModelOp[] = [];
  for (let i = 0; i < models.length; i++) ops.push(await modelOp(models[i]!, ids[i]!, options.signal));
  for (let i = 1; i < ops.length; i++) checkLink(ops[i - 1]!, ops[i]!);
  const first = ops[0]!;
  const last = ops[ops.length - 1]!;
  const inputs = renamed(first.inputNames, options.inputNames, 'input', first.file.name);
  const outputs = renamed(last.outputNames, options.outputNames, 'output', last.file.name);
  const nodes = bindChain(ops, inputs, outputs);
  const manifest: JsonObject = {
    variant: 'pipeline',
    ...(options.name !== undefined && { name: options.name }),
    ...(options.version !== undefined && { version: options.version }),
    ...(options.description !== undefined && { description: options.description }),
    producer_name: options.producerName ?? 'fnnx-kit',
    producer_version: options.producerVersion ?? 'unknown',
    producer_tags: options.producerTags ?? [],
    inputs: inputs.map((name, k) => ioEntry(name, first.inputs[k]!)),
    outputs: outputs.map((name, k) => ioEntry(name, last.outputs[k]!)),
    dynamic_attributes: [],
    env_vars: [],
  };
  // Names and strings from the caller (renames, producer) end up here: refuse a manifest a reader would.
  assertValidManifest(manifest, { dtypes: {} });
  const files = ops.flatMap((o) => o.members).sort((a, b) => byteOrder(a.name, b.name));
  return { manifest, ops: ops.map((o) => o.op), variantConfig: { nodes }, dtypes: {}, env: {}, meta: [], files };
}

/** Op ids from the file names, made safe (`[a-zA-Z0-9_]`) and unique (`_2`, `_3`… on repeats). */
export function opIds(models: Array<Pick<OnnxModelFile, 'name' | 'id'>>): string[] {
  const taken = new Set<string>();
  for (const m of models) {
    if (m.id === undefined) continue;
    if (!OP_ID.test(m.id)) throw new UsageError('BAD_OPTION', `op id ${JSON.stringify(m.id)} must match ^[a-zA-Z0-9_]+$`);
    if (taken.has(m.id)) throw new UsageError('BAD_OPTION', `op id "${m.id}" is given twice`);
    taken.add(m.id);
  }
  return models.map((m) => {
    if (m.id !== undefined) return m.id;
    const base = m.name
      .split(/[\\/]/)
      .pop()!
      .replace(/\.onnx$/i, '');
    const safe = base.replace(/[^a-zA-Z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'model';
    let id = safe;
    for (let n = 2; taken.has(id); n++) id = `${safe}_${n}`;
    taken.add(id);
    return id;
  });
}

async function modelOp(file: OnnxModelFile, id: string, signal: AbortSignal | undefined): Promise<ModelOp> {
  const info = await readOnnxModel(file.source, 0, file.source.byteLength, { member: file.name, signal });
  if (info.irVersion === undefined)
    throw new ArtifactError('ONNX_MALFORMED', `${file.name} has no ir_version: not a serialized ONNX ModelProto`, { member: file.name });
  const graphInputs = info.inputs.filter((v) => !info.initializers.has(v.name));
  if (info.outputs.length === 0)
    throw new ArtifactError('ONNX_NO_OUTPUTS', `${file.name} has no graph outputs: nothing for the pipeline to bind`, {
      member: file.name,
    });
  const inputs = graphInputs.map((v) => portOf(v, { model: file.name, side: 'input' }));
  const outputs = info.outputs.map((v) => portOf(v, { model: file.name, side: 'output' }));
  const dataFiles = await externalDataMembers(file, id, info);
  const op: JsonObject = {
    id,
    op: 'ONNX_v1',
    inputs: inputs.map(portJson),
    outputs: outputs.map(portJson),
    attributes: {
      opsets: opsetsOf(info),
      has_external_data: info.externalData.length > 0,
      onnx_ir_version: info.irVersion,
      used_operators: usedOperatorsOf(info),
    },
    dynamic_attributes: {},
  };
  const model: MemberInput = { name: `ops_artifacts/${id}/model.onnx`, body: bodyOf(file.source) };
  return {
    id,
    file,
    inputNames: graphInputs.map((v) => v.name),
    outputNames: info.outputs.map((v) => v.name),
    inputs,
    outputs,
    op,
    members: [model, ...dataFiles],
  };
}

function portJson(p: FnnxPort): JsonObject {
  return { dtype: p.dtype, shape: p.shape };
}

function ioEntry(name: string, p: FnnxPort): JsonObject {
  return { name, content_type: 'NDJSON', dtype: p.dtype, shape: p.shape };
}

/** One entry per domain as the model imports it (a repeated domain: the last import, as the validator reads it). */
function opsetsOf(info: OnnxModelInfo): JsonObject[] {
  const versions = new Map<string, number>();
  for (const o of info.opsets) versions.set(o.domain === '' ? DEFAULT_DOMAIN : o.domain, o.version);
  return [...versions].map(([domain, version]) => ({ domain, version }));
}

/** domain → operator names, both in byte order, so the same model always gives the same bytes. */
function usedOperatorsOf(info: OnnxModelInfo): JsonObject {
  const byDomain = new Map<string, Set<string>>();
  for (const [domain, ops] of info.operators) {
    const key = domain === '' ? DEFAULT_DOMAIN : domain;
    const set = byDomain.get(key) ?? new Set<string>();
    for (const o of ops) set.add(o);
    byDomain.set(key, set);
  }
  // fromEntries defines own properties: a domain named "__proto__" stays a plain key.
  return Object.fromEntries([...byDomain].sort(([a], [b]) => byteOrder(a, b)).map(([d, ops]) => [d, [...ops].sort(byteOrder)]));
}

function bodyOf(source: ByteSource): StreamBody {
  return { size: source.byteLength, open: () => readChunks(source, 0, source.byteLength) };
}

/** The files the model's external tensors live in, each once, checked to exist beside it and to be long enough. */
async function externalDataMembers(file: OnnxModelFile, id: string, info: OnnxModelInfo): Promise<MemberInput[]> {
  const needed = new Map<string, number>();
  for (const ref of info.externalData) {
    const what = `${file.name}: tensor '${ref.tensor}' keeps its data at "${ref.location}"`;
    if (checkMemberPath(ref.location)) {
      throw new ArtifactError('ONNX_EXTERNAL_DATA_OUTSIDE', `${what}, outside the model's folder`, {
        member: file.name,
        hint: 'external data must sit beside the model (or below it), named by a relative path without ".."',
      });
    }
    const location = memberSegments(ref.location).join('/');
    if (location === 'model.onnx')
      throw new ArtifactError('ONNX_EXTERNAL_DATA_OUTSIDE', `${what}, the name the model itself takes in the artifact`, {
        member: file.name,
      });
    needed.set(location, Math.max(needed.get(location) ?? 0, (ref.offset ?? 0) + (ref.length ?? 0)));
  }
  const out: MemberInput[] = [];
  for (const [location, end] of [...needed].sort(([a], [b]) => byteOrder(a, b))) {
    const source = await file.externalData?.(location);
    if (!source) {
      throw new ArtifactError('ONNX_EXTERNAL_DATA_MISSING', `${file.name} keeps tensor data in "${location}", which is not beside it`, {
        member: file.name,
        hint: 'keep the external data files next to the model file, as ONNX saved them',
      });
    }
    if (end > source.byteLength) {
      throw new ArtifactError(
        'ONNX_EXTERNAL_DATA_MISSING',
        `${file.name} reads tensor data up to byte ${end} of "${location}", which has ${source.byteLength}`,
        { member: file.name },
      );
    }
    out.push({ name: `ops_artifacts/${id}/${location}`, body: bodyOf(source) });
  }
  return out;
}

/** Consecutive models must line up output for input: same count, element type, rank and fixed extents. */
function checkLink(from: ModelOp, to: ModelOp): void {
  const a = from.file.name;
  const b = to.file.name;
  if (from.outputs.length !== to.inputs.length) {
    throw new UsageError(
      'CHAIN_ARITY_MISMATCH',
      `${a} has ${from.outputs.length} output(s), but ${b}, next in the chain, takes ${to.inputs.length} input(s) (initializers excluded)`,
      {
        hint: 'each model must take exactly what the one before it returns, in order',
      },
    );
  }
  from.outputs.forEach((out, k) => {
    const inp = to.inputs[k]!;
    const pair = `${a} output ${k} '${from.outputNames[k]}' (${out.dtype} ${JSON.stringify(out.shape)}) feeds ${b} input ${k} '${to.inputNames[k]}' (${inp.dtype} ${JSON.stringify(inp.shape)})`;
    if (out.dtype !== inp.dtype) throw new UsageError('CHAIN_DTYPE_MISMATCH', `${pair}: the element types differ`);
    const clash =
      out.shape.length !== inp.shape.length ||
      out.shape.some((d, j) => typeof d === 'number' && typeof inp.shape[j] === 'number' && d !== inp.shape[j]);
    if (clash) throw new UsageError('CHAIN_SHAPE_MISMATCH', `${pair}: the shapes cannot agree`);
  });
}

/** Graph names with the user's renames applied; each rename must name a real value, and the result must stay unique. */
function renamed(names: string[], renames: NewOnnxOptions['inputNames'], side: 'input' | 'output', model: string): string[] {
  const map = new Map(renames instanceof Map ? renames : Object.entries(renames ?? {}));
  for (const old of map.keys()) {
    if (!names.includes(old)) {
      throw new UsageError('RENAME_UNKNOWN', `${model} has no graph ${side} named '${old}'`, {
        hint: `its ${side}s: ${names.map((n) => `'${n}'`).join(', ') || '(none)'}`,
      });
    }
  }
  const out = names.map((n) => map.get(n) ?? n);
  const seen = new Set<string>();
  for (const n of out) {
    if (n === '') throw new UsageError('RENAME_INVALID', `an ${side} name must not be empty`);
    if (seen.has(n)) throw new UsageError('RENAME_INVALID', `two manifest ${side}s would be named '${n}'`);
    seen.add(n);
  }
  return out;
}

/**
 * The nodes, in chain order, over one namespace: the manifest inputs seed it, each model's outputs
 * bind the next model's inputs, the last model binds the manifest outputs. An intermediate value
 * keeps its graph name unless that is taken, then gets its op id in front (`<op>.<name>`).
 */
function bindChain(ops: ModelOp[], inputs: string[], outputs: string[]): JsonObject[] {
  const bound = new Set(inputs);
  const finals = new Set(outputs);
  const nodes: JsonObject[] = [];
  let feed = inputs;
  ops.forEach((op, i) => {
    const isLast = i === ops.length - 1;
    const names = isLast ? outputs : op.outputNames.map((n) => freeName(n, op.id, bound, finals));
    for (const n of names) {
      if (bound.has(n)) {
        throw new UsageError(
          'RENAME_INVALID',
          `the manifest output '${n}' is already the name of an input: a pipeline binds each name once`,
          {
            hint: `rename it with --output-name ${n}=<new name>`,
          },
        );
      }
      bound.add(n);
    }
    nodes.push({ op_instance_id: op.id, inputs: feed, outputs: names, extra_dynattrs: {} });
    feed = names;
  });
  return nodes;
}

function freeName(name: string, opId: string, bound: ReadonlySet<string>, finals: ReadonlySet<string>): string {
  const free = (n: string) => !bound.has(n) && !finals.has(n);
  if (free(name)) return name;
  let candidate = `${opId}.${name}`;
  for (let n = 2; !free(candidate); n++) candidate = `${opId}.${name}.${n}`;
  return candidate;
}
