import type { ByteSource } from '../source/byte-source.js';
import { readChunks } from '../source/chunks.js';
import { Describer, type DescribeResult, type DescriberOptions } from './descriptor.js';

/** Large reads: fewer syscalls or requests, and the hasher works on big runs of bytes. */
export const DESCRIBE_CHUNK = 8 * 1024 * 1024;

export interface DescribeSourceOptions extends DescriberOptions {
  chunkSize?: number;
  signal?: AbortSignal;
  onProgress?: (bytesDone: number) => void;
}

/**
 * Describes a whole source in one sequential pass, with the next read in flight while the
 * current chunk is hashed and scanned (readChunks double-buffers): memory is two chunks.
 */
export async function describeSource(source: ByteSource, options: DescribeSourceOptions): Promise<DescribeResult> {
  const chunkSize = options.chunkSize ?? DESCRIBE_CHUNK;
  return describeChunks(readChunks(source, 0, source.byteLength, { chunkSize, signal: options.signal }), options);
}

/**
 * Describes an artifact's bytes given as chunks, in order. Each chunk is consumed before the next
 * is asked for, so a producer may reuse its buffers (see recycledFileChunks).
 */
export async function describeChunks(chunks: AsyncIterable<Uint8Array>, options: DescribeSourceOptions): Promise<DescribeResult> {
  const describer = await Describer.create(options);
  for await (const chunk of chunks) {
    describer.push(chunk);
    options.onProgress?.(describer.bytesSeen);
  }
  return describer.finish();
}
