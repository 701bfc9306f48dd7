/**
 * validate --run's checks, over any ONNX Runtime (onnxruntime-node in a child process, or
 * onnxruntime-web in the page): a session for every ONNX_v1 op, compared with its declarations;
 * then the pipeline run once as the FNNX runtime runs it (synthetic inputs, each node fed by the
 * outputs variant_config.json wires to it, every value checked against its declaration).
 */
import { isObject, type Json } from '../artifact/json-member.js';
import { MANIFEST, OPS, VARIANT_CONFIG } from '../artifact/root-files.js';
import { child, diag, type Diagnostic, type Place } from '../validate/diagnostics.js';
import {
  portOf,
  runtimeTypeOf,
  shapeText,
  syntheticDims,
  valueProblem,
  type DimBindings,
  type Port,
  type TensorFacts,
} from './run-values.js';

/** An input or output as the runtime's session describes it (onnxruntime-common's ValueMetadata). */
export interface RuntimeValueInfo {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  /** Empty when the model gives no shape. */
  readonly shape?: ReadonlyArray<number | string>;
}

export interface RunSession<T> {
  readonly inputMetadata: readonly RuntimeValueInfo[];
  readonly outputMetadata: readonly RuntimeValueInfo[];
  run(feeds: Record<string, T>): Promise<Record<string, T>>;
  release(): Promise<void>;
}

/** What the checks need of a runtime; `load` throws (with the runtime's own message) when it refuses the model. */
export interface RunRuntime<T> {
  /** Named in the summary, e.g. "onnxruntime-node 1.31.1". */
  readonly name: string;
  load(op: RunOp): Promise<RunSession<T>>;
  /** A tensor of zeros (false, empty strings) of the runtime type and dims. */
  zeros(type: string, dims: number[]): T;
  facts(value: T): TensorFacts;
}

/** A refusal that is a finding of its own (a model over the size limit), not the runtime's error. */
export class RunRefusal extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export interface RunOp {
  id: string;
  /** Its place in ops.json. */
  at: Place;
  inputs: Array<Port | undefined>;
  outputs: Array<Port | undefined>;
}

export interface RunDocs {
  manifest: Json | undefined;
  ops: Json | undefined;
  variantConfig: Json | undefined;
}

export interface RunOptions {
  dims?: DimBindings;
  /** Called before each step with every finding so far, so whoever bounds the run can say where it stopped and keep what was found. */
  onStep?: (what: string, found: readonly Diagnostic[]) => void;
}

/** The runtime's message as one finding's text: whitespace runs folded, and bounded (some are pages of C++ signatures). */
export function runtimeMessage(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

export async function runChecks<T>(docs: RunDocs, runtime: RunRuntime<T>, options: RunOptions = {}): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const step = (what: string) => options.onStep?.(what, out);
  const ops = onnxOps(docs.ops, out);
  const sessions = new Map<string, RunSession<T>>();
  const tally = { ran: 0, nodes: 0 };
  try {
    for (const op of ops.values()) {
      step(`loading op "${op.id}"`);
      try {
        const session = await runtime.load(op);
        sessions.set(op.id, session);
        out.push(...ioRules(op, session));
      } catch (e) {
        if (e instanceof RunRefusal) out.push(e.diagnostic);
        else out.push(diag('RUN_LOAD_FAILED', 'error', `ONNX Runtime cannot load op "${op.id}": ${runtimeMessage(e)}`, op.at));
      }
    }
    const variant = isObject(docs.manifest) ? docs.manifest.variant : undefined;
    if (variant !== 'pipeline') {
      const what = typeof variant === 'string' ? `variant "${variant}"` : 'the variant';
      out.push(
        diag('RUN_NOT_RUN', 'info', `${what} is not a pipeline: its ONNX ops were loaded, but nothing was run end to end`, {
          member: MANIFEST,
          pointer: '/variant',
        }),
      );
    } else {
      step('running the pipeline');
      await runPipeline(docs, ops, sessions, runtime, options.dims ?? {}, out, step, tally);
    }
  } finally {
    for (const s of sessions.values()) await s.release().catch(() => {});
  }
  const ran = tally.nodes ? `, and ran ${tally.ran} of the pipeline's ${tally.nodes} node(s)` : '';
  out.push(
    diag('RUN_SUMMARY', 'info', `${runtime.name} loaded ${sessions.size} of ${ops.size} ONNX_v1 op(s)${ran}`, {
      member: null,
      pointer: '',
    }),
  );
  return out;
}

/** The ONNX_v1 ops by id; any other op type is a note (the runtime here runs ONNX only). */
function onnxOps(ops: Json | undefined, out: Diagnostic[]): Map<string, RunOp> {
  const found = new Map<string, RunOp>();
  if (!Array.isArray(ops)) return found;
  ops.forEach((op, i) => {
    if (!isObject(op) || typeof op.id !== 'string' || found.has(op.id)) return;
    const at = { member: OPS, pointer: `/${i}` };
    if (op.op !== 'ONNX_v1') {
      const type = typeof op.op === 'string' ? `"${op.op}"` : 'an unnamed type';
      out.push(diag('RUN_NOT_RUN', 'info', `op "${op.id}" is of type ${type}, and only ONNX_v1 ops are run here: it was not run`, at));
      return;
    }
    const ports = (side: Json | undefined) => (Array.isArray(side) ? side.map((p) => portOf(p)) : []);
    found.set(op.id, { id: op.id, at, inputs: ports(op.inputs), outputs: ports(op.outputs) });
  });
  return found;
}

/** The session's inputs and outputs against the op's: count, element type, rank, fixed extents. */
function ioRules(op: RunOp, session: RunSession<unknown>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const side of ['inputs', 'outputs'] as const) {
    const declared = op[side];
    const seen = side === 'inputs' ? session.inputMetadata : session.outputMetadata;
    const where = child(op.at, side);
    if (declared.length !== seen.length) {
      out.push(
        diag(
          'RUN_IO_MISMATCH',
          'error',
          `op "${op.id}" declares ${declared.length} ${side}, but ONNX Runtime sees ${seen.length}: ${seen.map((v) => JSON.stringify(v.name)).join(', ') || 'none'}`,
          where,
        ),
      );
    }
    for (let k = 0; k < Math.min(declared.length, seen.length); k++) {
      const problem = declared[k] && metadataProblem(declared[k]!, seen[k]!);
      if (problem) out.push(diag('RUN_IO_MISMATCH', 'error', `op "${op.id}": ONNX Runtime sees ${problem}`, child(where, k)));
    }
  }
  return out;
}

function metadataProblem(port: Port, seen: RuntimeValueInfo): string | undefined {
  const name = JSON.stringify(seen.name);
  if (!seen.isTensor) return `${name} as a value that is not a tensor, declared ${port.dtype}`;
  const want = runtimeTypeOf(port.dtype);
  if (want !== undefined && seen.type !== undefined && seen.type !== want) return `${name} as ${seen.type}, declared ${port.dtype}`;
  const shape = seen.shape ?? [];
  // An empty shape is how the runtime says "no shape": nothing to compare.
  if (shape.length === 0) return undefined;
  if (shape.length !== port.shape.length)
    return `${name} with rank ${shape.length} (${shapeText(shape)}), declared ${shapeText(port.shape)}`;
  for (let k = 0; k < shape.length; k++) {
    const d = port.shape[k];
    const s = shape[k];
    if (typeof d === 'number' && typeof s === 'number' && s >= 0 && s !== d) {
      return `${name} with extent ${s} on axis ${k} (${shapeText(shape)}), declared ${shapeText(port.shape)}`;
    }
  }
  return undefined;
}

interface Node {
  opId: string;
  inputs: string[];
  outputs: string[];
  at: Place;
}

function nodesOf(config: Json | undefined): Node[] {
  const nodes = isObject(config) && Array.isArray(config.nodes) ? config.nodes : [];
  const names = (v: Json | undefined) => (Array.isArray(v) ? v.filter((n): n is string => typeof n === 'string') : []);
  const out: Node[] = [];
  nodes.forEach((n, i) => {
    if (isObject(n) && typeof n.op_instance_id === 'string') {
      out.push({
        opId: n.op_instance_id,
        inputs: names(n.inputs),
        outputs: names(n.outputs),
        at: { member: VARIANT_CONFIG, pointer: `/nodes/${i}` },
      });
    }
  });
  return out;
}

async function runPipeline<T>(
  docs: RunDocs,
  ops: Map<string, RunOp>,
  sessions: Map<string, RunSession<T>>,
  runtime: RunRuntime<T>,
  dims: DimBindings,
  out: Diagnostic[],
  step: (what: string) => void,
  tally: { ran: number; nodes: number },
): Promise<void> {
  const nodes = nodesOf(docs.variantConfig);
  tally.nodes = nodes.length;
  const values = new Map<string, T>();
  const manifest = isObject(docs.manifest) ? docs.manifest : {};
  (Array.isArray(manifest.inputs) ? manifest.inputs : []).forEach((io, i) => {
    if (!isObject(io) || typeof io.name !== 'string') return;
    const port = feedPort(io.name, portOf(io), nodes, ops);
    const type = port && runtimeTypeOf(port.dtype);
    if (!port || !type) {
      out.push(
        diag('RUN_NOT_RUN', 'info', `input "${io.name}" is not an Array[...] value of known shape, so no synthetic value was made for it`, {
          member: MANIFEST,
          pointer: `/inputs/${i}`,
        }),
      );
      return;
    }
    values.set(io.name, runtime.zeros(type, syntheticDims(port.shape, dims)));
  });
  for (const node of nodes) {
    const op = ops.get(node.opId);
    const session = sessions.get(node.opId);
    const missing = node.inputs.filter((name) => !values.has(name));
    if (!op || !session || missing.length) {
      const why = !op
        ? `op "${node.opId}" is not an ONNX_v1 op run here`
        : !session
          ? `op "${node.opId}" did not load`
          : `no value reached ${missing.map((n) => `"${n}"`).join(', ')}`;
      out.push(diag('RUN_NOT_RUN', 'info', `node of op "${node.opId}" was not run: ${why}`, node.at));
      continue;
    }
    const feeds: Record<string, T> = {};
    let refused = false;
    node.inputs.forEach((name, k) => {
      const value = values.get(name)!;
      const port = op.inputs[k];
      const problem = port && valueProblem(port, runtime.facts(value));
      if (problem) {
        refused = true;
        out.push(
          diag('RUN_INPUT_MISMATCH', 'error', `"${name}" reaches op "${node.opId}" input ${k} as ${problem}`, child(node.at, 'inputs', k)),
        );
      }
      const seen = session.inputMetadata[k];
      if (seen) feeds[seen.name] = value;
    });
    if (refused) continue;
    step(`running op "${node.opId}"`);
    let results: Record<string, T>;
    try {
      results = await session.run(feeds);
    } catch (e) {
      out.push(diag('RUN_FAILED', 'error', `ONNX Runtime failed running op "${node.opId}": ${runtimeMessage(e)}`, node.at));
      continue;
    }
    tally.ran++;
    node.outputs.forEach((name, k) => {
      const seen = session.outputMetadata[k];
      const value = seen && results[seen.name];
      if (value === undefined) return;
      values.set(name, value);
      const port = op.outputs[k];
      const problem = port && valueProblem(port, runtime.facts(value));
      if (problem) {
        out.push(
          diag('RUN_OUTPUT_MISMATCH', 'error', `op "${node.opId}" output ${k} ("${name}") is ${problem}`, child(op.at, 'outputs', k)),
        );
      }
    });
  }
  (Array.isArray(manifest.outputs) ? manifest.outputs : []).forEach((io, i) => {
    if (!isObject(io) || typeof io.name !== 'string') return;
    const value = values.get(io.name);
    const port = portOf(io);
    if (value === undefined || !port) return;
    const problem = manifestOutputProblem(port, runtime.facts(value));
    if (problem) {
      out.push(diag('RUN_OUTPUT_MISMATCH', 'error', `output "${io.name}" is ${problem}`, { member: MANIFEST, pointer: `/outputs/${i}` }));
    }
  });
}

/**
 * A manifest output against its declaration. The reference tools write `shape: []` on a manifest
 * entry to leave the shape open (their own corpus declares `[]` for a [batch, 1] output), and the
 * pipeline spec checks values per op, not against the manifest: an empty shape checks the dtype only.
 */
function manifestOutputProblem(port: Port, facts: TensorFacts): string | undefined {
  return valueProblem(port.shape.length === 0 ? { ...port, shape: [...facts.dims] } : port, facts);
}

/**
 * What a pipeline input is synthesized as: the declaration of the first op input it feeds (the
 * runtime checks values per op), else the manifest's.
 */
function feedPort(name: string, declared: Port | undefined, nodes: Node[], ops: Map<string, RunOp>): Port | undefined {
  for (const node of nodes) {
    const k = node.inputs.indexOf(name);
    const port = k >= 0 ? ops.get(node.opId)?.inputs[k] : undefined;
    if (port) return port;
  }
  return declared;
}
