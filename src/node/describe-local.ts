/**
 * The describe pass over a local file at the file-hashing limit: small synchronous reads, each
 * hashed and scanned while it is still in cache (see FILE_HASH_CHUNK), on one thread. That thread
 * is blocked for the whole pass, so the library runs it on a worker (describeLocalInWorker) and
 * the CLI, which has nothing else to do, on its main thread (describeLocalHere).
 */
import type { DescribeSourceOptions } from '../describe/describe-source.js';
import { Describer, type DescribeResult } from '../describe/descriptor.js';
import { AbortError, SourceError, throwIfAborted } from '../errors.js';
import { fromWire, type WireError } from '../describe/worker-protocol.js';
import { cryptoHasher } from './crypto-hasher.js';
import { FILE_HASH_CHUNK, syncFileChunks } from './file-chunks.js';

/** What crosses to the worker: the Describer's options that are data (the hasher is node:crypto). */
export type LocalDescribeOptions = Omit<DescribeSourceOptions, 'hasher' | 'chunkSize'> & { size: number };

export type ToDescribeWorker = { path: string; options: Omit<LocalDescribeOptions, 'signal' | 'onProgress'> };
export type FromDescribeWorker = { progress: number } | { result: DescribeResult } | { error: WireError };

/** The worker reports progress this often: about 128 messages per GiB, not one per chunk. */
export const WORKER_PROGRESS_EVERY = 8 * 1024 * 1024;

/** Reads, hashes and scans the file on the calling thread, which it blocks until the bytes are done. */
export async function describeLocalHere(path: string, options: LocalDescribeOptions): Promise<DescribeResult> {
  const describer = await Describer.create({ ...options, hasher: cryptoHasher });
  for (const chunk of syncFileChunks(path, FILE_HASH_CHUNK, options.size)) {
    throwIfAborted(options.signal);
    describer.push(chunk);
    options.onProgress?.(describer.bytesSeen);
  }
  return describer.finish();
}

/**
 * The same pass on a worker thread, so the caller's event loop stays free (an embedding server
 * keeps serving). Progress is relayed; an abort ends the worker at once.
 */
export async function describeLocalInWorker(path: string, options: LocalDescribeOptions): Promise<DescribeResult> {
  const { signal, onProgress, ...data } = options;
  if (signal?.aborted) throw new AbortError();
  // Loaded when a worker is wanted: the CLI never starts one, and the module costs it ~1 ms of start-up.
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(describeWorkerUrl(), { execArgv: workerExecArgv(process.execArgv) });
  let onAbort = () => {};
  return await new Promise<DescribeResult>((resolve, reject) => {
    onAbort = () => reject(new AbortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: FromDescribeWorker) => {
      if ('progress' in m) onProgress?.(m.progress);
      else if ('result' in m) resolve(withBareIndex(m.result));
      else reject(fromWire(m.error));
    });
    worker.on('error', (e) => reject(new SourceError('WORKER_FAILED', `the hashing worker failed: ${e.message}`, { cause: e })));
    worker.on('exit', (code) => reject(new SourceError('WORKER_FAILED', `the hashing worker exited (code ${code}) before answering`)));
    const message: ToDescribeWorker = { path, options: data };
    worker.postMessage(message);
  }).finally(() => {
    signal?.removeEventListener('abort', onAbort);
    void worker.terminate();
  });
}

/**
 * A structured clone gives every object Object.prototype; the file_index had none (fileIndexOf), so
 * that a lookup by a member's name never finds an inherited key ("constructor", "__proto__").
 */
function withBareIndex(result: DescribeResult): DescribeResult {
  const file_index = Object.assign(Object.create(null) as DescribeResult['descriptor']['file_index'], result.descriptor.file_index);
  return { ...result, descriptor: { ...result.descriptor, file_index } };
}

/**
 * The host's Node flags, less those a worker refuses: a program run as `node --input-type=module
 * -e …` would otherwise fail to start the worker (ERR_INPUT_TYPE_NOT_ALLOWED).
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    if (execArgv[i] === '--input-type') i++;
    else if (!execArgv[i]!.startsWith('--input-type=')) out.push(execArgv[i]!);
  }
  return out;
}

/**
 * The compiled worker script beside this module. Run from the TypeScript sources (the tests), this
 * module is src/node/*.ts, which a worker cannot load: it then uses dist/'s build of the same file.
 */
function describeWorkerUrl(): URL {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return new URL('../../dist/node/describe-worker.js', here);
  return new URL('./describe-worker.js', here);
}
