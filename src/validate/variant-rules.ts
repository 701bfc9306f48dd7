/** variant_config.json and variant_artifacts/ for the variants this kit knows: pipeline and pyfunc. */
import { isObject, type Json } from '../artifact/json-member.js';
import { MANIFEST, VARIANT_CONFIG } from '../artifact/root-files.js';
import { hasFile, type JsonObject, type RuleContext } from './context.js';
import { child, diag, type Diagnostic, type Place, pushAll } from './diagnostics.js';
import { checkSchema } from './schema-check.js';

export const SUPPORTED_VARIANTS: ReadonlySet<string> = new Set(['pipeline', 'pyfunc']);
export const PYFUNC_ENTRY = 'variant_artifacts/__pyfunc__.py';

export function variantRules(ctx: RuleContext): Diagnostic[] {
  const variant = ctx.manifest?.variant;
  if (typeof variant !== 'string') return [];
  if (variant === 'pipeline') return pipelineRules(ctx);
  if (variant === 'pyfunc') return pyfuncRules(ctx);
  return [
    diag(
      'VARIANT_UNSUPPORTED',
      'warning',
      `variant "${variant}" is not supported by this validator; only Core (manifest, dtypes, metadata) was checked`,
      { member: MANIFEST, pointer: '/variant' },
    ),
  ];
}

function pipelineRules(ctx: RuleContext): Diagnostic[] {
  const root: Place = { member: VARIANT_CONFIG, pointer: '' };
  const out = checkSchema('variantPipeline', ctx.variantConfig ?? {}, root, 'PIPELINE_CONFIG_SCHEMA');
  pushAll(out, pipelineIoRules(ctx.manifest ?? {}));
  for (const m of ctx.members) {
    if (m.kind === 'file' && m.name.startsWith('variant_artifacts/')) {
      out.push(
        diag(
          'PIPELINE_VARIANT_ARTIFACTS',
          'warning',
          'a pipeline artifact must hold nothing under variant_artifacts/ (readers ignore it)',
          { member: m.name, pointer: '' },
        ),
      );
    }
  }
  const nodes = ctx.variantConfig?.nodes;
  if (Array.isArray(nodes)) pushAll(out, graphRules(nodes, ctx, child(root, 'nodes')));
  return out;
}

/** Only NDJSON crosses a pipeline's boundary. */
function pipelineIoRules(manifest: JsonObject): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const side of ['inputs', 'outputs'] as const) {
    const entries = manifest[side];
    if (!Array.isArray(entries)) continue;
    entries.forEach((e, i) => {
      if (isObject(e) && e.content_type === 'JSON') {
        out.push(
          diag('PIPELINE_JSON_IO', 'error', `${side} "${String(e.name)}" is JSON; a pipeline allows only NDJSON`, {
            member: MANIFEST,
            pointer: `/${side}/${i}/content_type`,
          }),
        );
      }
    });
  }
  return out;
}

/** Resolution, arity and binding order of the nodes, replayed over one flat namespace. */
function graphRules(nodes: Json[], ctx: RuleContext, at: Place): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ops = new Map<string, JsonObject>();
  for (const op of ctx.ops ?? []) if (isObject(op) && typeof op.id === 'string' && !ops.has(op.id)) ops.set(op.id, op);
  const names = (side: 'inputs' | 'outputs', from: JsonObject | undefined) =>
    Array.isArray(from?.[side]) ? (from![side] as Json[]).filter((n): n is string => typeof n === 'string') : [];
  const bound = new Map<string, string>();
  for (const io of ctx.manifest?.inputs instanceof Array ? ctx.manifest.inputs : []) {
    if (isObject(io) && typeof io.name === 'string') bound.set(io.name, 'a model input');
  }
  const laterOutputs = new Set(nodes.flatMap((n) => (isObject(n) ? names('outputs', n) : [])));
  const used = new Set<string>();
  nodes.forEach((node, i) => {
    if (!isObject(node)) return;
    const here = child(at, i);
    const op = typeof node.op_instance_id === 'string' ? ops.get(node.op_instance_id) : undefined;
    if (typeof node.op_instance_id === 'string') {
      used.add(node.op_instance_id);
      if (!op)
        out.push(
          diag(
            'PIPELINE_OP_UNRESOLVED',
            'error',
            `op_instance_id "${node.op_instance_id}" names no op instance in ops.json`,
            child(here, 'op_instance_id'),
          ),
        );
    }
    for (const side of ['inputs', 'outputs'] as const) {
      const want = Array.isArray(op?.[side]) ? (op![side] as Json[]).length : undefined;
      const have = Array.isArray(node[side]) ? (node[side] as Json[]).length : undefined;
      if (want !== undefined && have !== undefined && want !== have) {
        out.push(
          diag(
            'PIPELINE_ARITY',
            'error',
            `binds ${have} ${side}, but op "${String(node.op_instance_id)}" declares ${want}`,
            child(here, side),
          ),
        );
      }
    }
    names('inputs', node).forEach((name, k) => {
      if (bound.has(name)) return;
      const why = laterOutputs.has(name) ? 'it is bound only by a later node: nodes must be in execution order' : 'nothing binds it';
      out.push(diag('PIPELINE_UNBOUND_INPUT', 'error', `input "${name}" is not bound before node ${i}: ${why}`, child(here, 'inputs', k)));
    });
    names('outputs', node).forEach((name, k) => {
      const before = bound.get(name);
      if (before)
        out.push(
          diag(
            'PIPELINE_NAME_REBOUND',
            'error',
            `output "${name}" is already bound by ${before}; a name is bound once`,
            child(here, 'outputs', k),
          ),
        );
      else bound.set(name, `node ${i}`);
    });
  });
  for (const io of Array.isArray(ctx.manifest?.outputs) ? (ctx.manifest.outputs as Json[]) : []) {
    if (isObject(io) && typeof io.name === 'string' && !bound.has(io.name)) {
      out.push(diag('PIPELINE_OUTPUT_UNBOUND', 'error', `manifest output "${io.name}" is bound by no node`, at));
    }
  }
  for (const id of ops.keys()) {
    if (!used.has(id))
      out.push(diag('PIPELINE_OP_UNUSED', 'info', `op instance "${id}" is referenced by no node`, { member: 'ops.json', pointer: '' }));
  }
  return out;
}

function pyfuncRules(ctx: RuleContext): Diagnostic[] {
  const out = checkSchema('variantPyfunc', ctx.variantConfig ?? {}, { member: VARIANT_CONFIG, pointer: '' }, 'PYFUNC_CONFIG_SCHEMA');
  if (!hasFile(ctx, PYFUNC_ENTRY)) {
    out.push(
      diag('PYFUNC_ENTRY_MISSING', 'error', `a pyfunc artifact needs its entry module at ${PYFUNC_ENTRY}`, {
        member: PYFUNC_ENTRY,
        pointer: '',
      }),
    );
  }
  return out;
}
