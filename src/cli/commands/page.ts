import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../args/command.js';
import { SourceError, UsageError } from '../../errors.js';
import { ioError } from '../../node/io-error.js';
import { startPageServer, type PageServer } from '../../node/page-server.js';
import { printable } from '../../safety/printable.js';
import { printJson } from '../common.js';
import { exitStatusOf, interruptedBy, interruptSignal } from '../interrupt.js';
import { writeErr, writeOut } from '../stdout.js';

interface PageOptions {
  port?: string;
  open?: boolean;
  json?: boolean;
}

export function registerPage(program: Command): void {
  program
    .command('page')
    .description('serve the artifact inspector page on 127.0.0.1 and print its URL; it runs until Ctrl-C')
    .option('--port <n>', 'the port to listen on (default: a free one)')
    .option('--open', 'open the page in the browser ($BROWSER if set, else the system opener)')
    .option('--json', 'print {"url": …} once listening')
    .action(async (opts: PageOptions) => {
      const port = opts.port === undefined ? 0 : portOf(opts.port);
      const server = await startPageServer(pageDir(), port, runtimeFiles()).catch((e: unknown) => {
        throw listenError(e, port);
      });
      if (opts.json) await printJson({ url: server.url });
      else await writeOut(`Inspector page: ${server.url}  (Ctrl-C stops it)\n`);
      if (opts.open) openInBrowser(server.url);
      process.exitCode = await untilSignal(server);
    });
}

function portOf(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError('BAD_OPTION', `--port must be a port number (0-65535), got "${text}"`);
  return n;
}

/**
 * The built page (dist-web/page) of the package this module belongs to. The module runs from
 * dist/cli/commands/, from the CLI bundle (dist/cli-bundle/) or, in tests, from src/: the
 * package's root is the nearest folder above with fnnx-kit's package.json.
 */
function pageDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (!isOurPackage(join(dir, 'package.json'))) continue;
    const page = join(dir, 'dist-web', 'page');
    if (existsSync(join(page, 'index.html'))) return page;
    throw new SourceError('NOT_FOUND', `${page}: the inspector page is not built`, {
      hint: 'in a checkout, run npm run build:web (the published package ships the page built)',
    });
  }
  throw new SourceError('NOT_FOUND', 'the inspector page: no fnnx-kit package folder above the CLI', {
    hint: 'reinstall fnnx-kit (npm i -g fnnx-kit)',
  });
}

/** onnxruntime-web's WebAssembly build, which the page's Run step imports from `ort/` (web/run-step.ts). */
const RUNTIME_FILES = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

/** The runtime's files when onnxruntime-web is installed beside fnnx-kit; none, and the Run step says how to install it, when not. */
function runtimeFiles(): Map<string, string> {
  let dist: string;
  try {
    dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/wasm'));
  } catch {
    return new Map();
  }
  return new Map(RUNTIME_FILES.map((f) => [`ort/${f}`, join(dist, f)]));
}

function isOurPackage(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'fnnx-kit';
  } catch {
    return false;
  }
}

function listenError(e: unknown, port: number): Error {
  if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new UsageError('BAD_OPTION', `port ${port} on 127.0.0.1 is taken by another program`, {
      hint: 'choose another with --port, or leave --port out for a free one',
    });
  }
  return e instanceof Error && 'syscall' in e ? ioError(e, `127.0.0.1:${port}`) : (e as Error);
}

/**
 * Hands the URL to the browser and does not wait for it: $BROWSER (a program, as Python's
 * webbrowser and git read it), else the system's opener. A missing opener is a warning: the URL
 * is printed, and the page can be opened by hand.
 */
function openInBrowser(url: string): void {
  const [command, args] = process.env.BROWSER
    ? [process.env.BROWSER, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on(
    'error',
    (e) => void writeErr(`fnnx-kit: warning: could not open a browser (${printable(command)}: ${e.message}); open ${url}\n`),
  );
  child.unref();
}

/**
 * Serves until SIGINT or SIGTERM (src/cli/interrupt.ts), then closes the server and resolves to
 * the shell's exit status for that signal. Stopping is how page ends, not a failure: its own line.
 */
function untilSignal(server: PageServer): Promise<number> {
  return new Promise((resolve) => {
    const stop = () => {
      const signal = interruptedBy() ?? 'SIGINT';
      void writeErr(`\nfnnx-kit: page: stopped (${signal})\n`);
      void server.close().then(() => resolve(exitStatusOf(signal)));
    };
    if (interruptSignal.aborted) stop();
    else interruptSignal.addEventListener('abort', stop, { once: true });
  });
}
