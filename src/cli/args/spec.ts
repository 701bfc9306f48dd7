/**
 * What a command declares: its options and arguments, read from the same strings commander took
 * (`'-o, --output <file>'`, `'--no-check'`, `'<artifact>'`, `'[file]'`), so the command modules
 * keep their declarations as they are.
 */

/** A value parser: the text given and the value so far (a default, or the previous occurrence's result). */
export type OptionParser = (value: string, previous: unknown) => unknown;

export interface OptionSpec {
  /** As declared; help and error messages show it verbatim. */
  readonly flags: string;
  /** `-o`, if the option has a short form. */
  readonly short?: string;
  /** `--output`: every option of ours has a long form. */
  readonly long: string;
  /** The key in `opts()`: `--drop-trailing` → `dropTrailing`, `--no-check` → `check`. */
  readonly key: string;
  /** Takes a value (`<file>`); otherwise a flag. */
  readonly takesValue: boolean;
  /** `--no-x`: sets x to false, and x defaults to true. */
  readonly negate: boolean;
  /** requiredOption(): the command refuses to run without it. */
  readonly mandatory: boolean;
  readonly description: string;
  readonly defaultValue?: unknown;
  readonly parse?: OptionParser;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly required: boolean;
  /** `<artifact...>`: takes every operand from here on, as an array (commander's syntax); only last. */
  readonly variadic: boolean;
  readonly description: string;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `'-o, --output <file>'` → its parts. Throws on a declaration the parser has no use for (a mistake in code). */
export function optionSpec(
  flags: string,
  description: string,
  mandatory: boolean,
  parse: OptionParser | undefined,
  defaultValue: unknown,
): OptionSpec {
  const m = /^(?:(-[A-Za-z]), )?(--[a-z][a-z0-9-]*)(?: (<[^>]+>))?$/.exec(flags);
  if (!m) throw new Error(`unsupported option declaration: ${flags}`);
  const [, short, long, value] = m as unknown as [string, string | undefined, string, string | undefined];
  const negate = long.startsWith('--no-') && value === undefined;
  const key = camelCase(long.slice(negate ? 5 : 2));
  return { flags, short, long, key, takesValue: value !== undefined, negate, mandatory, description, defaultValue, parse };
}

/** `'<artifact>'` (required), `'[file]'` (optional), `'<artifact...>'` (one or more). */
export function argumentSpec(name: string, description: string): ArgumentSpec {
  const m = /^(?:<([^>]+)>|\[([^\]]+)\])$/.exec(name);
  if (!m) throw new Error(`unsupported argument declaration: ${name}`);
  const inner = m[1] ?? m[2]!;
  const variadic = inner.endsWith('...');
  return { name: variadic ? inner.slice(0, -3) : inner, required: m[1] !== undefined, variadic, description };
}

/** How an argument reads in a usage line: `<artifact>`, `[file]`, `<artifact...>`. */
export function argumentTerm(a: ArgumentSpec): string {
  const name = a.variadic ? `${a.name}...` : a.name;
  return a.required ? `<${name}>` : `[${name}]`;
}

/** The help flag every command takes; not an OptionSpec, so that it reaches the walk as "not an option of ours" (as commander did). */
export const HELP_FLAGS = '-h, --help';
export const HELP_DESCRIPTION = 'display help for command';
export const isHelpFlag = (arg: string): boolean => arg === '-h' || arg === '--help';
