import { createMD5, createSHA256 } from 'hash-wasm';
import type { HashAlgorithm, Hasher } from './hasher.js';

/** hash-wasm: the browser's hasher (Node uses node:crypto, several times faster). */
export async function wasmHasher(algorithm: HashAlgorithm): Promise<Hasher> {
  const h = algorithm === 'sha256' ? await createSHA256() : await createMD5();
  h.init();
  return {
    update: (bytes) => void h.update(bytes),
    digestHex: () => h.digest('hex'),
  };
}
