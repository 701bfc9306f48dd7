import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type MinorGc = (options: { type: 'minor' }) => void;

let minorGc: MinorGc | undefined | null = null;

function resolveMinorGc(): MinorGc | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    return typeof gc === 'function' ? (gc as MinorGc) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns a counter to feed with the bytes a socket delivered; every `everyBytes` it runs a
 * young-generation GC (a scavenge, not a full collection).
 *
 * Why: each socket read arrives in a fresh ArrayBuffer that dies at once, but V8 frees those only
 * at a scavenge, which it starts late, so they pile up and raise a download's peak memory.
 * Where gc cannot be exposed, the counter does nothing and V8 decides as usual.
 */
// Peak memory by interval: bench/README.md, "download".
export function youngGarbageCollector(everyBytes: number): (bytes: number) => void {
  if (minorGc === null) minorGc = resolveMinorGc();
  const gc = minorGc;
  if (!gc) return () => undefined;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < everyBytes) return;
    since = 0;
    gc({ type: 'minor' });
  };
}
