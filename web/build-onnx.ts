/**
 * "New from ONNX models" on the page: the picked models become one `pipeline` artifact, built in
 * the browser with the library's own newFromOnnx + buildArtifact, so it is the artifact
 * `fnnx-kit new` + `pack` would write. Other picked files are the models' external data, found by
 * the name the model gives them.
 */
import { BlobSource, buildArtifact, newFromOnnx, wasmHasher, type NewOnnxOptions, type OnnxModelFile } from '../src/web/index.js';

const MODEL = /\.onnx$/i;

/**
 * The models in the order the picker lists them (a chain runs in that order), and the artifact's
 * file name: the model's name when one is given (made safe for a file name), else the first model's.
 */
export function modelsOf(files: File[], name?: string): { models: File[]; fileName: string } {
  const models = files.filter((f) => MODEL.test(f.name));
  const first = models[0]?.name.replace(MODEL, '') || 'model';
  const base = name?.trim().replace(/[^\w.-]+/g, '_') || first;
  return { models, fileName: `${base}.fnnx` };
}

/** `options` are the manifest's name, version and producer, as `fnnx-kit new` takes them. */
export async function buildFromOnnx(files: File[], options: NewOnnxOptions, signal: AbortSignal): Promise<File> {
  const { models, fileName } = modelsOf(files, options.name);
  const beside = new Map(files.filter((f) => !MODEL.test(f.name)).map((f) => [f.name, f]));
  const inputs: OnnxModelFile[] = models.map((m) => ({
    name: m.name,
    source: new BlobSource(m),
    externalData: async (location) => {
      const data = beside.get(location);
      return data && new BlobSource(data);
    },
  }));
  const artifact = await newFromOnnx(inputs, { ...options, signal });
  const out = new BlobCollector();
  await buildArtifact(
    artifact,
    (chunk) => {
      signal.throwIfAborted();
      out.push(chunk);
    },
    { fileName, hasher: wasmHasher },
  );
  return new File([out.finish()], fileName, { type: 'application/x-tar' });
}

/** Past this many bytes in hand, the pending chunks are folded into the Blob (which the browser may keep on disk). */
const FOLD_AT = 16 * 1024 * 1024;

/** The artifact's bytes as a Blob, with at most FOLD_AT bytes of chunks held on the page's heap. */
class BlobCollector {
  private blob = new Blob([]);
  private pending: Uint8Array<ArrayBuffer>[] = [];
  private pendingBytes = 0;

  push(chunk: Uint8Array): void {
    // A copy: the builder may reuse a body's buffer once the sink has returned.
    this.pending.push(chunk.slice());
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= FOLD_AT) this.fold();
  }

  finish(): Blob {
    this.fold();
    return this.blob;
  }

  private fold(): void {
    this.blob = new Blob([this.blob, ...this.pending]);
    this.pending = [];
    this.pendingBytes = 0;
  }
}
