/** The bound validate --run puts on what it reads into ONNX Runtime (`--limit maxRunModel=...`). */
export interface RunLimits {
  /** Bytes of one op's model.onnx plus the files beside it (external data); a larger op is refused before it is read. */
  maxRunModel: number;
}

// protobuf caps a model file at 2 GiB; past it the weights are external data, counted here too.
export const DEFAULT_RUN_LIMITS: RunLimits = { maxRunModel: 2 * 1024 ** 3 };
