/**
 * validate --run in the browser: the same checks (src/run) over onnxruntime-web, which the caller
 * loads and passes in (the page imports it lazily, from where `fnnx-kit page` serves it), so this
 * entry neither bundles nor requires it. The models are read from the member store: a file, or a
 * URL by ranges.
 */
import type { MemberStore } from '../artifact/member-store.js';
import { readArtifact } from '../artifact/reader.js';
import { opFiles } from '../run/op-files.js';
import { DEFAULT_RUN_LIMITS } from '../run/run-limits.js';
import { runChecks, type RunOp, type RunRuntime, type RunSession } from '../run/run-pipeline.js';
import { zeroData, type DimBindings } from '../run/run-values.js';
import type { Diagnostic } from '../validate/diagnostics.js';

/** A tensor as onnxruntime-web makes it (onnxruntime-common's Tensor, what the checks read of it). */
export interface OrtWebTensor {
  readonly type: string;
  readonly dims: readonly number[];
}

/** What the checks use of onnxruntime-web's namespace (`import * as ort from 'onnxruntime-web/wasm'`). */
export interface OrtWeb {
  readonly env: { readonly versions: { readonly common: string; readonly web?: string } };
  readonly InferenceSession: {
    create(
      model: Uint8Array,
      options?: {
        externalData?: ReadonlyArray<{ path: string; data: Uint8Array }>;
        executionProviders?: string[];
        logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
      },
    ): Promise<RunSession<OrtWebTensor>>;
  };
  readonly Tensor: new (type: 'float32', data: ReturnType<typeof zeroData>, dims: readonly number[]) => OrtWebTensor;
}

export interface RunCheckWebOptions {
  /** Symbolic dimension name → extent of the synthetic inputs (default 1). */
  dims?: DimBindings;
  /** Largest op (model.onnx plus the files beside it) read, in bytes (default 2 GiB). */
  maxRunModel?: number;
  /** Stops between steps (a session being built in WebAssembly cannot be interrupted). */
  signal?: AbortSignal;
}

/** Loads every ONNX_v1 op of the artifact in onnxruntime-web and runs its pipeline once: the findings `validate --run` gives. */
export async function runCheckWeb(store: MemberStore, ort: OrtWeb, options: RunCheckWebOptions = {}): Promise<Diagnostic[]> {
  options.signal?.throwIfAborted();
  const contents = await readArtifact(store, { signal: options.signal });
  const maxRunModel = options.maxRunModel ?? DEFAULT_RUN_LIMITS.maxRunModel;
  const runtime: RunRuntime<OrtWebTensor> = {
    name: `onnxruntime-web ${ort.env.versions.web ?? ort.env.versions.common}`,
    async load(op: RunOp) {
      const { folder, model, members } = opFiles(op, contents.fileIndex, maxRunModel);
      // External data is handed over by the path the model names, relative to its folder.
      const externalData = [];
      for (const m of members) if (m !== model) externalData.push({ path: m.slice(folder.length), data: await store.read(m) });
      return ort.InferenceSession.create(await store.read(model), { externalData, executionProviders: ['wasm'], logSeverityLevel: 3 });
    },
    zeros: (type, dims) =>
      new ort.Tensor(
        type as 'float32',
        zeroData(
          type,
          dims.reduce((a, b) => a * b, 1),
        ),
        dims,
      ),
    facts: (t) => ({ type: t.type, dims: t.dims }),
  };
  const docs = { manifest: contents.manifest, ops: contents.ops, variantConfig: contents.variantConfig };
  return runChecks(docs, runtime, { dims: options.dims, onStep: () => options.signal?.throwIfAborted() });
}
