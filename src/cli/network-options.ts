/**
 * How long a command may wait on the network: a minimum transfer rate (curl's --speed-limit /
 * --speed-time) for every HTTP body, and an overall --timeout for the whole command, so a server
 * trickling one byte a second ends the command in bounded time with a typed error.
 */
import type { Command } from './args/command.js';
import { SourceError, UsageError } from '../errors.js';
import { interruptSignal } from './interrupt.js';
import { DEFAULT_SPEED_LIMIT, DEFAULT_SPEED_TIME_MS } from '../source/http-request.js';

export interface NetworkOptions {
  speedLimit?: string;
  speedTime?: string;
  timeout?: string;
}

export function withNetworkOptions(cmd: Command): Command {
  return cmd
    .option(
      '--speed-limit <bytes>',
      `for URLs: give up (TOO_SLOW) when data arrives slower than this many bytes a second over --speed-time; 0 = never (default ${DEFAULT_SPEED_LIMIT})`,
    )
    .option('--speed-time <seconds>', `the window --speed-limit is averaged over (default ${DEFAULT_SPEED_TIME_MS / 1000})`)
    .option('--timeout <seconds>', 'give up on the whole command after this long (TIMEOUT); default: no overall limit');
}

/** The rate bounds for the HTTP layer (RequestOptions), from the command line. */
export function rateOptions(opts: NetworkOptions): { speedLimit?: number; speedTimeMs?: number } {
  return {
    speedLimit: opts.speedLimit === undefined ? undefined : whole(opts.speedLimit, '--speed-limit'),
    speedTimeMs: opts.speedTime === undefined ? undefined : positive(opts.speedTime, '--speed-time') * 1000,
  };
}

/**
 * Runs `work` with a signal that aborts at the --timeout deadline or on Ctrl-C / SIGTERM
 * (src/cli/interrupt.ts); work that the deadline cut short ends in TIMEOUT (exit 2), not in the
 * AbortError the cut caused.
 */
export async function withDeadline<T>(opts: NetworkOptions, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (opts.timeout === undefined) return work(interruptSignal);
  const seconds = positive(opts.timeout, '--timeout');
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new SourceError('TIMEOUT', `gave up after --timeout ${seconds} s`, {
          hint: 'raise --timeout, or leave it out for no overall limit',
        }),
      );
    }, seconds * 1000);
  });
  try {
    return await Promise.race([work(AbortSignal.any([controller.signal, interruptSignal])), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function whole(text: string, option: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new UsageError('BAD_OPTION', `${option} must be a whole number, not "${text}"`);
  return n;
}

function positive(text: string, option: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0) || !Number.isFinite(n))
    throw new UsageError('BAD_OPTION', `${option} must be a positive number of seconds, not "${text}"`);
  return n;
}
