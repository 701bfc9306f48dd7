import { ArtifactError } from '../errors.js';
import type { HasherFactory } from '../hash/hasher.js';
import type { ByteRange } from './upload-body.js';

/**
 * The one in-order read of the file an upload makes: the SHA-256 of the whole file and the MD5 of
 * each part, each part's MD5 ready as soon as the read has passed the part's end. The MD5s prove
 * what the store holds is these bytes: S3 names a part by its MD5 (its ETag), and an Azure block
 * id is made from it (storage-xml.ts). Parts are hashed here rather than while sent because
 * SHA-256 needs the bytes in order and parts finish in any order.
 */
export interface FilePass {
  readonly sha256: Promise<string>;
  /** The MD5 (lower-case hex) of part `index` of the ranges the pass was given. */
  md5(index: number): Promise<string>;
}

interface Deferred {
  promise: Promise<string>;
  resolve(value: string): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: (value: string) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
  // A pass stopped by a failure elsewhere rejects parts nobody waits for any more.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * Starts the pass over `chunks` (the file from its first byte to its last). `ranges` tile the
 * file in order (details.ts checks that); an empty list asks for the SHA-256 alone.
 */
export function startFilePass(
  label: string,
  chunks: AsyncIterable<Uint8Array>,
  hasher: HasherFactory,
  ranges: readonly ByteRange[],
): FilePass {
  const sha256 = deferred();
  const parts = ranges.map(deferred);
  void run(label, chunks, hasher, ranges, parts).then(sha256.resolve, (e: unknown) => {
    sha256.reject(e);
    for (const p of parts) p.reject(e);
  });
  return {
    sha256: sha256.promise,
    md5: (index) => parts[index]!.promise,
  };
}

async function run(
  label: string,
  chunks: AsyncIterable<Uint8Array>,
  hasher: HasherFactory,
  ranges: readonly ByteRange[],
  parts: Deferred[],
) {
  const sha = await hasher('sha256');
  let index = 0;
  let at = 0;
  let md5 = ranges.length > 0 ? await hasher('md5') : undefined;
  for await (const chunk of chunks) {
    sha.update(chunk);
    // Split the chunk where parts end: each piece feeds the MD5 of the part it belongs to.
    for (let offset = 0; offset < chunk.length && md5;) {
      const take = Math.min(chunk.length - offset, ranges[index]!.end - at);
      md5.update(chunk.subarray(offset, offset + take));
      offset += take;
      at += take;
      if (at === ranges[index]!.end) {
        parts[index]!.resolve(md5.digestHex());
        index++;
        md5 = index < ranges.length ? await hasher('md5') : undefined;
      }
    }
  }
  // The file ended before the parts did: it shrank since it was measured.
  if (md5) {
    throw new ArtifactError('SOURCE_CHANGED', `the file ended at byte ${at}, before the end of its parts; the upload was not completed`, {
      member: label,
    });
  }
  return sha.digestHex();
}
