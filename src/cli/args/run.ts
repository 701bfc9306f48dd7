/**
 * Runs a command line against the command tree: walks each level's options (walk.ts), descends
 * into the named subcommand, and checks, in commander's order, --help, required options, unknown
 * options and the number of arguments before calling the action. Usage errors are thrown as
 * UsageErrors; help and the version are printed here.
 */
import { EXIT_USAGE } from '../errors.js';
import type { Command } from './command.js';
import { writeHelp } from './help.js';
import { isHelpFlag } from './spec.js';
import { suggestSimilar } from '../../suggest.js';
import { usageError } from './usage-error.js';
import { walk } from './walk.js';

/** A command line that named no command gets the help on stderr, and the exit code of a usage error. */
const EXIT_NO_COMMAND = EXIT_USAGE;

function unknownOption(cmd: Command, flag: string): Error {
  // The command's own options only: the program's end at the subcommand.
  const suggestion = flag.startsWith('--') ? suggestSimilar(flag, [...cmd.options.map((o) => o.long), '--help']) : '';
  return usageError('UNKNOWN_OPTION', `unknown option '${flag}'`, cmd, suggestion);
}

function unknownCommand(cmd: Command, name: string): Error {
  const suggestion = suggestSimilar(name, [...cmd.commands.map((c) => c.name()), 'help']);
  return usageError('UNKNOWN_COMMAND', `unknown command '${name}'`, cmd, suggestion);
}

/** `help [command]` on a command with subcommands. */
function helpCommand(cmd: Command, name: string | undefined): number {
  if (name === undefined) {
    writeHelp(cmd, process.stdout);
    return 0;
  }
  const sub = cmd.findCommand(name);
  if (!sub) {
    writeHelp(cmd, process.stderr);
    return EXIT_NO_COMMAND;
  }
  writeHelp(sub, process.stdout);
  return 0;
}

function checkRequiredOptions(cmd: Command): void {
  for (const c of cmd.lineage()) {
    const missing = c.options.find((o) => o.mandatory && c.opts()[o.key] === undefined);
    if (missing) throw usageError('MISSING_OPTION', `required option '${missing.flags}' not specified`, c);
  }
}

function checkArguments(cmd: Command, operands: readonly string[]): void {
  const missing = cmd.arguments.find((a, i) => a.required && operands[i] === undefined);
  if (missing) throw usageError('MISSING_ARGUMENT', `missing required argument '${missing.name}'`, cmd);
  const expected = cmd.arguments.length;
  if (operands.length > expected && !cmd.arguments.at(-1)?.variadic) {
    const message = `too many arguments for '${cmd.name()}'. Expected ${expected} argument${expected === 1 ? '' : 's'} but got ${operands.length}.`;
    throw usageError('TOO_MANY_ARGUMENTS', message, cmd);
  }
}

async function runCommand(cmd: Command, before: readonly string[], args: readonly string[]): Promise<number | undefined> {
  const walked = walk(cmd, args);
  if (walked.version) {
    process.stdout.write(`${cmd.version() ?? ''}\n`);
    return 0;
  }
  const operands = [...before, ...walked.operands];
  const { unknown } = walked;
  if (cmd.commands.length > 0) {
    const sub = cmd.findCommand(operands[0]);
    if (sub) return runCommand(sub, operands.slice(1), unknown);
    if (operands[0] === 'help') return helpCommand(cmd, operands[1]);
    if (operands.length === 0 && unknown.length === 0) {
      writeHelp(cmd, process.stderr);
      return EXIT_NO_COMMAND;
    }
  }
  if (unknown.some(isHelpFlag)) {
    writeHelp(cmd, process.stdout);
    return 0;
  }
  checkRequiredOptions(cmd);
  const action = cmd.actionHandler;
  if (!action) {
    if (operands.length > 0) throw unknownCommand(cmd, operands[0]!);
    if (unknown.length > 0) throw unknownOption(cmd, unknown[0]!);
    writeHelp(cmd, process.stderr);
    return EXIT_NO_COMMAND;
  }
  if (unknown.length > 0) throw unknownOption(cmd, unknown[0]!);
  checkArguments(cmd, operands);
  for (const hooked of cmd.lineage().reverse()) for (const hook of hooked.preActionHooks) hook(hooked, cmd, operands);
  const values = cmd.arguments.map((a, i) => (a.variadic ? operands.slice(i) : operands[i]));
  // The action's parameter list is its module's to type (command.ts, Action).
  await (action as (...args: unknown[]) => void | Promise<void>)(...values, cmd.opts(), cmd);
  return undefined;
}

/**
 * Runs `args` (the words after `fnnx-kit`). Resolves to the exit code when the parser ended the
 * run itself (help, version), or undefined once the command's action has run.
 */
export function runProgram(program: Command, args: readonly string[]): Promise<number | undefined> {
  return runCommand(program, [], args);
}
