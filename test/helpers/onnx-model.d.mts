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
  /** number = fixed extent, string = symbolic, null = unnamed unknown axis. */
  shape?: Array<number | string | null>;
  /** Default a tensor; 'sequence' writes a sequence of `elemType` tensors. */
  kind?: 'tensor' | 'sequence';
}

export interface NodeSpec {
  opType: string;
  domain?: string;
  /** Graphs held by attributes (as If's then/else branches): their nodes count as the model's operators. */
  subgraphs?: ModelSpec[];
  /** A tensor held by an attribute (as Constant's value). */
  tensor?: TensorSpec;
}

export interface TensorSpec {
  name: string;
  /** Inline bytes (raw_data). */
  raw?: Uint8Array;
  /** Data stored outside the model (data_location = EXTERNAL). */
  external?: { location: string; offset?: number; length?: number };
}

export interface ModelSpec {
  irVersion?: number;
  opsets?: Array<{ domain: string; version: number }>;
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
/** A model with `count` initializers of `rawSize` bytes each, as pieces whose tensor data are holes. */
export declare function hugeModelPieces(spec: ModelSpec, count: number, rawSize: number): { pieces: Piece[]; size: number };
/** Writes pieces at `offset` of an open file, skipping holes; returns the end offset. */
export declare function writePieces(fd: number, offset: number, pieces: Piece[]): number;
/** A sparse model file; returns its size. */
export declare function writeHugeModel(path: string, spec: ModelSpec, count: number, rawSize: number): number;
