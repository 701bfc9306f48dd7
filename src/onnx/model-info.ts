/**
 * What a validator needs from an ONNX model, read from its wire format without loading weights:
 * ir_version, opset imports, graph inputs/outputs with element types and dimensions, initializer
 * names, external data references, and the operators the nodes use (walking the subgraphs that
 * node attributes hold, as If, Loop and Scan carry them). Initializers and other large fields are
 * skipped by range, so the cost is a few small reads per tensor, whatever its size.
 */
import type { ByteSource } from '../source/byte-source.js';
import { asInt64, WireReader, WireType } from './wire-reader.js';
import { WireWindow, type WireField } from './wire-window.js';

export interface OnnxOpset {
  /** As the model writes it; the empty string means the default domain `ai.onnx`. */
  domain: string;
  version: number;
}

export interface OnnxValueInfo {
  name: string;
  /** Which TypeProto case the value has; only tensors carry an element type and a shape. */
  kind: 'tensor' | 'sequence' | 'map' | 'optional' | 'sparse_tensor' | 'unknown';
  elemType?: number;
  /** One entry per axis: a fixed extent, a symbolic name, or null for an unnamed unknown axis. Absent when the model gives no shape. */
  shape?: Array<number | string | null>;
}

export interface OnnxExternalData {
  tensor: string;
  location: string;
  offset?: number;
  length?: number;
}

export interface OnnxModelInfo {
  irVersion?: number;
  opsets: OnnxOpset[];
  /** All graph inputs, initializer-backed ones included (see `initializers`). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: Set<string>;
  externalData: OnnxExternalData[];
  /** domain (empty = ai.onnx) → operator types used by the graph's nodes, subgraphs (If, Loop, Scan bodies) included. */
  operators: Map<string, Set<string>>;
}

export interface OnnxReadOptions {
  member?: string;
  /** Bytes fetched per window when hopping over fields (default 4 KiB). */
  windowSize?: number;
  /** Largest small message (a value info, an opset, a node) read whole into memory. */
  maxSmallMessage?: number;
  signal?: AbortSignal;
}

// Field numbers from onnx.proto.
const MODEL = { irVersion: 1, graph: 7, opsetImport: 8 } as const;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, sparseInitializer: 15 } as const;
const NODE = { opType: 4, attribute: 5, domain: 7 } as const;
/** AttributeProto fields that hold tensors (t, tensors) or graphs (g, graphs). */
const ATTRIBUTE = { tensor: 5, graph: 6, tensors: 10, graphs: 11 } as const;
/** Subgraphs nest a few levels in real models; far deeper nesting is a crafted file. */
const MAX_GRAPH_DEPTH = 64;
const TENSOR = { name: 8, externalData: 13, dataLocation: 14 } as const;
const EXTERNAL = 1;

/** Reads the model held in `[offset, offset + size)` of `source`. */
export async function readOnnxModel(
  source: ByteSource,
  offset: number,
  size: number,
  options: OnnxReadOptions = {},
): Promise<OnnxModelInfo> {
  const w = new WireWindow(source, offset, offset + size, options.member ?? 'model.onnx', options.windowSize, options.signal);
  const ctx: Ctx = { w, maxSmall: options.maxSmallMessage ?? 1 << 20 };
  const info: OnnxModelInfo = { opsets: [], inputs: [], outputs: [], initializers: new Set(), externalData: [], operators: new Map() };
  await w.each(offset, offset + size, (f) => {
    if (f.fieldNo === MODEL.irVersion && f.varint !== undefined) info.irVersion = safeInt(ctx, f.start, 'ir_version', asInt64(f.varint));
    else if (f.fieldNo === MODEL.opsetImport && isLen(f)) return small(ctx, f, (b) => void info.opsets.push(parseOpset(b)));
    else if (f.fieldNo === MODEL.graph && isLen(f)) return readGraph(ctx, f, info);
  });
  return info;
}

interface Ctx {
  w: WireWindow;
  maxSmall: number;
}

/**
 * The main graph (depth 0) gives the model's inputs, outputs and initializers; a subgraph only
 * adds the operators its nodes use and the external data its tensors reference.
 */
async function readGraph(ctx: Ctx, graph: WireField, info: OnnxModelInfo, depth = 0): Promise<void> {
  if (depth > MAX_GRAPH_DEPTH) throw ctx.w.malformed(graph.start, `subgraphs nested more than ${MAX_GRAPH_DEPTH} deep`);
  const main = depth === 0;
  await ctx.w.each(graph.start, graph.end, (f) => {
    if (!isLen(f)) return;
    switch (f.fieldNo) {
      case GRAPH.input:
        return main ? small(ctx, f, (b) => void info.inputs.push(parseValueInfo(b))) : undefined;
      case GRAPH.output:
        return main ? small(ctx, f, (b) => void info.outputs.push(parseValueInfo(b))) : undefined;
      case GRAPH.initializer:
        return readTensorHead(ctx, f, info, main);
      case GRAPH.sparseInitializer:
        // SparseTensorProto.values (field 1) is the TensorProto whose name the initializer has.
        return ctx.w.each(f.start, f.end, (g) => (g.fieldNo === 1 && isLen(g) ? readTensorHead(ctx, g, info, main) : undefined));
      case GRAPH.node:
        return readNode(ctx, f, info, depth);
    }
  });
}

/** A tensor's name and external data references; its data fields are hopped over. Only the main graph's initializers are named in `initializers`. */
async function readTensorHead(ctx: Ctx, tensor: WireField, info: OnnxModelInfo, initializer: boolean): Promise<void> {
  let name = '';
  let external = false;
  const refs: Array<Map<string, string>> = [];
  await ctx.w.each(tensor.start, tensor.end, (f) => {
    if (f.fieldNo === TENSOR.name && isLen(f)) return small(ctx, f, (b) => void (name = decode(b)));
    else if (f.fieldNo === TENSOR.dataLocation && f.varint !== undefined) external = f.varint === EXTERNAL;
    else if (f.fieldNo === TENSOR.externalData && isLen(f)) return small(ctx, f, (b) => void refs.push(parseStringEntry(b)));
  });
  if (initializer) info.initializers.add(name);
  if (!external) return;
  const entries = new Map(refs.flatMap((m) => [...m]));
  const num = (k: string) => {
    const text = entries.get(k);
    if (text === undefined) return undefined;
    // A decimal string past 2^53 would round to another offset: refused, as varints are.
    if (/^[0-9]+$/.test(text) && !Number.isSafeInteger(Number(text)))
      throw ctx.w.outOfRange(tensor.start, `the external data ${k} of tensor "${name}"`, BigInt(text));
    return Number(text);
  };
  info.externalData.push({ tensor: name, location: entries.get('location') ?? '', offset: num('offset'), length: num('length') });
}

async function readNode(ctx: Ctx, node: WireField, info: OnnxModelInfo, depth: number): Promise<void> {
  let opType = '';
  let domain = '';
  // A node is usually small; a Constant node can embed a big tensor, so walk it field by field.
  await ctx.w.each(node.start, node.end, (f) => {
    if (f.fieldNo === NODE.opType && isLen(f)) return small(ctx, f, (b) => void (opType = decode(b)));
    else if (f.fieldNo === NODE.domain && isLen(f)) return small(ctx, f, (b) => void (domain = decode(b)));
    else if (f.fieldNo === NODE.attribute && isLen(f)) return readAttribute(ctx, f, info, depth);
  });
  let ops = info.operators.get(domain);
  if (!ops) info.operators.set(domain, (ops = new Set()));
  ops.add(opType);
}

/** An attribute's subgraphs (their operators count as the model's) and tensors (which may be stored externally). */
function readAttribute(ctx: Ctx, attribute: WireField, info: OnnxModelInfo, depth: number): Promise<void> {
  return ctx.w.each(attribute.start, attribute.end, (f) => {
    if (!isLen(f)) return;
    if (f.fieldNo === ATTRIBUTE.graph || f.fieldNo === ATTRIBUTE.graphs) return readGraph(ctx, f, info, depth + 1);
    if (f.fieldNo === ATTRIBUTE.tensor || f.fieldNo === ATTRIBUTE.tensors) return readTensorHead(ctx, f, info, false);
  });
}

function isLen(f: WireField): boolean {
  return f.wireType === WireType.LengthDelimited;
}

/**
 * Hands a small field's bytes to `use`: at once when the window holds them, else after one read.
 * A sub-message that does not parse makes the model malformed.
 */
function small(ctx: Ctx, f: WireField, use: (bytes: Uint8Array) => void): void | Promise<void> {
  if (f.end - f.start > ctx.maxSmall) {
    throw ctx.w.malformed(f.start, `field ${f.fieldNo} is ${f.end - f.start} bytes, more than the ${ctx.maxSmall} expected of it`);
  }
  const held = ctx.w.bytesAt(f.start, f.end);
  return held ? parseSmall(ctx, f, held, use) : ctx.w.bytes(f.start, f.end).then((bytes) => parseSmall(ctx, f, bytes, use));
}

function parseSmall(ctx: Ctx, f: WireField, bytes: Uint8Array, use: (bytes: Uint8Array) => void): void {
  try {
    use(bytes);
  } catch (e) {
    if (e instanceof IntOutOfRange) throw ctx.w.outOfRange(f.start, e.what, e.value);
    if (!(e instanceof RangeError)) throw e;
    throw ctx.w.malformed(f.start, e.message);
  }
}

/** An int64 outside ±(2^53 − 1) met inside a small message; parseSmall says where. */
class IntOutOfRange extends Error {
  constructor(
    readonly what: string,
    readonly value: bigint,
  ) {
    super(`${what} is ${value}`);
  }
}

function exact(what: string, v: number | bigint): number {
  if (typeof v === 'bigint') throw new IntOutOfRange(what, v);
  return v;
}

function safeInt(ctx: Ctx, pos: number, what: string, v: number | bigint): number {
  if (typeof v === 'bigint') throw ctx.w.outOfRange(pos, what, v);
  return v;
}

const utf8 = new TextDecoder();
function decode(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Walks an in-memory message, handing each field to `on`; unhandled fields are skipped. */
function eachField(bytes: Uint8Array, on: (fieldNo: number, wireType: number, r: WireReader) => boolean): void {
  const r = new WireReader(bytes);
  while (!r.done) {
    const tag = r.tag();
    if (!on(tag >>> 3, tag & 7, r)) r.skip(tag & 7);
  }
}

function parseOpset(bytes: Uint8Array): OnnxOpset {
  const out: OnnxOpset = { domain: '', version: 0 };
  eachField(bytes, (n, t, r) => {
    if (n === 1 && t === WireType.LengthDelimited) out.domain = r.string();
    else if (n === 2 && t === WireType.Varint) out.version = exact('an opset version', r.int64());
    else return false;
    return true;
  });
  return out;
}

function parseStringEntry(bytes: Uint8Array): Map<string, string> {
  let key = '';
  let value = '';
  eachField(bytes, (n, t, r) => {
    if (t !== WireType.LengthDelimited || (n !== 1 && n !== 2)) return false;
    if (n === 1) key = r.string();
    else value = r.string();
    return true;
  });
  return new Map([[key, value]]);
}

const TYPE_CASES: Record<number, OnnxValueInfo['kind']> = { 1: 'tensor', 4: 'sequence', 5: 'map', 8: 'sparse_tensor', 9: 'optional' };

function parseValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const out: OnnxValueInfo = { name: '', kind: 'unknown' };
  eachField(bytes, (n, t, r) => {
    if (t !== WireType.LengthDelimited) return false;
    if (n === 1) out.name = r.string();
    else if (n === 2) Object.assign(out, parseType(r.bytes()));
    else return false;
    return true;
  });
  return out;
}

function parseType(bytes: Uint8Array): Partial<OnnxValueInfo> {
  const out: Partial<OnnxValueInfo> = {};
  eachField(bytes, (n, t, r) => {
    const kind = TYPE_CASES[n];
    if (!kind || t !== WireType.LengthDelimited) return false;
    out.kind = kind;
    const body = r.bytes();
    if (kind === 'tensor' || kind === 'sparse_tensor') Object.assign(out, parseTensorType(body));
    return true;
  });
  return out;
}

function parseTensorType(bytes: Uint8Array): Partial<OnnxValueInfo> {
  const out: Partial<OnnxValueInfo> = {};
  eachField(bytes, (n, t, r) => {
    if (n === 1 && t === WireType.Varint) out.elemType = r.int32();
    else if (n === 2 && t === WireType.LengthDelimited) out.shape = parseShape(r.bytes());
    else return false;
    return true;
  });
  return out;
}

function parseShape(bytes: Uint8Array): Array<number | string | null> {
  const dims: Array<number | string | null> = [];
  eachField(bytes, (n, t, r) => {
    if (n !== 1 || t !== WireType.LengthDelimited) return false;
    let dim: number | string | null = null;
    eachField(r.bytes(), (m, u, d) => {
      if (m === 1 && u === WireType.Varint) dim = exact('a dimension', d.int64());
      else if (m === 2 && u === WireType.LengthDelimited) dim = d.string();
      else return false;
      return true;
    });
    dims.push(dim);
    return true;
  });
  return dims;
}
