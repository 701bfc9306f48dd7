import { createHash } from 'node:crypto';

/** SHA-256 of some bytes as lower-case hex: the reference the tests compare descriptors and uploads with. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
