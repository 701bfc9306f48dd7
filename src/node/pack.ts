import { basename } from 'node:path';
import { buildArtifact, type ArtifactInput, type BuildOptions } from '../build/builder.js';
import type { DescribeResult } from '../describe/descriptor.js';
import { cryptoHasher } from './crypto-hasher.js';
import { AtomicFileSink } from './file-sink.js';
import { WriteLock } from './write-lock.js';
import { refuseSpecialOutput } from './output-file.js';
import { throwIfAborted } from '../errors.js';

/**
 * Builds an artifact into a file (atomically: complete and synced, or not there at all).
 * `blocking`: write on this thread as the bytes come (AtomicFileSink), for the CLI. `signal`
 * stops it between chunks: the partial file is removed and the lock released (ABORTED).
 */
export async function packToFile(
  input: ArtifactInput,
  outPath: string,
  options: Partial<BuildOptions> & { blocking?: boolean; signal?: AbortSignal } = {},
): Promise<DescribeResult> {
  const { blocking, signal, ...build } = options;
  // Before the lock: `-o /dev/null` must not even leave `/dev/null.lock` behind.
  await refuseSpecialOutput(outPath);
  // One pack per output at a time: a second one fails with LOCKED before writing anything.
  const lock = await WriteLock.acquire(outPath, { waitMs: 0, onStale: (dead) => AtomicFileSink.dropLeftovers(outPath, dead.pid) });
  try {
    const sink = await AtomicFileSink.create(outPath, { blocking });
    try {
      const write = (chunk: Uint8Array) => {
        throwIfAborted(signal);
        return sink.write(chunk);
      };
      const result = await buildArtifact(input, write, { fileName: basename(outPath), hasher: cryptoHasher, ...build });
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
