import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { exitCodeOf, formatError } from './errors.js';

/** The installed package's version: dist/cli/main.js sits two levels under package.json. */
function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

export function buildProgram(): Command {
  const program = new Command('fnnx-kit')
    .description('Read, write and validate FNNX model artifacts (.fnnx, .pyfnx, .dfs, .luml)')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .option('--debug', 'print stack traces with errors')
    .showHelpAfterError('(run with --help for usage)')
    // Program options end at the subcommand, so `new --version 1.2.0` is the model's version;
    // --debug is then offered by every subcommand too.
    .enablePositionalOptions()
    .exitOverride();
  for (const register of commands) register(program);
  for (const cmd of program.commands) {
    if (!cmd.options.some((o) => o.long === '--debug')) cmd.option('--debug', 'print stack traces with errors');
    cmd.exitOverride();
  }
  return program;
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its own message (or the help text).
      return e.exitCode === 0 ? 0 : 2;
    }
    const debug = argv.includes('--debug');
    process.stderr.write(formatError(e, debug));
    return exitCodeOf(e);
  }
}
