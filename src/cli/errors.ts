import { isFnnxError } from '../errors.js';
import { printable } from '../safety/printable.js';

export const EXIT_OK = 0;
/** The artifact is bad (or, for validate, broken). */
export const EXIT_BAD_ARTIFACT = 1;
/** Usage or I/O: we could not do what was asked. */
export const EXIT_USAGE = 2;

export function exitCodeOf(e: unknown): number {
  if (isFnnxError(e)) return e.kind === 'artifact' ? EXIT_BAD_ARTIFACT : EXIT_USAGE;
  return EXIT_USAGE;
}

/** One line: `fnnx-kit: <member>: <what> (<code>)`, then a hint line where one helps. */
export function formatError(e: unknown, debug = false): string {
  let out: string;
  if (isFnnxError(e)) {
    out = `fnnx-kit: ${e.member ? `${printable(e.member)}: ` : ''}${printable(e.message)} (${e.code})\n`;
    if (e.hint) out += `  hint: ${printable(e.hint)}\n`;
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    out = `fnnx-kit: ${printable(msg.split('\n')[0] ?? '')} (INTERNAL)\n  hint: this is a bug in fnnx-kit; rerun with --debug and report it\n`;
  }
  // The stack's first line repeats the message: each line is escaped, the line breaks kept.
  if (debug && e instanceof Error && e.stack) out += `${e.stack.split('\n').map(printable).join('\n')}\n`;
  return out;
}
