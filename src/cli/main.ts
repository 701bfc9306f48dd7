import { readFileSync } from 'node:fs';
import { Command } from './args/command.js';
import { runProgram } from './args/run.js';
import { commandLoaders } from './commands/index.js';
import { applyConventions, helpArgv, reportFailure } from './conventions.js';
import { formatError } from './errors.js';
import { installInterruptHandler, interruptedBy, reportInterrupt } from './interrupt.js';
import { handleStdoutErrors } from './stdout.js';
import { useInflater } from '../zip/inflate.js';
import { zlibInflate } from '../node/zlib-inflate.js';

// Every zip the CLI opens (card show, validate, the checks before a write) inflates with node:zlib (src/zip/inflate.ts).
useInflater(zlibInflate);

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
    .version(packageVersion, '-V, --version', 'print the version and exit')
    // Program options end at the subcommand (args/walk.ts), so `new --version 1.2.0` is the model's
    // version; applyConventions then offers --debug on every subcommand too.
    .option('--debug', 'print stack traces with errors');
  const only = commandNamed(args);
  // `fnnx-kit --version` ends at its first argument: it needs no command (the walk stops there).
  const versionFirst = args[0] === '-V' || args[0] === '--version';
  const loaders = only ? [commandLoaders.get(only)!] : versionFirst ? [] : [...commandLoaders.values()];
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program);
  applyConventions(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  handleStdoutErrors((e) => formatError(e, argv.includes('--debug')));
  installInterruptHandler();
  try {
    const args = helpArgv(argv);
    const program = await buildProgram(args.slice(2));
    // Help and the version end the run with their own code; an action leaves its code in process.exitCode.
    const ended = await runProgram(program, args.slice(2));
    return ended ?? (typeof process.exitCode === 'number' ? process.exitCode : 0);
  } catch (e) {
    // A command the signal cut short ends with the interrupt's one message, not with the error it caused.
    const signal = interruptedBy();
    return signal ? reportInterrupt(signal, e) : reportFailure(e, argv);
  }
}

/** Runs the CLI on `argv` (process.argv's shape) and sets the exit code: what bin/fnnx-kit.cjs calls. */
export function launch(argv: string[]): void {
  void main(argv).then((code) => {
    process.exitCode = code;
    // After the promise jobs still queued: one of them may yet start I/O.
    process.nextTick(endIfIdle);
  });
}

/**
 * Ends the process once the command is done and nothing is pending (no I/O, timer or stream left
 * to wait for; output goes out by writeSync). Left to end by itself, Node first runs V8's idle
 * tasks, such as a young-generation GC the command's allocations scheduled, and then tears the
 * heap down: about 1 ms of a short command (bench/startup.mjs). Anything still pending is left to
 * finish as usual.
 */
function endIfIdle(): void {
  if (process.getActiveResourcesInfo().length === 0) process.exit();
}
