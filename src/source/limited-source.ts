import type { ByteSource } from './byte-source.js';
import { AbortError } from '../errors.js';

/**
 * At most `maxInFlight` reads of the wrapped source run at once; the rest wait their turn in
 * order. Keeps a burst of member reads from opening dozens of connections to one server.
 */
export class LimitedSource implements ByteSource {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly inner: ByteSource,
    readonly maxInFlight = 4,
  ) {}

  get byteLength(): number {
    return this.inner.byteLength;
  }
  get label(): string {
    return this.inner.label;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    await this.acquire(signal);
    try {
      return await this.inner.read(offset, length, signal);
    } finally {
      this.release();
    }
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortError());
    if (this.running < this.maxInFlight) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const turn = () => {
        signal?.removeEventListener('abort', onAbort);
        this.running++;
        resolve();
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(turn), 1);
        reject(new AbortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(turn);
    });
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}
