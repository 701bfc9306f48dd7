import { createHash } from 'node:crypto';
import type { HashAlgorithm, Hasher } from '../hash/hasher.js';

/** node:crypto (OpenSSL; SHA-NI where the processor has it): Node's hasher. */
export function cryptoHasher(algorithm: HashAlgorithm): Promise<Hasher> {
  const h = createHash(algorithm);
  return Promise.resolve({
    update: (bytes) => void h.update(bytes),
    digestHex: () => h.digest('hex'),
  });
}
