import { AbortError } from '../../src/errors.js';
import type { ByteSource } from '../../src/source/byte-source.js';

/**
 * Bytes in memory whose reads wait until the test opens the gate, so a test can abort callers
 * while a read is in flight. Every read's signal is recorded, to see whether it was aborted.
 */
export class GatedSource implements ByteSource {
  readonly byteLength: number;
  readonly label = 'gated';
  readonly signals: Array<AbortSignal | undefined> = [];
  private opened = false;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly bytes: Uint8Array) {
    this.byteLength = bytes.length;
  }

  /** Lets every pending and later read complete. */
  open(): void {
    this.opened = true;
    for (const go of this.waiting.splice(0)) go();
  }

  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    this.signals.push(signal);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new AbortError());
      const go = () => resolve(this.bytes.slice(offset, offset + length));
      signal?.addEventListener('abort', () => reject(new AbortError()), { once: true });
      if (this.opened) go();
      else this.waiting.push(go);
    });
  }
}

/** Lets pending promise callbacks (joins, aborts, cache drops) run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
