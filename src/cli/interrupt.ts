/**
 * Ctrl-C and SIGTERM end every command the same way. The first signal aborts `interruptSignal`,
 * which each command passes to the library calls that write, so the writers clean up as on any
 * failure (temporary file removed, lock released, an append undone); main then prints one line
 * and ends with the shell's status for that signal. A command that does not stop within
 * GRACE_MS, or a second signal, ends the process at once.
 */
import { writeSync } from 'node:fs';
import { isFnnxError } from '../errors.js';
import { printable } from '../safety/printable.js';
import { endProgressLine } from './progress.js';

/** 128 + the signal's number, as shells report a process the signal ended. */
const EXIT_STATUS = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof EXIT_STATUS;

/** How long a command may take to clean up after the first signal. */
const GRACE_MS = 5000;

const controller = new AbortController();
let received: StopSignal | undefined;

/** Aborted by the first SIGINT or SIGTERM: what a command passes to the work it starts. */
export const interruptSignal: AbortSignal = controller.signal;

/** Installs the one handler for both signals; main calls it once, before any command runs. */
export function installInterruptHandler(): void {
  for (const name of Object.keys(EXIT_STATUS) as StopSignal[]) process.on(name, () => onSignal(name));
}

/** The status a shell expects of a process `signal` ended. */
export function exitStatusOf(signal: StopSignal): number {
  return EXIT_STATUS[signal];
}

/** The signal that interrupted this run, if one did. */
export function interruptedBy(): StopSignal | undefined {
  return received;
}

/**
 * Reports the interrupt and returns its exit status. `ended` is what the command ended with: the
 * hint of a typed error is kept, as it says what the interrupted work left (e.g. how to resume).
 */
export function reportInterrupt(signal: StopSignal, ended?: unknown): number {
  const hint = isFnnxError(ended) && ended.hint ? `  hint: ${printable(ended.hint)}\n` : '';
  writeSync(2, `fnnx-kit: interrupted (${signal})\n${hint}`);
  return EXIT_STATUS[signal];
}

function onSignal(name: StopSignal): void {
  if (received) return endNow(received);
  received = name;
  endProgressLine();
  controller.abort();
  setTimeout(() => endNow(name), GRACE_MS).unref();
}

function endNow(signal: StopSignal): never {
  process.exit(reportInterrupt(signal));
}
