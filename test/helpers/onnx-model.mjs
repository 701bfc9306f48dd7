/**
 * ONNX models built in code: ModelProto bytes written field by field with @bufbuild/protobuf's
 * BinaryWriter (field numbers from onnx.proto), and huge models whose tensor data is a hole in a
 * sparse file, so a 2 GiB initializer costs no disk. Plain JS so bench/ can build the same
 * models; the types are in onnx-model.d.mts.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

export const FLOAT = 1;
export const INT64 = 7;
export const DOUBLE = 11;
export const UINT8 = 2;
export const INT32 = 6;
export const STRING = 8;
export const BOOL = 9;
export const FLOAT16 = 10;

/** A model as the usual float32 [batch, 3] → [batch, 1] regression, overridable field by field. */
export function modelSpec(over = {}) {
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', 3] }],
    outputs: [{ name: 'y', elemType: FLOAT, shape: ['batch', 1] }],
    initializers: [],
    nodes: [{ opType: 'MatMul' }],
    ...over,
  };
}

export function encodeModel(spec) {
  return concat([modelHead(spec), lenField(7, graphBody(spec, spec.initializers ?? []))]);
}

function modelHead(spec) {
  const w = new BinaryWriter();
  if (spec.irVersion !== undefined) w.tag(1, WireType.Varint).int64(spec.irVersion);
  for (const o of spec.opsets ?? [])
    w.tag(8, WireType.LengthDelimited).bytes(
      new BinaryWriter().tag(1, WireType.LengthDelimited).string(o.domain).tag(2, WireType.Varint).int64(o.version).finish(),
    );
  return w.finish();
}

function graphBody(spec, initializers) {
  const w = new BinaryWriter();
  for (const n of spec.nodes ?? []) w.tag(1, WireType.LengthDelimited).bytes(nodeBody(n));
  w.tag(2, WireType.LengthDelimited).string('graph');
  for (const t of initializers) w.tag(5, WireType.LengthDelimited).bytes(tensor(t));
  for (const v of spec.inputs ?? []) w.tag(11, WireType.LengthDelimited).bytes(valueInfo(v));
  for (const v of spec.outputs ?? []) w.tag(12, WireType.LengthDelimited).bytes(valueInfo(v));
  return w.finish();
}

/** NodeProto: op_type, domain, and attributes holding subgraphs (g, as If's branches carry them) or a tensor (t, as Constant's value). */
function nodeBody(n) {
  const node = new BinaryWriter();
  // input (1) and output (2) names make a node the runtime can execute; the reader only needs op_type.
  for (const name of n.inputs ?? []) node.tag(1, WireType.LengthDelimited).string(name);
  for (const name of n.outputs ?? []) node.tag(2, WireType.LengthDelimited).string(name);
  node.tag(4, WireType.LengthDelimited).string(n.opType);
  for (const [name, value] of Object.entries(n.ints ?? {})) {
    // AttributeProto: name (1), i (3), type (20) = INT (2).
    const attr = new BinaryWriter().tag(1, WireType.LengthDelimited).string(name).tag(3, WireType.Varint).int64(value);
    node.tag(5, WireType.LengthDelimited).bytes(attr.tag(20, WireType.Varint).int32(2).finish());
  }
  for (const [k, g] of (n.subgraphs ?? []).entries()) {
    const attr = new BinaryWriter()
      .tag(1, WireType.LengthDelimited)
      .string(`branch${k}`)
      .tag(6, WireType.LengthDelimited)
      .bytes(graphBody(g, g.initializers ?? []));
    node.tag(5, WireType.LengthDelimited).bytes(attr.finish());
  }
  for (const [name, g] of Object.entries(n.graphs ?? {})) {
    // AttributeProto: name (1), g (6), type (20) = GRAPH (5): how Loop holds its body.
    const attr = new BinaryWriter().tag(1, WireType.LengthDelimited).string(name).tag(6, WireType.LengthDelimited);
    node.tag(5, WireType.LengthDelimited).bytes(
      attr
        .bytes(graphBody(g, g.initializers ?? []))
        .tag(20, WireType.Varint)
        .int32(5)
        .finish(),
    );
  }
  if (n.tensor)
    node
      .tag(5, WireType.LengthDelimited)
      .bytes(
        new BinaryWriter()
          .tag(1, WireType.LengthDelimited)
          .string('value')
          .tag(5, WireType.LengthDelimited)
          .bytes(tensor(n.tensor))
          .finish(),
      );
  if (n.domain !== undefined) node.tag(7, WireType.LengthDelimited).string(n.domain);
  return node.finish();
}

function tensor(t) {
  const w = new BinaryWriter();
  for (const d of t.dims ?? []) w.tag(1, WireType.Varint).int64(d);
  w.tag(2, WireType.Varint)
    .int32(t.dataType ?? FLOAT)
    .tag(8, WireType.LengthDelimited)
    .string(t.name);
  if (t.raw) w.tag(9, WireType.LengthDelimited).bytes(t.raw);
  if (t.external) {
    const entries = [['location', t.external.location]];
    if (t.external.offset !== undefined) entries.push(['offset', String(t.external.offset)]);
    if (t.external.length !== undefined) entries.push(['length', String(t.external.length)]);
    for (const [k, v] of entries) {
      w.tag(13, WireType.LengthDelimited).bytes(
        new BinaryWriter().tag(1, WireType.LengthDelimited).string(k).tag(2, WireType.LengthDelimited).string(v).finish(),
      );
    }
    w.tag(14, WireType.Varint).int32(1);
  }
  return w.finish();
}

function valueInfo(v) {
  const head = new BinaryWriter().tag(1, WireType.LengthDelimited).string(v.name);
  if (v.kind === 'sequence') {
    // sequence_type (4) of a float tensor: what classifier exports' ZipMap outputs look like.
    const elem = new BinaryWriter()
      .tag(1, WireType.LengthDelimited)
      .bytes(new BinaryWriter().tag(1, WireType.Varint).int32(v.elemType).finish())
      .finish();
    const seq = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(elem).finish();
    return head.tag(2, WireType.LengthDelimited).bytes(new BinaryWriter().tag(4, WireType.LengthDelimited).bytes(seq).finish()).finish();
  }
  const tensorType = new BinaryWriter().tag(1, WireType.Varint).int32(v.elemType);
  if (v.shape) {
    const shape = new BinaryWriter();
    for (const d of v.shape) {
      const dim = new BinaryWriter();
      if (typeof d === 'number' || typeof d === 'bigint') dim.tag(1, WireType.Varint).int64(d);
      else if (typeof d === 'string') dim.tag(2, WireType.LengthDelimited).string(d);
      shape.tag(1, WireType.LengthDelimited).bytes(dim.finish());
    }
    tensorType.tag(2, WireType.LengthDelimited).bytes(shape.finish());
  }
  const type = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(tensorType.finish()).finish();
  return head.tag(2, WireType.LengthDelimited).bytes(type).finish();
}

function lenField(fieldNo, body) {
  return new BinaryWriter().tag(fieldNo, WireType.LengthDelimited).bytes(body).finish();
}

function lenHeader(fieldNo, length) {
  return new BinaryWriter().tag(fieldNo, WireType.LengthDelimited).uint64(length).finish();
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A model whose initializers each carry `rawSize` bytes of raw_data, laid out as pieces: only
 * the field headers are bytes, the tensor data are holes.
 */
export function hugeModelPieces(spec, count, rawSize, dims) {
  // The spec's own (small) initializers stay inline; the huge ones follow the graph's head.
  const graphHead = graphBody(spec, spec.initializers ?? []);
  const tensors = [];
  let tensorsSize = 0;
  for (let i = 0; i < count; i++) {
    const head = concat([tensor({ name: `w${i}`, dims }), lenHeader(9, rawSize)]);
    const field = lenHeader(5, head.length + rawSize);
    tensors.push(field, head, rawSize);
    tensorsSize += field.length + head.length + rawSize;
  }
  const graphLength = graphHead.length + tensorsSize;
  const pieces = [modelHead(spec), lenHeader(7, graphLength), graphHead, ...tensors];
  return { pieces, size: pieces.reduce((n, p) => n + (typeof p === 'number' ? p : p.length), 0) };
}

/** Writes pieces at `offset` of an open file; holes are skipped (the caller truncates to size). */
export function writePieces(fd, offset, pieces) {
  let at = offset;
  for (const p of pieces) {
    if (typeof p === 'number') at += p;
    else {
      writeSync(fd, p, 0, p.length, at);
      at += p.length;
    }
  }
  return at;
}

/** A sparse model file: `count` initializers of `rawSize` bytes each, almost no disk used. */
export function writeHugeModel(path, spec, count, rawSize) {
  const { pieces, size } = hugeModelPieces(spec, count, rawSize);
  const fd = openSync(path, 'w');
  try {
    writePieces(fd, 0, pieces);
    ftruncateSync(fd, size);
    return size;
  } finally {
    closeSync(fd);
  }
}
