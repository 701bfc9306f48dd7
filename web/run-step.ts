/**
 * The Validation panel's Run step, loaded only when asked: onnxruntime-web's WebAssembly build
 * from `ort/` beside the page (`fnnx-kit page` serves it when onnxruntime-web is installed beside
 * fnnx-kit), then the checks `validate --run` makes.
 */
import { UsageError, runCheckWeb, type Diagnostic, type MemberStore, type OrtWeb } from '../src/web/index.js';

interface OrtWasm extends OrtWeb {
  env: OrtWeb['env'] & { wasm: { wasmPaths?: string; numThreads?: number } };
}

let loading: Promise<OrtWasm> | undefined;

async function loadRuntime(): Promise<OrtWasm> {
  const base = new URL('ort/', document.baseURI).href;
  let ort: OrtWasm;
  try {
    ort = (await import(/* @vite-ignore */ `${base}ort.wasm.min.mjs`)) as OrtWasm;
  } catch {
    throw new UsageError('RUN_RUNTIME_MISSING', 'the Run step needs onnxruntime-web, and this page does not serve it', {
      hint: 'install it beside fnnx-kit (npm install onnxruntime-web), then open the page with fnnx-kit page',
    });
  }
  ort.env.wasm.wasmPaths = base;
  // Threads need a cross-origin isolated page, which would block the presigned URLs the page reads.
  ort.env.wasm.numThreads = 1;
  return ort;
}

/** The findings of loading every ONNX op of the artifact and running its pipeline once. */
export async function runInPage(store: MemberStore, signal: AbortSignal): Promise<Diagnostic[]> {
  loading ??= loadRuntime().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return runCheckWeb(store, await loading, { signal });
}
