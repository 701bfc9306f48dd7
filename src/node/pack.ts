import { basename } from 'node:path';
import { buildArtifact, type ArtifactInput, type BuildOptions } from '../build/builder.js';
import type { DescribeResult } from '../describe/descriptor.js';
import { cryptoHasher } from './crypto-hasher.js';
import { AtomicFileSink } from './file-sink.js';
import { WriteLock } from './write-lock.js';

/** Builds an artifact into a file (atomically: complete and synced, or not there at all). */
export async function packToFile(
  input: ArtifactInput,
  outPath: string,
  options: Partial<BuildOptions> = {},
): Promise<DescribeResult> {
  // One pack per output at a time: a second one fails with LOCKED before writing anything.
  const lock = await WriteLock.acquire(outPath, { waitMs: 0, onStale: (dead) => AtomicFileSink.dropLeftovers(outPath, dead.pid) });
  try {
    const sink = await AtomicFileSink.create(outPath);
    try {
      const result = await buildArtifact(input, sink.write, { fileName: basename(outPath), hasher: cryptoHasher, ...options });
      await sink.commit();
      return result;
    } catch (e) {
      await sink.abort();
      throw e;
    }
  } finally {
    await lock.release();
  }
}
