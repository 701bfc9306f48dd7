import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { exitCodeOf, formatError } from './errors.js';
import { handleStdoutErrors } from './stdout.js';

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
    .exitOverride();
  for (const register of commands) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  handleStdoutErrors((e) => formatError(e, argv.includes('--debug')));
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
