import { once } from 'node:events';
import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { ioError } from '../node/file-source.js';
import { EXIT_USAGE } from './errors.js';

/** 128 + SIGPIPE: what a shell reports for `cat big | head`'s cat. */
export const EXIT_BROKEN_PIPE = 141;

let describeFailure: (e: unknown) => string = String;
/** process.stdout, once a write has needed it (see writeOut). */
let stream: Writable | undefined;

/**
 * Standard output is the world's too. A reader that went away (`| head -c 10`) ends the command
 * as it ends `cat`: at once, with no message, exit 141. Any other failure to write it (a full
 * disk, `> /dev/full`) is one error line, formatted by `format`, not a crash.
 */
export function handleStdoutErrors(format: (e: unknown) => string): void {
  describeFailure = format;
}

function failed(e: NodeJS.ErrnoException): never {
  if (e.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
  process.stderr.write(describeFailure(ioError(e, 'standard output')));
  process.exit(EXIT_USAGE);
}

function stdoutStream(): Writable {
  if (!stream) {
    stream = process.stdout;
    stream.on('error', failed);
  }
  return stream;
}

/**
 * Sends every later write through process.stdout: for a host that runs main() in its own process
 * and takes process.stdout's writes (test/helpers/hostile-driver.mjs runs many commands so).
 */
export function writeThroughProcessStdout(): void {
  stdoutStream();
}

/**
 * Writes to standard output and waits, when it has to, for the reader, so memory stays bounded.
 *
 * Straight to file descriptor 1 while it takes the bytes: on Linux, Node writes pipes and files
 * synchronously anyway, and making process.stdout costs every command ~2 ms of start-up (the
 * stream and net modules; bench/startup.mjs). A descriptor another process left non-blocking
 * (EAGAIN) hands the rest, and every later write, to process.stdout, which waits for it.
 */
export async function writeOut(chunk: Uint8Array | string): Promise<void> {
  let rest = chunk;
  if (!stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(1, bytes, done);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') failed(e as NodeJS.ErrnoException);
      rest = bytes.subarray(done);
    }
  }
  const out = stdoutStream();
  if (!out.write(rest)) await once(out, 'drain');
}
