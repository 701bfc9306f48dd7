import { createMD5 } from 'hash-wasm';
import type { HashAlgorithm, Hasher } from './hasher.js';
import { createSha256Wasm } from './sha256-wasm.js';

/**
 * The browser's hashers (Node uses node:crypto, several times faster): SHA-256 on fnnx-kit's
 * own WebAssembly block function, faster in Chromium than hash-wasm's; MD5, asked for only by
 * stores that checksum with it, on hash-wasm.
 */
// Why and by how much: docs/design.md ("Libraries") and bench/README.md ("Browser").
export async function wasmHasher(algorithm: HashAlgorithm): Promise<Hasher> {
  if (algorithm === 'sha256') return createSha256Wasm();
  const h = await createMD5();
  h.init();
  return {
    update: (bytes) => void h.update(bytes),
    digestHex: () => h.digest('hex'),
  };
}
