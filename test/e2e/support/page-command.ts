/** `fnnx-kit page --json` as a user starts it: the built CLI in a child process, serving the built page until a signal. */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from '../../helpers/cli.js';

export interface PageCommand {
  /** The URL it printed. */
  url: string;
  child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the exit status once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits for the end. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `fnnx-kit page --json …args` and resolves once it has printed its URL (rejects if it ends first). */
export function startPageCommand(args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<PageCommand> {
  const child = spawn(process.execPath, [BIN, 'page', '--json', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    void exited.then(({ code }) => reject(new Error(`fnnx-kit page ended (${code}) before printing a URL:\n${out}${err}`)));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      let url: unknown;
      try {
        url = (JSON.parse(out) as { url?: unknown }).url;
      } catch {
        return; // Not all of it yet.
      }
      resolve({
        url: String(url),
        child,
        stderr: () => err,
        exited,
        stop: (signal = 'SIGINT') => {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}
