/**
 * The one hashing seam. The core (describe, pack, verify) only sees this interface, so Node can
 * plug in node:crypto (OpenSSL, SHA-NI) and the browser its WebAssembly hashers (wasm-hasher.ts),
 * without the core importing either.
 */
export type HashAlgorithm = 'sha256' | 'md5';

export interface Hasher {
  update(bytes: Uint8Array): void;
  /** Lower-case hex digest; the hasher is finished afterwards. */
  digestHex(): string;
}

export type HasherFactory = (algorithm: HashAlgorithm) => Promise<Hasher>;

/** Several hashers fed the same bytes: one pass computes SHA-256 and (when asked) MD5 together. */
export async function createHashers(factory: HasherFactory, algorithms: readonly HashAlgorithm[]): Promise<Map<HashAlgorithm, Hasher>> {
  const out = new Map<HashAlgorithm, Hasher>();
  for (const a of algorithms) out.set(a, await factory(a));
  return out;
}
