import { isFnnxError } from '../errors.js';
import { ioError, isErrnoError } from '../node/io-error.js';
import { printable } from '../safety/printable.js';
import { defaultHint } from './hints.js';

export const EXIT_OK = 0;
/** The artifact is bad (or, for validate, broken). */
export const EXIT_BAD_ARTIFACT = 1;
/** Usage or I/O: we could not do what was asked. */
export const EXIT_USAGE = 2;

/**
 * A file-system fault that reached the top unwrapped is still the world's, not a bug: it gets its
 * code and hint from ioError like every wrapped one.
 */
function typed(e: unknown): unknown {
  return isErrnoError(e) ? ioError(e) : e;
}

export function exitCodeOf(error: unknown): number {
  const e = typed(error);
  if (isFnnxError(e)) return e.kind === 'artifact' ? EXIT_BAD_ARTIFACT : EXIT_USAGE;
  return EXIT_USAGE;
}

/** One line: `fnnx-kit: <member>: <what> (<code>)`, then a hint line where one helps. */
export function formatError(error: unknown, debug = false): string {
  const e = typed(error);
  let out: string;
  if (isFnnxError(e)) {
    out = `fnnx-kit: ${e.member ? `${printable(e.member)}: ` : ''}${printable(e.message)} (${e.code})\n`;
    out += `  hint: ${printable(e.hint ?? defaultHint(e.code, e.kind))}\n`;
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    out = `fnnx-kit: ${printable(msg.split('\n')[0] ?? '')} (INTERNAL)\n  hint: this is a bug in fnnx-kit; rerun with --debug and report it\n`;
  }
  // The stack's first line repeats the message: each line is escaped, the line breaks kept.
  if (debug && e instanceof Error && e.stack) out += `${e.stack.split('\n').map(printable).join('\n')}\n`;
  return out;
}
