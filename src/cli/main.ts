import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { exitCodeOf, formatError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('fnnx-kit')
    .description('Read, write and validate FNNX model artifacts (.fnnx, .pyfnx, .dfs, .luml)')
    .option('--debug', 'print stack traces with errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
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
