/** Types for onnx-model.mjs (plain JS so the benchmarks can build the same models). */
export declare const FLOAT = 1;
export declare const INT64 = 7;
export declare const DOUBLE = 11;
export declare const UINT8 = 2;
export declare const INT32 = 6;
export declare const STRING = 8;
export declare const BOOL = 9;
export declare const FLOAT16 = 10;

export interface ValueSpec {
  name: string;
  elemType: number;
  /** number (or bigint, for int64 extents past 2^53) = fixed extent, string = symbolic, null = unnamed unknown axis. */
  shape?: Array<number | bigint | string | null>;
  /** Default a tensor; 'sequence' writes a sequence of `elemType` tensors. */
  kind?: 'tensor' | 'sequence';
}

export interface NodeSpec {
  opType: string;
  /** Value names the node reads and writes (what a runtime needs to execute it). */
  inputs?: string[];
  outputs?: string[];
  /** INT attributes, by name (as Cast's `to`, ReduceSum's `keepdims`). */
  ints?: Record<string, number>;
  domain?: string;
  /** Graphs held by attributes (as If's then/else branches): their nodes count as the model's operators. */
  subgraphs?: ModelSpec[];
  /** Graphs held by named attributes (as Loop's `body`), with their own inputs and outputs. */
  graphs?: Record<string, ModelSpec>;
  /** A tensor held by an attribute (as Constant's value). */
  tensor?: TensorSpec;
}

export interface TensorSpec {
  name: string;
  /** Element type (default FLOAT) and dimensions (default none: a scalar). */
  dataType?: number;
  dims?: number[];
  /** Inline bytes (raw_data). */
  raw?: Uint8Array;
  /** Data stored outside the model (data_location = EXTERNAL). */
  external?: { location: string; offset?: number | string; length?: number | string };
}

export interface ModelSpec {
  irVersion?: number | bigint;
  opsets?: Array<{ domain: string; version: number | bigint }>;
  inputs?: ValueSpec[];
  outputs?: ValueSpec[];
  initializers?: TensorSpec[];
  nodes?: NodeSpec[];
}

/** Bytes to write, or a run of zeros to leave as a hole. */
export type Piece = Uint8Array | number;

/** The usual float32 [batch, 3] → [batch, 1] model, overridable field by field. */
export declare function modelSpec(over?: Partial<ModelSpec>): ModelSpec;
export declare function encodeModel(spec: ModelSpec): Uint8Array;
/** A model with `count` initializers of `rawSize` bytes each, as pieces whose tensor data are holes (float32 of `dims` when given: a runtime can load them). */
export declare function hugeModelPieces(
  spec: ModelSpec,
  count: number,
  rawSize: number,
  dims?: number[],
): { pieces: Piece[]; size: number };
/** Writes pieces at `offset` of an open file, skipping holes; returns the end offset. */
export declare function writePieces(fd: number, offset: number, pieces: Piece[]): number;
/** A sparse model file; returns its size. */
export declare function writeHugeModel(path: string, spec: ModelSpec, count: number, rawSize: number): number;
