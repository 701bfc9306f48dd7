import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { commandLoaders } from './commands/index.js';
import { exitCodeOf, formatError } from './errors.js';

/** The installed package's version: dist/cli/main.js sits two levels under package.json. */
function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** The command a command line names (its first word that is not an option), if it is one of ours. */
function commandNamed(args: readonly string[]): string | undefined {
  const word = args.find((a) => !a.startsWith('-'));
  return word !== undefined && commandLoaders.has(word) ? word : undefined;
}

/**
 * The program with the command `args` names, or with every command (for help, a mistyped name…):
 * a run loads only the modules it needs.
 */
export async function buildProgram(args: readonly string[] = []): Promise<Command> {
  const program = new Command('fnnx-kit')
    .description('Read, write and validate FNNX model artifacts (.fnnx, .pyfnx, .dfs, .luml)')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .option('--debug', 'print stack traces with errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const only = commandNamed(args);
  const loaders = only ? [commandLoaders.get(only)!] : [...commandLoaders.values()];
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv.slice(2));
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
