import { Describer, type DescribeResult } from '../describe/descriptor.js';
import type { HasherFactory } from '../hash/hasher.js';
import { blobChunksInto } from './blob-chunks.js';

/**
 * One 2 MiB buffer, refilled by BYOB reads: Chromium reads a File several times faster this way
 * than with a default reader or `slice().arrayBuffer()`; 8 MiB buffers hashed slower (bench/README.md).
 */
const READ_BUFFER_SIZE = 2 * 1024 * 1024;

export interface BlobDescribeOptions {
  hasher: HasherFactory;
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

/**
 * Reads a Blob once, in order, through the builder's Describer on the calling thread: what
 * describeBlob runs in its worker, or on the page's thread where there are no workers.
 */
export async function describeBlobHere(blob: Blob, fileName: string, options: BlobDescribeOptions): Promise<DescribeResult> {
  const describer = await Describer.create({ fileName, hasher: options.hasher });
  // A BYOB read hands the buffer's memory back as the view's (new) buffer: carry that on.
  let spare = new ArrayBuffer(READ_BUFFER_SIZE);
  for await (const chunk of blobChunksInto(blob, async () => spare, options.signal)) {
    describer.push(chunk);
    spare = chunk.buffer as ArrayBuffer;
    options.onProgress?.(describer.bytesSeen);
  }
  return describer.finish();
}
