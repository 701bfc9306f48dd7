import { AbortError } from '../errors.js';

/**
 * One piece of async work (a block read, a header walk) awaited by several callers, each with its
 * own signal. The work runs on a signal of its own, aborted only when every caller that joined it
 * has given up; a caller without a signal pins it. A caller that aborts is released at once with
 * its own AbortError, whatever the others do (as PMTiles' SharedPromiseCache shares directory
 * fetches).
 */
export class SharedWork<T> {
  private readonly controller: AbortController | undefined;
  private readonly result: Promise<T>;
  private waiting = 0;
  private pinned: boolean;
  private settled = false;
  /** Set when the work succeeds: what `done` gives. */
  private succeeded: { value: T } | undefined;

  /**
   * `pinned`: the caller starting the work will join it without a signal, so nothing can ever
   * abort it: it runs without a signal of its own. Making one (and listening on it) is most of
   * what a short command's reads cost the first time they run.
   */
  constructor(run: (signal: AbortSignal | undefined) => Promise<T>, pinned = false) {
    this.pinned = pinned;
    this.controller = pinned ? undefined : new AbortController();
    this.result = run(this.controller?.signal);
    // Callers see failures through join(); an unjoined failure must not be an unhandled rejection.
    this.result.then(
      (value) => {
        this.settled = true;
        this.succeeded = { value };
      },
      () => (this.settled = true),
    );
  }

  /** The result, once the work has succeeded; undefined before, and after a failure. */
  get done(): { value: T } | undefined {
    return this.succeeded;
  }

  /** True once every caller gave up and the work was aborted: it must not be joined again. */
  get abandoned(): boolean {
    return this.controller?.signal.aborted ?? false;
  }

  /** Runs `handler` if the work fails or is aborted; unlike join(), this neither waits on it nor pins it. */
  onFailure(handler: (e: unknown) => void): void {
    this.result.catch(handler);
  }

  /** The work's result for one caller, rejecting with AbortError as soon as `signal` aborts. */
  join(signal?: AbortSignal): Promise<T> {
    if (!signal) {
      this.pinned = true;
      return this.result;
    }
    if (signal.aborted) return Promise.reject(new AbortError());
    this.waiting++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        reject(new AbortError());
        this.leave();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.result.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  private leave(): void {
    if (--this.waiting === 0 && !this.pinned && !this.settled) this.controller?.abort(new AbortError());
  }
}
