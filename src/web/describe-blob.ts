import { Describer, type DescribeResult } from '../describe/descriptor.js';
import { checkUploadName, checkUploadSize } from '../describe/upload-rules.js';
import type { HasherFactory } from '../hash/hasher.js';
import { wasmHasher } from '../hash/wasm-hasher.js';
import { blobChunks } from './blob-chunks.js';

export interface DescribeBlobOptions {
  /** Called after every chunk with the bytes hashed so far. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Defaults to hash-wasm (WebCrypto cannot hash incrementally). */
  hasher?: HasherFactory;
  /** The registry's upload limit; default 5,368,709,120 bytes. */
  maxSize?: number;
}

/**
 * The upload descriptor of a local file, as `fnnx-kit describe` computes it: one streamed pass
 * through the builder's Describer (hash, size, file_index, captured root JSON), never the whole
 * file in memory. Refuses, before reading, a name or size the registry's upload would refuse.
 */
export async function describeBlob(blob: Blob, fileName: string, options: DescribeBlobOptions = {}): Promise<DescribeResult> {
  checkUploadName(fileName);
  checkUploadSize(fileName, blob.size, options.maxSize);
  const describer = await Describer.create({ fileName, hasher: options.hasher ?? wasmHasher });
  for await (const chunk of blobChunks(blob, options.signal)) {
    describer.push(chunk);
    options.onProgress?.(describer.bytesSeen, blob.size);
  }
  return describer.finish();
}
