import { createSHA256 } from 'hash-wasm';

/** An incremental digest fed chunk by chunk, so no caller ever needs the whole input at once. */
export interface ChunkHasher {
  update(chunk: Uint8Array): void;
  /** Lower-case hex digest; the hasher is spent afterwards. */
  hex(): string;
}

/**
 * SHA-256 in WebAssembly (hash-wasm): the browser's hasher, since WebCrypto's digest() takes only
 * a whole buffer. Node code should prefer node:crypto, which is several times faster.
 */
export async function createWasmSha256(): Promise<ChunkHasher> {
  const h = await createSHA256();
  h.init();
  return {
    update: (chunk) => void h.update(chunk),
    hex: () => h.digest('hex'),
  };
}
