import { once } from 'node:events';
import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { ioError } from '../node/io-error.js';
import { EXIT_USAGE } from './errors.js';

/** 128 + SIGPIPE: what a shell reports for `cat big | head`'s cat. */
export const EXIT_BROKEN_PIPE = 141;

let describeFailure: (e: unknown) => string = String;

/**
 * Standard output is the world's too. A reader that went away (`| head -c 10`) ends the command
 * as it ends `cat`: at once, with no message, exit 141. Any other failure to write it (a full
 * disk, `> /dev/full`) is one error line, formatted by `format`, not a crash.
 */
export function handleStdoutErrors(format: (e: unknown) => string): void {
  describeFailure = format;
}

function stdoutFailed(e: NodeJS.ErrnoException): never {
  if (e.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
  process.stderr.write(describeFailure(ioError(e, 'standard output')));
  process.exit(EXIT_USAGE);
}

/**
 * One of the process's output descriptors, written straight to its file descriptor until a write
 * needs the stream. On Linux, Node writes pipes and files synchronously anyway, and making
 * process.stdout or process.stderr costs every command ~2 ms of start-up (the stream and net
 * modules; bench/startup.mjs). A descriptor another process left non-blocking (EAGAIN) hands the
 * rest, and every later write, to the stream, which waits for the reader.
 */
class Output {
  private stream: Writable | undefined;

  constructor(
    private readonly fd: number,
    private readonly openStream: () => Writable,
    private readonly failed: (e: NodeJS.ErrnoException) => void,
  ) {}

  useStream(): Writable {
    this.stream ??= this.openStream();
    return this.stream;
  }

  /** Writes `chunk`, and waits for the reader when the stream asks, so memory stays bounded. */
  async write(chunk: Uint8Array | string): Promise<void> {
    let rest = chunk;
    if (!this.stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let done = 0;
      try {
        while (done < bytes.length) done += writeSync(this.fd, bytes, done);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return this.failed(e as NodeJS.ErrnoException);
        rest = bytes.subarray(done);
      }
    }
    const out = this.useStream();
    if (!out.write(rest)) await once(out, 'drain');
  }
}

const stdout = new Output(
  1,
  () => process.stdout.on('error', stdoutFailed),
  (e) => stdoutFailed(e),
);
// Nowhere is left to report a failure to write standard error.
const stderr = new Output(
  2,
  () => process.stderr,
  () => undefined,
);

/** Writes to standard output (see Output). */
export function writeOut(chunk: Uint8Array | string): Promise<void> {
  return stdout.write(chunk);
}

/** Writes to standard error (see Output): warnings and errors. */
export function writeErr(chunk: Uint8Array | string): Promise<void> {
  return stderr.write(chunk);
}

/**
 * Sends every later write through process.stdout and process.stderr: for a host that runs main()
 * in its own process and takes the streams' writes (test/helpers/hostile-driver.mjs runs many
 * commands so).
 */
export function writeThroughProcessStreams(): void {
  stdout.useStream();
  stderr.useStream();
}
