/**
 * ONNX_v1 op instances, checked against the model file itself: presence, ir_version, opset
 * imports, the graph's inputs (initializers excluded) and outputs, fixed dimensions, external
 * data and used_operators. The model is read by range (src/onnx), never loaded whole.
 */
import { isObject, type Json } from '../artifact/json-member.js';
import { FnnxError } from '../errors.js';
import { fnnxElementOf, onnxTypeName } from '../onnx/element-types.js';
import { readOnnxModel, type OnnxModelInfo, type OnnxValueInfo } from '../onnx/model-info.js';
import { checkMemberPath, memberSegments } from '../safety/member-path.js';
import { hasFile, type JsonObject, type RuleContext } from './context.js';
import { rangeIn } from '../tar/file-index.js';
import { child, diag, type Diagnostic, type Place, pushAll } from './diagnostics.js';
import { parseDtype } from './dtype-rules.js';
import { checkSchema } from './schema-check.js';

const DEFAULT_DOMAIN = 'ai.onnx';

export function onnxModelPath(id: string): string {
  return `ops_artifacts/${id}/model.onnx`;
}

export async function onnxRules(op: JsonObject, at: Place, ctx: RuleContext): Promise<Diagnostic[]> {
  const out = checkSchema('onnxV1Attributes', op.attributes, child(at, 'attributes'), 'ONNX_ATTRIBUTES_SCHEMA');
  if (typeof op.id !== 'string' || !/^[a-zA-Z0-9_]+$/.test(op.id)) return out;
  const path = onnxModelPath(op.id);
  if (!hasFile(ctx, path)) {
    out.push(diag('ONNX_MODEL_MISSING', 'error', `ONNX_v1 op "${op.id}" has no model at ${path}`, at));
    return out;
  }
  const info = await readModel(path, ctx, out);
  if (!info) return out;
  const attrs = isObject(op.attributes) ? op.attributes : {};
  pushAll(out, irVersionRule(attrs, info, at), opsetRules(attrs, info, at), usedOperatorRules(attrs, info, at));
  const inputs = info.inputs.filter((v) => !info.initializers.has(v.name));
  pushAll(out, portRules('inputs', op.inputs, inputs, at), portRules('outputs', op.outputs, info.outputs, at));
  pushAll(out, externalDataRules(op.id, attrs, info, path, at, ctx));
  return out;
}

async function readModel(path: string, ctx: RuleContext, out: Diagnostic[]): Promise<OnnxModelInfo | undefined> {
  const range = await ctx.memberRange(path);
  if (!range) {
    out.push(
      diag('ONNX_NOT_CHECKED', 'info', 'the model could not be opened by range here, so its declarations were not compared', {
        member: path,
        pointer: '',
      }),
    );
    return undefined;
  }
  try {
    return await readOnnxModel(range.source, range.offset, range.size, { member: path, signal: ctx.signal });
  } catch (e) {
    if (e instanceof FnnxError && e.kind === 'artifact') {
      // Out of range is its own fact: the model is well-formed, its value just has no exact JSON form.
      const code = e.code === 'ONNX_INT_OUT_OF_RANGE' ? e.code : 'ONNX_MALFORMED';
      out.push(diag(code, 'error', e.message, { member: path, pointer: '' }));
      return undefined;
    }
    throw e;
  } finally {
    await range.close?.();
  }
}

function irVersionRule(attrs: JsonObject, info: OnnxModelInfo, at: Place): Diagnostic[] {
  if (typeof attrs.onnx_ir_version !== 'number' || attrs.onnx_ir_version === info.irVersion) return [];
  return [
    diag(
      'ONNX_IR_VERSION_MISMATCH',
      'error',
      `declares onnx_ir_version ${attrs.onnx_ir_version}, but the model's ir_version is ${info.irVersion ?? 'absent'}`,
      child(at, 'attributes', 'onnx_ir_version'),
    ),
  ];
}

function opsetRules(attrs: JsonObject, info: OnnxModelInfo, at: Place): Diagnostic[] {
  if (!Array.isArray(attrs.opsets)) return [];
  const where = child(at, 'attributes', 'opsets');
  const declared = new Map<string, number>();
  for (const o of attrs.opsets)
    if (isObject(o) && typeof o.domain === 'string' && typeof o.version === 'number') declared.set(normalDomain(o.domain), o.version);
  const actual = new Map(info.opsets.map((o) => [normalDomain(o.domain), o.version]));
  const out: Diagnostic[] = [];
  const mismatch = (message: string) => out.push(diag('ONNX_OPSET_MISMATCH', 'error', message, where));
  for (const [domain, version] of actual) {
    const d = declared.get(domain);
    if (d === undefined) mismatch(`the model imports ${domain} version ${version}, which attributes.opsets does not declare`);
    else if (d !== version) mismatch(`declares ${domain} version ${d}, but the model imports version ${version}`);
  }
  for (const [domain, version] of declared) {
    if (!actual.has(domain)) mismatch(`declares ${domain} version ${version}, which the model does not import`);
  }
  return out;
}

function usedOperatorRules(attrs: JsonObject, info: OnnxModelInfo, at: Place): Diagnostic[] {
  const declared = attrs.used_operators;
  if (!isObject(declared)) return [];
  const out: Diagnostic[] = [];
  const normalDeclared = new Map<string, Set<string>>();
  for (const [domain, ops] of Object.entries(declared)) {
    if (Array.isArray(ops)) normalDeclared.set(normalDomain(domain), new Set(ops.filter((o): o is string => typeof o === 'string')));
  }
  for (const [domain, ops] of info.operators) {
    const listed = normalDeclared.get(normalDomain(domain)) ?? new Set<string>();
    const missing = [...ops].filter((o) => !listed.has(o)).sort();
    if (missing.length) {
      out.push(
        diag(
          'ONNX_USED_OPERATORS_MISMATCH',
          'error',
          `the model uses ${normalDomain(domain)} operators not in used_operators: ${missing.join(', ')}`,
          child(at, 'attributes', 'used_operators'),
        ),
      );
    }
  }
  return out;
}

function portRules(side: 'inputs' | 'outputs', declared: Json | undefined, actual: OnnxValueInfo[], at: Place): Diagnostic[] {
  if (!Array.isArray(declared)) return [];
  const out: Diagnostic[] = [];
  const noun = side === 'inputs' ? 'inputs (initializers excluded)' : 'outputs';
  if (declared.length !== actual.length) {
    out.push(
      diag(
        'ONNX_ARITY_MISMATCH',
        'error',
        `declares ${declared.length} ${side}, but the model's graph has ${actual.length} ${noun}`,
        child(at, side),
      ),
    );
  }
  for (let k = 0; k < Math.min(declared.length, actual.length); k++) {
    const port = declared[k];
    if (isObject(port)) pushAll(out, portRule(port, actual[k]!, child(at, side, k)));
  }
  return out;
}

function portRule(port: JsonObject, value: OnnxValueInfo, at: Place): Diagnostic[] {
  const out: Diagnostic[] = [];
  const what = `graph ${value.name ? `value "${value.name}"` : 'value'}`;
  if (typeof port.dtype === 'string') {
    const d = parseDtype(port.dtype);
    const element = value.elemType === undefined ? undefined : fnnxElementOf(value.elemType);
    if (value.kind !== 'tensor') {
      out.push(
        diag(
          'ONNX_DTYPE_MISMATCH',
          'error',
          `declares ${port.dtype}, but the ${what} is a ${value.kind}, not a tensor`,
          child(at, 'dtype'),
        ),
      );
    } else if (d.form !== 'Array') {
      out.push(
        diag('ONNX_DTYPE_MISMATCH', 'error', `declares ${port.dtype}, but an ONNX tensor is an Array[...] value`, child(at, 'dtype')),
      );
    } else if (value.elemType !== undefined && d.element !== element) {
      const model = element ? `Array[${element}]` : `${onnxTypeName(value.elemType)} (no FNNX Array element)`;
      out.push(diag('ONNX_DTYPE_MISMATCH', 'error', `declares ${port.dtype}, but the ${what} holds ${model}`, child(at, 'dtype')));
    }
  }
  if (Array.isArray(port.shape) && value.shape) pushAll(out, shapeRule(port.shape, value.shape, what, child(at, 'shape')));
  return out;
}

function shapeRule(declared: Json[], actual: Array<number | string | null>, what: string, at: Place): Diagnostic[] {
  if (declared.length !== actual.length) {
    return [diag('ONNX_SHAPE_MISMATCH', 'error', `declares rank ${declared.length}, but the ${what} has rank ${actual.length}`, at)];
  }
  const out: Diagnostic[] = [];
  declared.forEach((dim, k) => {
    if (typeof dim !== 'number') return;
    const model = actual[k];
    if (model === dim) return;
    const has = typeof model === 'number' ? `the fixed extent ${model}` : 'a symbolic extent (declare it as a string)';
    out.push(diag('ONNX_SHAPE_MISMATCH', 'error', `declares extent ${dim} on axis ${k}, but the ${what} has ${has} there`, child(at, k)));
  });
  return out;
}

function externalDataRules(id: string, attrs: JsonObject, info: OnnxModelInfo, path: string, at: Place, ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const refs = info.externalData;
  if (typeof attrs.has_external_data === 'boolean' && attrs.has_external_data !== refs.length > 0) {
    const message = attrs.has_external_data
      ? 'declares has_external_data true, but no tensor of the model is stored externally'
      : `declares has_external_data false, but ${refs.length} tensor(s) of the model are stored externally`;
    out.push(diag('ONNX_EXTERNAL_DATA_MISMATCH', 'error', message, child(at, 'attributes', 'has_external_data')));
  }
  const where = { member: path, pointer: '' };
  for (const ref of refs) {
    if (checkMemberPath(ref.location)) {
      out.push(
        diag(
          'ONNX_EXTERNAL_DATA_OUTSIDE',
          'error',
          `tensor "${ref.tensor}" keeps its data at "${ref.location}", outside ops_artifacts/${id}/`,
          where,
        ),
      );
      continue;
    }
    const file = `ops_artifacts/${id}/${memberSegments(ref.location).join('/')}`;
    if (!hasFile(ctx, file)) {
      out.push(
        diag(
          'ONNX_EXTERNAL_DATA_MISSING',
          'error',
          `tensor "${ref.tensor}" keeps its data in ${file}, which the artifact does not hold`,
          where,
        ),
      );
    } else if (ref.length !== undefined && (ref.offset ?? 0) + ref.length > rangeIn(ctx.files, file)![1]) {
      out.push(diag('ONNX_EXTERNAL_DATA_MISSING', 'error', `tensor "${ref.tensor}" reads past the end of ${file}`, where));
    }
  }
  return out;
}

function normalDomain(domain: string): string {
  return domain === '' ? DEFAULT_DOMAIN : domain;
}
