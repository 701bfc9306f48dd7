/**
 * One command's share of the command line, split into tokens by node:util's parseArgs and
 * interpreted the way commander did, so command lines mean what they meant:
 *
 * - an option that takes a value takes the next argument whatever it looks like (`-o -`);
 * - the first option that is not the command's own, and every operand after it, are "unknown";
 *   options the command knows are still applied after it (the caller reports the unknown one
 *   only after looking for --help, which is deliberately not among the options);
 * - on a command with subcommands, the first operand that names one ends this command's options:
 *   the rest belongs to the subcommand (`new --version 1.2.0` is the model's version);
 * - in a command without subcommands, a negative number is an operand, not an option.
 */
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import type { OptionSpec } from './spec.js';
import { usageError } from './usage-error.js';

export interface Walked {
  /** Operands in order; on a command with subcommands, `[subcommand]` or `['help', …rest]` when one was named. */
  operands: string[];
  /** The first unknown option and everything not understood after it; for a named subcommand, the arguments after its name. */
  unknown: string[];
  /** `-V`/`--version` was given: print the version, nothing else. */
  version?: boolean;
}

/** A negative number: commander's test, so `-5` stays an operand where it was one. */
const NEGATIVE_NUMBER = /^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/;

type ParseArgsOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/**
 * `args` as parseArgs splits it, knowing the command's options (`--help` left out on purpose: it
 * must come back as unknown). Not strict: walk() decides what is unknown, as commander did.
 */
function tokenize(cmd: Command, args: readonly string[]) {
  const options: ParseArgsOptions = {};
  for (const o of cmd.options) {
    const type = o.takesValue ? 'string' : 'boolean';
    options[o.long.slice(2)] = o.short ? { type, short: o.short.slice(1) } : { type };
  }
  return parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true }).tokens;
}

function apply(cmd: Command, option: OptionSpec, value: string | undefined): void {
  if (!option.takesValue) {
    cmd.setOptionValue(option.key, !option.negate);
    return;
  }
  if (value === undefined) throw usageError('MISSING_OPTION_VALUE', `option '${option.flags}' argument missing`, cmd);
  // A parser's own error (BAD_LIMIT, BAD_OPTION) reaches the user as it is.
  cmd.setOptionValue(option.key, option.parse ? option.parse(value, cmd.opts()[option.key]) : value);
}

export function walk(cmd: Command, args: readonly string[]): Walked {
  const tokens = tokenize(cmd, args);
  const hasSubcommands = cmd.commands.length > 0;
  const operands: string[] = [];
  const unknown: string[] = [];
  // parseArgs splits `-qo` into one token per letter, all with the argument's index.
  let groupIndex = -1;
  let groupPosition = 0;
  let skipIndex = -1;
  for (const token of tokens) {
    if (token.index === skipIndex) continue;
    if (token.kind === 'option-terminator') {
      const rest = args.slice(token.index + 1);
      // After an unknown option, `--` and what follows stay with it, as commander kept them.
      if (unknown.length > 0) unknown.push('--', ...rest);
      else operands.push(...rest);
      break;
    }
    if (token.kind === 'positional') {
      if (hasSubcommands && operands.length === 0 && unknown.length === 0) {
        if (cmd.findCommand(token.value)) return { operands: [token.value], unknown: args.slice(token.index + 1) };
        if (token.value === 'help') return { operands: ['help', ...args.slice(token.index + 1)], unknown: [] };
      }
      (unknown.length > 0 ? unknown : operands).push(token.value);
      continue;
    }
    const arg = args[token.index]!;
    const long = arg.startsWith('--');
    groupPosition = !long && token.index === groupIndex ? groupPosition + 1 : 1;
    groupIndex = token.index;
    if (groupPosition === 1 && !hasSubcommands && NEGATIVE_NUMBER.test(arg)) {
      (unknown.length > 0 ? unknown : operands).push(arg);
      skipIndex = token.index;
      continue;
    }
    const option = cmd.findOption(`--${token.name}`);
    // `--json=1`: a flag given a value is not the flag (commander: unknown option '--json=1').
    if (option && (option.takesValue || !token.inlineValue)) {
      if (option === cmd.versionOption) return { operands, unknown, version: true };
      apply(cmd, option, token.value);
      continue;
    }
    // Unknown: a long option whole; in a group of short ones, the rest of the group from this letter on.
    unknown.push(long ? arg : `-${arg.slice(groupPosition)}`);
    skipIndex = token.index;
  }
  return { operands, unknown };
}
