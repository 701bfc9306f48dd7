import { createMD5, createSHA256, type IHasher } from 'hash-wasm';
import { UsageError } from '../errors.js';
import type { HashAlgorithm, Hasher } from './hasher.js';

/**
 * The browser's hashers (Node uses node:crypto, several times faster): SHA-256, and MD5 for
 * stores that checksum with it, both from hash-wasm.
 */
// Why hash-wasm and not our own block function: docs/design.md ("Libraries"), bench/README.md ("Browser").
export async function wasmHasher(algorithm: HashAlgorithm): Promise<Hasher> {
  const h: IHasher = algorithm === 'sha256' ? await createSHA256() : await createMD5();
  h.init();
  let finished = false;
  // A finished hasher refuses with a code, as the browser's SHA-256 always did; hash-wasm's own
  // refusal is an untyped Error ("called before init()").
  const refuseIfFinished = (what: string) => {
    if (finished) throw new UsageError('HASHER_FINISHED', `${algorithm}: ${what} after the digest was taken`);
  };
  return {
    update: (bytes) => {
      refuseIfFinished('update');
      h.update(bytes);
    },
    digestHex: () => {
      refuseIfFinished('digest');
      finished = true;
      return h.digest('hex');
    },
  };
}
