import { isFnnxError } from '../errors.js';
import { ioError, isErrnoError } from '../node/io-error.js';
import { printable } from '../safety/printable.js';
import { redact } from '../source/http-request.js';
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

/**
 * The artifact or file a command concerns as an error names it: a URL without its query string
 * (presigned URLs carry credentials there). Not yet escaped: text and JSON escape it each their way.
 */
export function targetName(target: string): string {
  return /^https?:\/\//i.test(target) ? redact(target) : target;
}

/**
 * The target to name before an error's message: none when the message or member names it already
 * or names another file the user gave (`given`: an --entry file, a --patch file), and none for a
 * usage error (it is about the command line the user just typed).
 */
export function targetNamed(error: unknown, about: string | undefined, given: readonly string[] = []): string | undefined {
  const e = typed(error);
  if (about === undefined || about === '' || (isFnnxError(e) && e.kind === 'usage')) return undefined;
  const said = e instanceof Error ? `${e.message}\n${isFnnxError(e) ? (e.member ?? '') : ''}` : String(e);
  const name = targetName(about);
  return [about, name, ...given].some((file) => file !== '' && said.includes(file)) ? undefined : name;
}

/**
 * One line: `fnnx-kit: <target>: <member>: <what> (<code>)`, then a hint line where one helps.
 * `about` is the artifact or file the command was run on: every error line names it (targetNamed).
 */
export function formatError(error: unknown, debug = false, about?: string, given?: readonly string[]): string {
  const e = typed(error);
  const target = targetNamed(e, about, given);
  const head = `fnnx-kit: ${target === undefined ? '' : `${printable(target)}: `}`;
  let out: string;
  if (isFnnxError(e)) {
    out = `${head}${e.member ? `${printable(e.member)}: ` : ''}${printable(e.message)} (${e.code})\n`;
    out += `  hint: ${printable(e.hint ?? defaultHint(e.code, e.kind))}\n`;
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    out = `${head}${printable(msg.split('\n')[0] ?? '')} (INTERNAL)\n  hint: this is a bug in fnnx-kit; rerun with --debug and report it\n`;
  }
  // The stack's first line repeats the message: each line is escaped, the line breaks kept.
  if (debug && e instanceof Error && e.stack) out += `${e.stack.split('\n').map(printable).join('\n')}\n`;
  return out;
}
