import { spawn } from 'node:child_process';
import { BIN, type CliResult } from './cli.js';

/**
 * Runs the built CLI without blocking this process, for tests whose server lives in this process
 * (runCli's spawnSync would freeze the server it talks to). `onSpawn` gets the child, e.g. to
 * send it SIGINT.
 */
export function runCliAsync(
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    onSpawn?: (child: import('node:child_process').ChildProcess) => void;
    /** A command to run the CLI under, e.g. GNU time to measure its peak memory. */
    wrap?: string[];
    cwd?: string;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = [...(options.wrap ?? []), process.execPath];
    const child = spawn(cmd!, [...pre, BIN, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code: code ?? (signal ? 128 : -1),
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
      });
    });
    options.onSpawn?.(child);
  });
}
