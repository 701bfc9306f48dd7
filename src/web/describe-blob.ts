import type { DescribeResult } from '../describe/descriptor.js';
import { refuseUnuploadable } from '../artifact/upload-rules.js';
import type { HasherFactory } from '../hash/hasher.js';
import { wasmHasher } from '../hash/wasm-hasher.js';
import { AbortError, SourceError } from '../errors.js';
import { describeBlobHere } from './blob-describer.js';
import { fromWire, type FromWorker, type ToWorker } from '../describe/worker-protocol.js';

export interface DescribeBlobOptions {
  /** Called as chunks are hashed, with the bytes done so far. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Hash on the calling thread with this factory (default: hash-wasm in a worker). */
  hasher?: HasherFactory;
  /** Set false to hash on the calling thread even where workers exist. */
  worker?: boolean;
  /** The registry's upload limit; default 5,368,709,120 bytes. */
  maxSize?: number;
}

/**
 * The upload descriptor of a local file, as `fnnx-kit describe` computes it: one streamed pass
 * through the builder's Describer (hash, size, file_index, captured root JSON), never the whole
 * file in memory. Where workers exist the worker reads and hashes the file, so the page's thread
 * stays free. Refuses, before reading, a name or size the registry's upload refuses.
 */
export async function describeBlob(blob: Blob, fileName: string, options: DescribeBlobOptions = {}): Promise<DescribeResult> {
  refuseUnuploadable(fileName, { fileName, size: blob.size, maxSize: options.maxSize });
  const useWorker = options.worker !== false && !options.hasher && typeof Worker !== 'undefined';
  return useWorker ? describeInWorker(blob, fileName, options) : describeHere(blob, fileName, options);
}

function describeHere(blob: Blob, fileName: string, options: DescribeBlobOptions): Promise<DescribeResult> {
  const report = options.onProgress;
  const onProgress = report && ((done: number) => report(done, blob.size));
  return describeBlobHere(blob, fileName, { hasher: options.hasher ?? wasmHasher, onProgress, signal: options.signal });
}

/** The worker reads and hashes; this thread only relays progress, and ends the worker on abort. */
function describeInWorker(blob: Blob, fileName: string, options: DescribeBlobOptions): Promise<DescribeResult> {
  if (options.signal?.aborted) return Promise.reject(new AbortError());
  const worker = new Worker(new URL('./describe-worker.js', import.meta.url), { type: 'module' });
  let onAbort = () => {};
  return new Promise<DescribeResult>((resolve, reject) => {
    onAbort = () => reject(new AbortError());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if ('progress' in m) options.onProgress?.(m.progress, blob.size);
      else if ('result' in m) resolve(m.result);
      else reject(fromWire(m.error));
    };
    worker.onerror = (e) => reject(new SourceError('WORKER_FAILED', `the hashing worker failed: ${e.message}`));
    const message: ToWorker = { describe: { blob, fileName } };
    worker.postMessage(message);
  }).finally(() => {
    options.signal?.removeEventListener('abort', onAbort);
    worker.terminate();
  });
}
