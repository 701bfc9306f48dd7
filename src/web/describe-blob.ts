import { Describer, type DescribeResult } from '../describe/descriptor.js';
import { checkUploadName, checkUploadSize } from '../describe/upload-rules.js';
import type { HasherFactory } from '../hash/hasher.js';
import { wasmHasher } from '../hash/wasm-hasher.js';
import { SourceError, type FnnxError } from '../errors.js';
import { blobChunksInto } from './blob-chunks.js';
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
/** The reader's buffers, recycled through the worker (browsers with byte streams). */
const POOL_BUFFER_SIZE = 2 * 1024 * 1024;
const POOL_BUFFERS = 8;

/**
 * The upload descriptor of a local file, as `fnnx-kit describe` computes it: one streamed pass
 * through the builder's Describer (hash, size, file_index, captured root JSON), never the whole
 * file in memory. Where workers exist the file is read here and hashed in a worker, so reading
 * and hashing overlap, through a small pool of buffers that pass back and forth. Refuses, before reading, a name or size the registry's upload refuses.
 */
export async function describeBlob(blob: Blob, fileName: string, options: DescribeBlobOptions = {}): Promise<DescribeResult> {
  checkUploadName(fileName);
  checkUploadSize(fileName, blob.size, options.maxSize);
  const useWorker = options.worker !== false && !options.hasher && typeof Worker !== 'undefined';
  return useWorker ? describeInWorker(blob, fileName, options) : describeHere(blob, fileName, options);
}

async function describeHere(blob: Blob, fileName: string, options: DescribeBlobOptions): Promise<DescribeResult> {
  const describer = await Describer.create({ fileName, hasher: options.hasher ?? wasmHasher });
  // One buffer, refilled: a BYOB read hands its memory back as the view's (new) buffer.
  let spare = new ArrayBuffer(POOL_BUFFER_SIZE);
  for await (const chunk of blobChunksInto(blob, async () => spare, options.signal)) {
    describer.push(chunk);
    spare = chunk.buffer as ArrayBuffer;
    options.onProgress?.(describer.bytesSeen, blob.size);
  }
  return describer.finish();
}

async function describeInWorker(blob: Blob, fileName: string, options: DescribeBlobOptions): Promise<DescribeResult> {
  const worker = new Worker(new URL('./describe-worker.js', import.meta.url), { type: 'module' });
  const send = (msg: ToWorker, transfer: Transferable[] = []) => worker.postMessage(msg, transfer);
  // Buffers cycle between this thread (filling) and the worker (hashing): memory stays at the pool.
  const pool = Array.from({ length: POOL_BUFFERS }, () => new ArrayBuffer(POOL_BUFFER_SIZE));
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
        if (m.buffer.byteLength === POOL_BUFFER_SIZE) pool.push(m.buffer);
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
  const waitFor = async (ready: () => boolean) => {
    while (!ready() && !failure) await new Promise<void>((r) => (wake = r));
  };
  const nextBuffer = async () => {
    await waitFor(() => pool.length > 0);
    if (failure) throw failure;
    return pool.pop()!;
  };
  try {
    send({ start: { fileName } });
    for await (const chunk of blobChunksInto(blob, nextBuffer, options.signal)) {
      if (failure) break;
      // Pool views start at 0; where byte streams are missing, a fresh chunk may be a slice.
      const whole = chunk.byteOffset === 0;
      const buffer = (whole ? chunk.buffer : chunk.slice().buffer) as ArrayBuffer;
      send({ chunk: buffer, length: chunk.length }, [buffer]);
      ahead += chunk.length;
      await waitFor(() => ahead <= MAX_AHEAD);
    }
    if (!failure) send({ end: true });
    return await result;
  } finally {
    worker.terminate();
  }
}
