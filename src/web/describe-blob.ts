import { Describer, type DescribeResult } from '../describe/descriptor.js';
import { checkUploadName, checkUploadSize } from '../describe/upload-rules.js';
import type { HasherFactory } from '../hash/hasher.js';
import { wasmHasher } from '../hash/wasm-hasher.js';
import { SourceError, type FnnxError } from '../errors.js';
import { blobChunks } from './blob-chunks.js';
import { fromWire, type FromWorker, type ToWorker } from './describe-protocol.js';

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

/** Bytes read but not yet hashed: bounds memory while the reader runs ahead of the worker. */
const MAX_AHEAD = 16 * 1024 * 1024;

/**
 * The upload descriptor of a local file, as `fnnx-kit describe` computes it: one streamed pass
 * through the builder's Describer (hash, size, file_index, captured root JSON), never the whole
 * file in memory. Where workers exist the file is read here and hashed in a worker, so reading
 * and hashing overlap. Refuses, before reading, a name or size the registry's upload refuses.
 */
export async function describeBlob(blob: Blob, fileName: string, options: DescribeBlobOptions = {}): Promise<DescribeResult> {
  checkUploadName(fileName);
  checkUploadSize(fileName, blob.size, options.maxSize);
  const useWorker = options.worker !== false && !options.hasher && typeof Worker !== 'undefined';
  return useWorker ? describeInWorker(blob, fileName, options) : describeHere(blob, fileName, options);
}

async function describeHere(blob: Blob, fileName: string, options: DescribeBlobOptions): Promise<DescribeResult> {
  const describer = await Describer.create({ fileName, hasher: options.hasher ?? wasmHasher });
  for await (const chunk of blobChunks(blob, options.signal)) {
    describer.push(chunk);
    options.onProgress?.(describer.bytesSeen, blob.size);
  }
  return describer.finish();
}

async function describeInWorker(blob: Blob, fileName: string, options: DescribeBlobOptions): Promise<DescribeResult> {
  const worker = new Worker(new URL('./describe-worker.js', import.meta.url), { type: 'module' });
  const send = (msg: ToWorker, transfer: Transferable[] = []) => worker.postMessage(msg, transfer);
  let ahead = 0;
  let done = 0;
  let failure: FnnxError | undefined;
  let wake = () => {};
  const result = new Promise<DescribeResult>((resolve, reject) => {
    const fail = (e: FnnxError) => {
      failure = e;
      reject(e);
    };
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if ('consumed' in m) {
        ahead -= m.consumed;
        done += m.consumed;
        options.onProgress?.(done, blob.size);
      } else if ('result' in m) resolve(m.result);
      else fail(fromWire(m.error));
      wake();
    };
    worker.onerror = (e) => {
      fail(new SourceError('WORKER_FAILED', `the hashing worker failed: ${e.message}`));
      wake();
    };
  });
  result.catch(() => undefined);
  try {
    send({ start: { fileName } });
    for await (const chunk of blobChunks(blob, options.signal)) {
      if (failure) break;
      const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
      const buffer = (whole ? chunk.buffer : chunk.slice().buffer) as ArrayBuffer;
      send({ chunk: buffer }, [buffer]);
      ahead += buffer.byteLength;
      while (ahead > MAX_AHEAD && !failure) await new Promise<void>((r) => (wake = r));
    }
    if (!failure) send({ end: true });
    return await result;
  } finally {
    worker.terminate();
  }
}
